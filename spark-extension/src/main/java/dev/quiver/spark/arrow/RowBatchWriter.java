package dev.quiver.spark.arrow;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.execution.arrow.ArrowFieldWriter;
import org.apache.spark.sql.execution.arrow.ArrowWriter$;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Writes Spark rows into one reusable Arrow batch, every Spark type into exactly the vector
 * Spark's own {@code ArrowWriter} would use. Each column can be read from any position of the
 * row, so arguments that are plain columns need no projection first.
 *
 * <p>Flat columns (numbers, dates, timestamps, strings, binary) are written by
 * {@link FlatColumns}, straight into the vectors' memory; other types by Spark's Arrow field
 * writers. Measured on row input, a string argument written through the field writer's
 * {@code setSafe} chain cost more than the function itself.
 */
public final class RowBatchWriter implements AutoCloseable {
  private final VectorSchemaRoot root;
  private final ArrowFieldWriter[] fields;
  private final boolean[] copyable;
  /** Columns filled by {@link ColumnCopy} in this batch, bypassing their field writers. */
  private final boolean[] copied;
  private final FlatColumns flat;
  private int rows;

  public RowBatchWriter(StructType schema, String timeZoneId, BufferAllocator allocator) {
    this.root = VectorSchemaRoot.create(ArrowTypes.schema(schema, timeZoneId), allocator);
    List<FieldVector> vectors = root.getFieldVectors();
    this.fields = new ArrowFieldWriter[vectors.size()];
    this.copyable = new boolean[fields.length];
    this.copied = new boolean[fields.length];
    try {
      for (int i = 0; i < fields.length; i++) {
        vectors.get(i).allocateNew();
        fields[i] = ArrowWriter$.MODULE$.createFieldWriter(vectors.get(i));
        copyable[i] = ColumnCopy.supports(schema.fields()[i].dataType());
      }
    } catch (RuntimeException e) {
      // The task's Arrow limit reached on a later column: no one else holds the earlier ones.
      root.close();
      throw e;
    }
    this.flat = new FlatColumns(schema, vectors);
  }

  /**
   * Fills an empty batch from a columnar batch: column {@code i} from the batch's column
   * {@code ordinals[i]}, copied column by column where the type allows and row by row otherwise.
   */
  public void write(ColumnarBatch batch, int[] ordinals) {
    write(batch, ordinals, null, batch.numRows());
  }

  /** Likewise, of the batch's rows {@code selected[0..count)} ({@code null}: all of them). */
  public void write(ColumnarBatch batch, int[] ordinals, int[] selected, int count) {
    for (int i = 0; i < fields.length; i++) {
      if (copyable[i]) {
        ColumnCopy.copy(batch.column(ordinals[i]), selected, count, root.getVector(i));
        copied[i] = true;
      } else {
        for (int r = 0; r < count; r++) {
          fields[i].write(batch.getRow(selected == null ? r : selected[r]), ordinals[i]);
        }
      }
    }
    rows = count;
  }

  /** Appends a row whose column {@code i} is at position {@code i}. */
  public void write(SpecializedGetters row) {
    for (int i = 0; i < fields.length; i++) {
      write(i, row, i);
    }
    rows++;
  }

  /** Appends one value to column {@code column}; call for every column, then {@link #next()}. */
  public void write(int column, SpecializedGetters row, int ordinal) {
    if (!flat.write(column, rows, row, ordinal)) {
      fields[column].write(row, ordinal);
    }
  }

  /**
   * Whether column {@code column} takes the typed writes below: numbers, dates, timestamps,
   * strings and binary. Each writes the current row's value of one column; call one for every
   * column, then {@link #next()}.
   */
  public boolean takesTypedWrites(int column) {
    return flat.isFlat(column);
  }

  /**
   * The name of the typed write below that takes a value of Spark type {@code type}, for
   * generated code; null when the type has none.
   */
  public static String typedWrite(DataType type) {
    if (type instanceof DoubleType) {
      return "writeDouble";
    }
    if (type instanceof LongType || type instanceof TimestampType
        || type instanceof TimestampNTZType) {
      return "writeLong";
    }
    if (type instanceof IntegerType || type instanceof DateType) {
      return "writeInt";
    }
    if (type instanceof FloatType) {
      return "writeFloat";
    }
    if (type instanceof StringType) {
      return "writeUTF8";
    }
    return type instanceof BinaryType ? "writeBinary" : null;
  }

  public void writeNull(int column) {
    flat.writeNull(column, rows);
  }

  public void writeDouble(int column, double value) {
    flat.writeDouble(column, rows, value);
  }

  public void writeLong(int column, long value) {
    flat.writeLong(column, rows, value);
  }

  public void writeInt(int column, int value) {
    flat.writeInt(column, rows, value);
  }

  public void writeFloat(int column, float value) {
    flat.writeFloat(column, rows, value);
  }

  public void writeUTF8(int column, org.apache.spark.unsafe.types.UTF8String value) {
    flat.writeUTF8(column, rows, value);
  }

  public void writeBinary(int column, byte[] value) {
    flat.writeBinary(column, rows, value);
  }

  /** Completes a row written column by column. */
  public void next() {
    rows++;
  }

  public int rows() {
    return rows;
  }

  /** Completes the batch: sets value and row counts. The batch stays valid until reset. */
  public VectorSchemaRoot finish() {
    for (int i = 0; i < fields.length; i++) {
      if (!copied[i] && !flat.finish(i, rows)) {
        fields[i].finish();
      }
    }
    root.setRowCount(rows);
    return root;
  }

  /** Empties the batch for reuse, keeping its buffers. */
  public void reset() {
    for (int i = 0; i < fields.length; i++) {
      if (!flat.isFlat(i)) { // a flat column's vector is emptied by flat.reset()
        fields[i].reset();
      }
      copied[i] = false;
    }
    flat.reset();
    root.setRowCount(0);
    rows = 0;
  }

  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public void close() {
    root.close();
  }
}

package dev.quiver.spark.arrow;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.execution.arrow.ArrowFieldWriter;
import org.apache.spark.sql.execution.arrow.ArrowWriter$;
import org.apache.spark.sql.types.StructType;

/**
 * Writes Spark rows into one reusable Arrow batch with Spark's own Arrow field writers, so every
 * Spark type lands in exactly the vector Spark itself would use. Each column can be read from
 * any position of the row, so arguments that are plain columns need no projection first.
 */
public final class RowBatchWriter implements AutoCloseable {
  private final VectorSchemaRoot root;
  private final ArrowFieldWriter[] fields;
  private int rows;

  public RowBatchWriter(StructType schema, String timeZoneId, BufferAllocator allocator) {
    this.root = VectorSchemaRoot.create(ArrowTypes.schema(schema, timeZoneId), allocator);
    List<FieldVector> vectors = root.getFieldVectors();
    this.fields = new ArrowFieldWriter[vectors.size()];
    for (int i = 0; i < fields.length; i++) {
      vectors.get(i).allocateNew();
      fields[i] = ArrowWriter$.MODULE$.createFieldWriter(vectors.get(i));
    }
  }

  /** Appends a row whose column {@code i} is at position {@code i}. */
  public void write(SpecializedGetters row) {
    for (int i = 0; i < fields.length; i++) {
      fields[i].write(row, i);
    }
    rows++;
  }

  /** Appends one value to column {@code column}; call for every column, then {@link #next()}. */
  public void write(int column, SpecializedGetters row, int ordinal) {
    fields[column].write(row, ordinal);
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
    for (ArrowFieldWriter field : fields) {
      field.finish();
    }
    root.setRowCount(rows);
    return root;
  }

  /** Empties the batch for reuse, keeping its buffers. */
  public void reset() {
    for (ArrowFieldWriter field : fields) {
      field.reset();
    }
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

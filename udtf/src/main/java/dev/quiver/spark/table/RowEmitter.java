package dev.quiver.spark.table;

import dev.quiver.spark.execution.CatalystValues;
import dev.quiver.function.table.Emitter;
import dev.quiver.spark.QuiverException;
import dev.quiver.function.arrow.ResultChecks;
import dev.quiver.spark.arrow.ArrowTypes;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.VectorChecks;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The executor-side {@link Emitter}: checks what a function emits against its result schema and
 * turns it into Spark rows, or a copy of the batch for a sink that takes batches, right away, so
 * that emitted batches stay the function's (see the ownership rule of {@link Emitter#emit}).
 * Each row or batch goes to the operator's {@link Sink} as it is emitted; the operator streams it
 * on (see {@link StreamedCalls}), so no call's output is kept whole.
 */
final class RowEmitter implements Emitter {
  private final String function;
  private final StructType resultType;
  private final Schema schema;
  private final List<Field> fields;
  private final UnsafeProjection toUnsafe;
  /** The projection of copied batches' rows, on the thread that reads them. */
  private final UnsafeProjection readBatches;
  /** Where copies of emitted batches are allocated: the task's, not the function's. */
  private final BufferAllocator copies;
  private Sink sink;
  private BufferAllocator allocator;
  private long emitted;

  /** Where emitted rows go, as they are emitted. */
  @FunctionalInterface
  interface Sink {
    /** Takes one emitted row; {@code row} is reused for the next one, so copy what is kept. */
    void add(InternalRow row);

    /** Whether emitted batches of flat columns come whole, as {@link #add(EmittedBatch)}. */
    default boolean takesBatches() {
      return false;
    }

    /** Takes a copy of an emitted batch, which the sink closes. */
    default void add(EmittedBatch batch) {
      throw new UnsupportedOperationException();
    }
  }

  RowEmitter(String function, StructType resultType, String timeZone, BufferAllocator copies) {
    this.function = function;
    this.resultType = resultType;
    this.schema = ArrowTypes.schema(resultType, timeZone);
    this.fields = schema.getFields();
    List<Expression> columns = new ArrayList<>();
    StructField[] structFields = resultType.fields();
    for (int i = 0; i < structFields.length; i++) {
      columns.add(new BoundReference(i, structFields[i].dataType(), structFields[i].nullable()));
    }
    this.toUnsafe = UnsafeProjection.create(dev.quiver.spark.catalyst.Scala.seq(columns));
    this.readBatches = UnsafeProjection.create(dev.quiver.spark.catalyst.Scala.seq(columns));
    this.copies = copies;
  }

  /** Where the rows emitted from now on go. */
  void sinkTo(Sink sink) {
    this.sink = sink;
  }

  /** The allocator of the function instance now running. */
  void useAllocator(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /**
   * Checks the batch as {@link ResultChecks#checkBatch} does; a batch of the wrong width is
   * refused first, with the names of its columns and the result schema as DDL.
   */
  @Override
  public void emit(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch == null ? List.of() : batch.getFieldVectors();
    if (batch != null && vectors.size() != fields.size()) {
      throw fail("emitted a batch of " + vectors.size() + " columns " + names(vectors)
          + ", but its result schema has " + fields.size() + " ("
          + TableFunctionBuilder.ddl(resultType) + ")");
    }
    VectorChecks.checkBatch(function, batch, schema);
    int count = batch.getRowCount();
    if (count > 0 && sink.takesBatches() && EmittedBatch.copies(vectors, resultType.fields())) {
      EmittedBatch copy;
      try {
        copy = EmittedBatch.copyOf(vectors, count, resultType.fields(), copies, readBatches);
      } catch (OutOfMemoryException e) {
        throw new QuiverException("Quiver function '" + function + "' emitted a batch of "
            + count + " rows that could not be copied while Spark reads the rows before it: "
            + QuiverMemory.describeFailure(e) + " (or emit smaller batches)", e);
      }
      sink.add(copy);
      emitted += count;
      return;
    }
    ColumnVector[] columns = new ColumnVector[vectors.size()];
    for (int c = 0; c < columns.length; c++) {
      columns[c] = new ArrowColumnVector(vectors.get(c));
    }
    // Not closed: closing would close the function's vectors.
    ColumnarBatch columnar = new ColumnarBatch(columns, count);
    for (int r = 0; r < count; r++) {
      sink.add(toUnsafe.apply(columnar.getRow(r)));
      emitted++;
    }
  }

  @Override
  public void emitRow(Object... values) {
    StructField[] columns = resultType.fields();
    if (values == null || values.length != columns.length) {
      throw fail("emitted a row of " + (values == null ? 0 : values.length) + " values, but "
          + "its result schema has " + columns.length + " columns ("
          + TableFunctionBuilder.ddl(resultType) + ")");
    }
    Object[] internal = new Object[columns.length];
    for (int c = 0; c < columns.length; c++) {
      try {
        internal[c] = CatalystValues.toCatalyst(values[c], columns[c].dataType(),
            columns[c].nullable());
      } catch (IllegalArgumentException e) {
        throw fail("emitted a row whose value for column '" + columns[c].name() + "' "
            + e.getMessage());
      }
    }
    sink.add(toUnsafe.apply(new GenericInternalRow(internal)));
    emitted++;
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public BufferAllocator allocator() {
    if (allocator == null) {
      throw fail("used the emitter's allocator outside of a call");
    }
    return allocator;
  }

  /** Rows emitted since the last time this was asked. */
  long takeEmittedCount() {
    long n = emitted;
    emitted = 0;
    return n;
  }

  private static String names(List<FieldVector> vectors) {
    List<String> names = new ArrayList<>();
    for (FieldVector v : vectors) {
      names.add(v.getName());
    }
    return names.toString();
  }

  private QuiverException fail(String problem) {
    return new QuiverException("Quiver function '" + function + "' " + problem + ".");
  }
}

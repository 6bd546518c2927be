package dev.quiver.spark.table;

import dev.quiver.spark.arrow.ArrowMemoryVector;
import dev.quiver.spark.arrow.VectorCopies;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * A copy of a checked batch a function emitted, made on the calls' worker (the function keeps
 * its own vectors, see {@code Emitter#emit}) and handed to the task's thread, which reads its
 * rows and closes it. One memory copy per buffer instead of an unsafe row copied per emitted row:
 * in a profile of {@code tokenize}, projecting and copying each row on the worker was a quarter
 * of the query.
 */
final class EmittedBatch implements AutoCloseable {
  private final List<FieldVector> vectors;
  private final ColumnarBatch columns;
  private final UnsafeProjection toUnsafe;
  private int next;

  private EmittedBatch(List<FieldVector> vectors, ColumnarBatch columns,
      UnsafeProjection toUnsafe) {
    this.vectors = vectors;
    this.columns = columns;
    this.toUnsafe = toUnsafe;
  }

  /**
   * Whether a batch of these vectors is copied whole: columns Spark reads in place (numbers,
   * dates, timestamps, strings, binary, structs of these). Other types go row by row.
   */
  static boolean copies(List<FieldVector> vectors, StructField[] fields) {
    for (int c = 0; c < fields.length; c++) {
      if (!ArrowMemoryVector.supportsInPlace(fields[c].dataType(), vectors.get(c))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A copy of the first {@code rows} rows of {@code source}, which passed the result checks,
   * allocated from {@code allocator}; its rows are read through {@code toUnsafe}, which only the
   * reading thread uses.
   */
  static EmittedBatch copyOf(List<FieldVector> source, int rows, StructField[] fields,
      BufferAllocator allocator, UnsafeProjection toUnsafe) {
    List<FieldVector> copies = new ArrayList<>(source.size());
    try {
      ColumnVector[] columns = new ColumnVector[source.size()];
      for (int c = 0; c < columns.length; c++) {
        FieldVector copy = VectorCopies.deepCopy(source.get(c), allocator);
        copies.add(copy);
        columns[c] = ArrowMemoryVector.inPlace(fields[c].dataType(), copy, rows);
      }
      return new EmittedBatch(copies, new ColumnarBatch(columns, rows), toUnsafe);
    } catch (RuntimeException | Error e) {
      copies.forEach(FieldVector::close);
      throw e;
    }
  }

  /** Whether a row is left to read. */
  boolean hasRow() {
    return next < columns.numRows();
  }

  /** The next row, valid until the next call; the batch's memory is not referenced by it. */
  InternalRow nextRow() {
    return toUnsafe.apply(columns.getRow(next++));
  }

  int rows() {
    return columns.numRows();
  }

  @Override
  public void close() {
    vectors.forEach(FieldVector::close);
  }
}

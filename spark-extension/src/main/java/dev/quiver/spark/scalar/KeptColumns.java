package dev.quiver.spark.scalar;

import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.execution.TaskScope;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.OutOfMemoryException;
import dev.quiver.spark.arrow.ArrowMemoryVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * The input columns a scalar operator's output reads, kept for one batch of row input while its
 * calls are evaluated: as Arrow columns in the task's allocator, so that what a batch holds is
 * bounded by {@code spark.quiver.memory.taskLimit} like the arguments, and costs one write per
 * value read rather than a copy of every whole row.
 */
final class KeptColumns {
  private final RowBatchWriter writer;
  private final int[] ordinals;
  private final StructType schema;
  private final FunctionHandle[] functions;

  KeptColumns(StructType schema, int[] ordinals, String timeZone, FunctionHandle[] functions,
      TaskScope scope) {
    this.ordinals = ordinals;
    this.schema = schema;
    this.functions = functions;
    try {
      this.writer = scope.writer(schema, timeZone);
    } catch (OutOfMemoryException e) {
      throw tooLarge(e);
    }
  }

  /**
   * The schema to keep {@code columns} in, or null when one of them is not a flat type (the rows
   * are then copied instead: a nested value would be written field by field).
   */
  static StructType arrowSchema(List<Attribute> columns) {
    if (columns.isEmpty()) {
      return null;
    }
    StructField[] fields = new StructField[columns.size()];
    for (int i = 0; i < fields.length; i++) {
      Attribute a = columns.get(i);
      if (!flat(a.dataType())) {
        return null;
      }
      fields[i] = new StructField("c" + i, a.dataType(), a.nullable(), Metadata.empty());
    }
    return new StructType(fields);
  }

  private static boolean flat(DataType type) {
    return type instanceof NumericType || type instanceof BooleanType
        || type instanceof StringType || type instanceof BinaryType || type instanceof DateType
        || type instanceof TimestampType || type instanceof TimestampNTZType;
  }

  void write(InternalRow row) {
    try {
      for (int i = 0; i < ordinals.length; i++) {
        writer.write(i, row, ordinals[i]);
      }
    } catch (OutOfMemoryException e) {
      throw tooLarge(e);
    }
    writer.next();
  }

  /** The kept columns' batch, for generated code that writes it value by value. */
  RowBatchWriter writer() {
    return writer;
  }

  void reset() {
    writer.reset();
  }

  /** The batch's kept columns followed by {@code results}. */
  ColumnVector[] withResults(ColumnVector[] results) {
    org.apache.arrow.vector.VectorSchemaRoot batch = writer.finish();
    List<FieldVector> vectors = batch.getFieldVectors();
    ColumnVector[] columns = new ColumnVector[vectors.size() + results.length];
    for (int i = 0; i < vectors.size(); i++) {
      // Read from memory where the type allows: these vectors are Quiver's own, well formed.
      columns[i] = ArrowMemoryVector.readable(schema.fields()[i].dataType(), vectors.get(i),
          batch.getRowCount());
    }
    System.arraycopy(results, 0, columns, vectors.size(), results.length);
    return columns;
  }

  QuiverException tooLarge(OutOfMemoryException e) {
    List<String> names = new ArrayList<>();
    for (FunctionHandle handle : functions) {
      names.add("'" + handle.name() + "'");
    }
    return new QuiverException(QuiverException.MEMORY_LIMIT, "The input columns kept while "
        + "Quiver function " + String.join(", ", names) + " evaluates a batch did not fit: "
        + QuiverMemory.describeFailure(e) + " (or lower spark.quiver.batchSize)", e);
  }
}

package dev.quiver.function.testing;

import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.arrow.ResultChecks;
import dev.quiver.function.arrow.SparkTypes;
import dev.quiver.function.table.Emitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@link Emitter} of {@link TableHarness}: checks every emitted batch and row as Quiver's
 * executors do (columns by position and Arrow type, value counts, buffers, nulls in
 * {@code not null} columns; row values of the column's type) and keeps the rows as Java values,
 * read back from Arrow so that they have the classes a query would see.
 */
final class CheckingEmitter implements Emitter {
  private final String function;
  private final Schema schema;
  private final List<List<Object>> rows = new ArrayList<>();
  private BufferAllocator allocator;

  CheckingEmitter(String function, Schema schema) {
    this.function = function;
    this.schema = schema;
  }

  void useAllocator(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  @Override
  public void emit(VectorSchemaRoot batch) {
    if (batch == null) {
      throw fail("emitted null instead of a batch");
    }
    List<FieldVector> vectors = batch.getFieldVectors();
    List<Field> fields = schema.getFields();
    if (vectors.size() != fields.size()) {
      throw fail("emitted a batch of " + vectors.size() + " columns, but its result schema "
          + "has " + fields.size() + " (" + schema + ")");
    }
    int count = batch.getRowCount();
    for (int c = 0; c < vectors.size(); c++) {
      FieldVector vector = vectors.get(c);
      Field expected = fields.get(c);
      String mismatch = ResultChecks.typeMismatch(vector.getField(), expected);
      if (mismatch != null) {
        throw fail("emitted a batch whose column " + (c + 1) + " ('" + vector.getName()
            + "') is a " + vector.getClass().getSimpleName() + " of Arrow type "
            + ResultChecks.describeType(vector.getField()) + ", but result column '"
            + expected.getName() + "' (" + SparkTypes.typeName(expected) + ") needs "
            + ResultChecks.describeType(expected) + mismatch);
      }
      if (vector.getValueCount() < count) {
        throw fail("emitted a batch of " + count + " rows whose column '" + vector.getName()
            + "' holds only " + vector.getValueCount() + " values");
      }
      ResultChecks.checkNoNulls(function, vector, expected, "column '" + expected.getName()
          + "'");
    }
    rows.addAll(Batches.rows(batch));
  }

  @Override
  public void emitRow(Object... values) {
    if (values == null || values.length != schema.getFields().size()) {
      throw fail("emitted a row of " + (values == null ? 0 : values.length) + " values, but "
          + "its result schema has " + schema.getFields().size() + " columns");
    }
    try (VectorSchemaRoot row = Batches.create(schema, List.of(Arrays.asList(values)),
        allocator)) {
      for (int c = 0; c < values.length; c++) {
        ResultChecks.checkNulls(function, row.getVector(c), schema.getFields().get(c),
            "column '" + schema.getFields().get(c).getName() + "'");
      }
      rows.addAll(Batches.rows(row));
    } catch (IllegalArgumentException e) {
      throw fail("emitted a row " + Arrays.toString(values) + " that does not fit its result "
          + "schema: " + e.getMessage());
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public BufferAllocator allocator() {
    return allocator;
  }

  List<List<Object>> rows() {
    return rows;
  }

  private InvalidResultException fail(String problem) {
    return new InvalidResultException("Quiver function '" + function + "' " + problem + ".");
  }
}

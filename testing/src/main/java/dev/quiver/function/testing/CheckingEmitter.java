package dev.quiver.function.testing;

import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.arrow.ResultChecks;
import dev.quiver.function.table.CollectingEmitter;
import dev.quiver.function.table.Emitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@link Emitter} of {@link TableHarness}: checks every emitted batch and row as Quiver's
 * executors do ({@link ResultChecks#checkBatch} for batches; row values of the column's type and
 * nulls in {@code not null} columns for rows) and keeps the rows in a {@link CollectingEmitter},
 * as Java values read back from Arrow so that they have the classes a query would see.
 */
final class CheckingEmitter implements Emitter {
  private final String function;
  private final CollectingEmitter kept;

  /** For one function instance, whose allocator {@code allocator} is. */
  CheckingEmitter(String function, Schema schema, BufferAllocator allocator) {
    this.function = function;
    this.kept = new CollectingEmitter(schema, allocator);
  }

  @Override
  public void emit(VectorSchemaRoot batch) {
    ResultChecks.checkBatch(function, batch, schema());
    keep(batch);
  }

  @Override
  public void emitRow(Object... values) {
    Schema schema = schema();
    if (values == null || values.length != schema.getFields().size()) {
      throw fail("emitted a row of " + (values == null ? 0 : values.length) + " values, but "
          + "its result schema has " + schema.getFields().size() + " columns");
    }
    try (VectorSchemaRoot row = Batches.create(schema, List.of(Arrays.asList(values)),
        allocator())) {
      for (int c = 0; c < values.length; c++) {
        ResultChecks.checkNulls(function, row.getVector(c), schema.getFields().get(c),
            "column '" + schema.getFields().get(c).getName() + "'");
      }
      keep(row);
    } catch (IllegalArgumentException e) {
      throw fail("emitted a row " + Arrays.toString(values) + " that does not fit its result "
          + "schema: " + e.getMessage());
    }
  }

  @Override
  public Schema schema() {
    return kept.schema();
  }

  @Override
  public BufferAllocator allocator() {
    return kept.allocator();
  }

  /** The rows emitted so far, in order, in a list of the caller's own (to sort, for example). */
  List<List<Object>> rows() {
    return new ArrayList<>(kept.rows());
  }

  private void keep(VectorSchemaRoot checked) {
    for (List<Object> row : Batches.rows(checked)) {
      kept.emitRow(row.toArray());
    }
  }

  private InvalidResultException fail(String problem) {
    return new InvalidResultException("Quiver function '" + function + "' " + problem + ".");
  }
}

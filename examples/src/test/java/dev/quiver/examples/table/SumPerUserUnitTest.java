package dev.quiver.examples.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.CollectingEmitter;
import dev.quiver.function.testing.TableHarness;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** A table function tested without Spark: through the test harness, and by hand on Arrow. */
class SumPerUserUnitTest {
  private static final ArrowType INT = new ArrowType.Int(32, true);

  @Test
  void sumsEachUsersBatchesAndEmitsOnceInTerminate() {
    List<List<Object>> rows = TableHarness.of(new SumPerUser())
        .table("user_id int, amount int", List.of(1, 10), List.of(1, 20), List.of(2, 7),
            List.of(1, 5))
        .partitionBy("user_id").batchSize(2).run();
    assertEquals(List.of(List.of(1, 35, 3), List.of(2, 7, 1)), rows);
  }

  /** The same by hand: each call made explicitly, with nothing emitted before terminate. */
  @Test
  void sumsOneUsersBatchesAndEmitsOnceInTerminate() throws Exception {
    Schema result = new Schema(List.of(Field.nullable("user_id", INT),
        Field.nullable("total_amount", INT), Field.nullable("rows", INT)));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = VectorSchemaRoot.create(new Schema(List.of(
            Field.nullable("user_id", INT), Field.nullable("amount", INT))), allocator)) {
      CollectingEmitter out = new CollectingEmitter(result, allocator);
      SumPerUser function = new SumPerUser();
      function.startGroup();
      for (int[] amounts : new int[][] {{10, 20}, {5}}) {
        IntVector users = (IntVector) batch.getVector(0);
        IntVector values = (IntVector) batch.getVector(1);
        for (int i = 0; i < amounts.length; i++) {
          users.setSafe(i, 1);
          values.setSafe(i, amounts[i]);
        }
        batch.setRowCount(amounts.length);
        function.eval(batch, Arguments.empty(), out);
      }
      assertEquals(List.of(), out.rows());
      function.terminate(out);
      assertEquals(List.of(List.of(1, 35, 3)), out.rows());
    }
  }
}

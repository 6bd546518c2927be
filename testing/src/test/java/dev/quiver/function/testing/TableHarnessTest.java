package dev.quiver.function.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.Row;
import dev.quiver.function.table.RowTableFunction;
import dev.quiver.function.table.SkipRestOfInputTableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Groups, startGroup, skipping, analyze's partitioning and emit checks of the table harness. */
class TableHarnessTest {

  /** The sum and count of each user's amounts, and the first two amounts seen. */
  static final class SumPerUser extends RowTableFunction {
    private Integer user;
    private long total;
    private int rows;
    private List<Integer> firstTwo;

    SumPerUser() {
      super("sum_per_user", "user_id int, total bigint, rows int, first_two array<int>");
    }

    @Override
    public void startGroup() {
      user = null;
      total = 0;
      rows = 0;
      firstTwo = new ArrayList<>();
    }

    @Override
    protected void evalRow(Row row, Arguments args, Emitter out) {
      user = row.getInt("user_id");
      rows++;
      if (!row.isNull("amount")) {
        total += row.getLong("AMOUNT");
        if (firstTwo.size() < 2) {
          firstTwo.add(row.getInt(1));
        }
      }
    }

    @Override
    public void terminate(Emitter out) {
      if (user != null) {
        out.emitRow(user, total, rows, firstTwo);
      }
    }
  }

  /** Emits each row's value until it exceeds the threshold; asks for PARTITION BY k itself. */
  static final class UpTo extends RowTableFunction {
    @Override
    public String name() {
      return "up_to";
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      return AnalyzeResult.of("k string, v int not null").partitionBy("k").orderBy("v DESC");
    }

    @Override
    protected void evalRow(Row row, Arguments args, Emitter out) {
      if (!row.isNull("v") && row.getInt("v") < args.getInt("threshold")) {
        throw new SkipRestOfInputTableException();
      }
      out.emitRow(row.getString("k"), row.get("v"));
    }
  }

  @Test
  void groupsByPartitionByInBatchesWithAFreshStartEachGroup() {
    List<List<Object>> rows = TableHarness.of(new SumPerUser())
        .table("user_id int, amount int", List.of(1, 10), List.of(2, 5), Arrays.asList(1, null),
            List.of(1, 20), List.of(1, 7))
        .partitionBy("user_id").batchSize(2).run();
    assertEquals(List.of(List.of(1, 37L, 4, List.of(10, 20)), List.of(2, 5L, 1, List.of(5))),
        rows);
  }

  @Test
  void analyzesPartitioningAndOrderingAndSkipsTheRest() {
    List<List<Object>> rows = TableHarness.of(new UpTo())
        .table("k string, v int", List.of("a", 1), List.of("b", 9), List.of("a", 5),
            List.of("a", 3))
        .args(Arguments.builder().add("threshold", 3).build()).batchSize(1).run();
    assertEquals(List.of(List.of("a", 5), List.of("a", 3), List.of("b", 9)), rows);
  }

  @Test
  void aNullInANotNullColumnFails() {
    InvalidResultException e = assertThrows(InvalidResultException.class,
        () -> TableHarness.of(new UpTo()).table("k string, v int", List.of(Arrays.asList("a",
            null))).args(Arguments.builder().add("threshold", 0).build()).run());
    assertTrue(e.getMessage().contains("Quiver function 'up_to'"), e.getMessage());
  }
}

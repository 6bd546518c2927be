package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.QuiverFunction;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.testing.QuiverSession;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle of table and cogroup functions: one instance per task serves all the task's
 * groups; open and close once, startGroup and terminate once per group.
 */
class TableLifecycleTest extends QuiverSession {
  /** What the instances did, in order; the tests run one task at a time. */
  private static final List<String> EVENTS = new ArrayList<>();

  private static synchronized void record(String event) {
    EVENTS.add(event);
  }

  private static synchronized List<String> events() {
    return new ArrayList<>(EVENTS);
  }

  @BeforeEach
  void clearEvents() {
    synchronized (TableLifecycleTest.class) {
      EVENTS.clear();
    }
  }

  /** Runs {@code test} with one shuffle partition: all groups in one task. */
  private static void inOneTask(Runnable test) {
    withConf("spark.sql.shuffle.partitions", "1", test);
  }

  /** Records its open and close. */
  abstract static class Recorded implements QuiverFunction {
    @Override
    public String name() {
      return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void open(FunctionContext context) {
      record("open");
    }

    @Override
    public void close() {
      record("close");
    }
  }

  /** Per group: its key, its rows, and how many groups the instance had started by then. */
  public static class Lifecycle extends Recorded implements TableFunction {
    private int groups;
    private Long key;
    private int rows;

    @Override
    public String resultSchema() {
      return "k bigint, rows int, groups int";
    }

    @Override
    public void startGroup() {
      record("startGroup");
      groups++;
      key = null;
      rows = 0;
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      record("eval");
      key = (Long) table.getVector("k").getObject(0);
      rows += table.getRowCount();
    }

    @Override
    public void terminate(Emitter out) {
      record("terminate");
      out.emitRow(key, rows, groups);
    }
  }

  /** Fails in open. */
  public static final class FailingOpen extends Lifecycle {
    @Override
    public void open(FunctionContext context) {
      super.open(context);
      throw new IllegalStateException("no connection");
    }
  }

  /** Per key: the rows of both sides. */
  public static final class CoLifecycle extends Recorded implements CoGroupFunction {
    private Long key;
    private int rows;

    @Override
    public String resultSchema() {
      return "k bigint, rows int";
    }

    @Override
    public void startGroup() {
      record("startGroup");
      key = null;
      rows = 0;
    }

    @Override
    public void evalLeft(VectorSchemaRoot batch, Emitter out) {
      key = (Long) batch.getVector("k").getObject(0);
      rows += batch.getRowCount();
    }

    @Override
    public void evalRight(VectorSchemaRoot batch, Emitter out) {
      evalLeft(batch, out);
    }

    @Override
    public void terminate(Emitter out) {
      record("terminate");
      out.emitRow(key, rows);
    }
  }

  private static Dataset<Row> keyed(int rows) {
    return spark().range(rows).selectExpr("id % 3 AS k", "id AS x");
  }

  private static List<String> rows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList());
  }

  @Test
  void oneInstanceServesTheGroupsOfATask() {
    inOneTask(() -> {
      List<String> result = withConf("spark.quiver.batchSize", "2",
          () -> rows(QuiverTables.call(spark(), new Lifecycle(),
              QuiverTables.asTable(keyed(12)).partitionBy(functions.col("k")))));
      // Per-group fields start over in startGroup; the instance counts the groups it served.
      assertEquals(List.of("[0,4,", "[1,4,", "[2,4,"),
          result.stream().map(r -> r.substring(0, r.lastIndexOf(',') + 1)).toList());
      assertEquals(List.of("1", "2", "3"),
          result.stream().map(r -> r.substring(r.lastIndexOf(',') + 1, r.length() - 1)).sorted()
              .toList());
      List<String> group = List.of("startGroup", "eval", "eval", "terminate");
      List<String> expected = new ArrayList<>(List.of("open"));
      for (int g = 0; g < 3; g++) {
        expected.addAll(group);
      }
      expected.add("close");
      assertEquals(expected, events());
    });
  }

  @Test
  void aCallWithoutGroupsOpensNothing() {
    inOneTask(() -> {
      assertEquals(List.of(), rows(QuiverTables.call(spark(), new Lifecycle(),
          QuiverTables.asTable(keyed(0)).partitionBy(functions.col("k")))));
      assertEquals(List.of(), events());
    });
  }

  @Test
  void closeFollowsAFailedOpen() {
    inOneTask(() -> {
      String failure = failureOf(() -> QuiverTables.call(spark(), new FailingOpen(),
          QuiverTables.asTable(keyed(6)).partitionBy(functions.col("k"))).collectAsList());
      assertTrue(failure.contains("no connection"), failure);
      assertEquals(List.of("open", "close"), events());
    });
  }

  @Test
  void oneCoGroupInstanceServesTheKeysOfATask() {
    inOneTask(() -> {
      List<String> result = rows(QuiverTables.groupBy(keyed(6), functions.col("k"))
          .cogroup(QuiverTables.groupBy(keyed(3), functions.col("k")))
          .applyInArrow(new CoLifecycle()));
      assertEquals(List.of("[0,3]", "[1,3]", "[2,3]"), result);
      List<String> expected = new ArrayList<>(List.of("open"));
      for (int g = 0; g < 3; g++) {
        expected.addAll(List.of("startGroup", "terminate"));
      }
      expected.add("close");
      assertEquals(expected, events());
    });
  }
}

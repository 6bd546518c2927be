package dev.quiver.spark.aggregate;

import static dev.quiver.spark.aggregate.Plans.hashAggregate;
import static dev.quiver.spark.aggregate.Plans.rows;
import static dev.quiver.spark.aggregate.Plans.sortedRows;
import static dev.quiver.spark.testing.QueryPlans.explain;
import static dev.quiver.spark.testing.QueryPlans.metric;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.catalyst.Transforms;
import dev.quiver.spark.testing.QuiverSession;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.ObjectHashAggregateExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How Quiver's aggregate operators run: phases, batches, memory, and the state format. */
class AggregateExecutionTest extends QuiverSession {

  @BeforeAll
  static void data() {
    spark().range(0, 1000, 1, 4).selectExpr("id % 10 AS k", "id AS v", "cast(id AS double) AS d")
        .createOrReplaceTempView("e");
    ensureRegistered("q_batches_single", new AggregateFixtures.BatchProbe(false));
  }

  @Test
  void partialAggregationRunsBeforeTheShuffle() {
    long vectorized = AggregateFixtures.Average.VECTORIZED_UPDATES.get();
    Dataset<Row> df = spark().sql("SELECT k, q_sum(v), q_avg(d), count(*) FROM e GROUP BY k");
    String explain = explain(df, "simple");
    assertTrue(explain.contains("QuiverHashAggregate(keys=[k#"), explain);
    assertTrue(explain.contains("functions=[partial_q_sum(v#"), explain);
    String formatted = explain(df, "formatted");
    assertTrue(formatted.contains("QuiverHashAggregate"), formatted);
    assertTrue(formatted.contains("Functions: [partial_q_sum(v#"), formatted);
    assertEquals(10, df.collectAsList().size());

    assertEquals(2, operators(df, QuiverHashAggregateExec.class).size(),
        df.queryExecution().executedPlan().toString());
    QuiverHashAggregateExec partial = hashAggregate(df, true);
    QuiverHashAggregateExec last = hashAggregate(df, false);
    // Each of the 4 input partitions folds its 250 rows into 10 partial states per function.
    assertEquals(1000, metric(partial, "numInputRows"));
    assertEquals(40, metric(partial, "numOutputRows"));
    assertEquals(40, metric(partial, "numGroups"));
    assertEquals(8, metric(partial, "numBatches"), "one batch per partition and function");
    assertEquals(40, metric(last, "numInputRows"));
    assertEquals(10, metric(last, "numOutputRows"));
    assertTrue(metric(partial, "functionTime") > 0);
    assertTrue(AggregateFixtures.Average.VECTORIZED_UPDATES.get() > vectorized,
        "the vectorized form of q_avg is used");
  }

  @Test
  void functionsThatCannotMergeRunInOnePhase() {
    Dataset<Row> df = spark().sql("SELECT k, q_sorted(v), sum(v) FROM e GROUP BY k");
    assertEquals(sortedRows(spark().sql(
        "SELECT k, sort_array(collect_list(v)), sum(v) FROM e GROUP BY k")), sortedRows(df));
    assertTrue(operators(df, QuiverHashAggregateExec.class).isEmpty());
    List<QuiverSortAggregateExec> ops = operators(df, QuiverSortAggregateExec.class);
    assertEquals(1, ops.size());
    assertEquals(1000, metric(ops.get(0), "numInputRows"));
    assertEquals(10, metric(ops.get(0), "numOutputRows"));
  }

  @Test
  void updatesReceiveArrowBatchesOfBoundedSize() {
    withConf(QuiverConf.BATCH_SIZE, "100", () -> {
      AggregateFixtures.BatchProbe.reset();
      assertEquals(sortedRows(spark().sql("SELECT k, count(*) FROM e GROUP BY k")),
          sortedRows(spark().sql("SELECT k, q_batches(v) FROM e GROUP BY k")));
      assertTrue(AggregateFixtures.BatchProbe.MAX_ROWS.get() <= 100);
      // Spark's own operators pass rows one at a time; they still arrive in batches.
      withConf(AggregateConf.OPERATORS, "false", () -> {
        AggregateFixtures.BatchProbe.reset();
        assertEquals(List.of("[1000]"), rows(spark().sql("SELECT q_batches(v) FROM e")));
        assertTrue(AggregateFixtures.BatchProbe.MAX_ROWS.get() > 1);
        assertTrue(AggregateFixtures.BatchProbe.MAX_ROWS.get() <= 100);
      });
    });
  }

  @Test
  void aHugeSingleGroupStreamsThroughUpdateInBoundedBatches() {
    withConf(QuiverConf.BATCH_SIZE, "1000", () -> {
      for (String function : List.of("q_batches", "q_batches_single")) {
        AggregateFixtures.BatchProbe.reset();
        assertEquals(List.of("[7,200000]"), rows(spark().sql("SELECT 7 AS k, " + function
            + "(id) FROM range(0, 200000, 1, 1) GROUP BY 1")), function);
        assertEquals(1000, AggregateFixtures.BatchProbe.MAX_ROWS.get(), function);
        assertEquals(200, AggregateFixtures.BatchProbe.UPDATES.get(), function);
      }
    });
  }

  /**
   * Runs {@code quiver} with room for 64 groups in memory: it returns what {@code builtin} does,
   * {@code groups} rows, and its final aggregation spilled.
   */
  private static Dataset<Row> spillsLike(String quiver, String builtin, long groups) {
    return withConf(AggregateConf.MAX_GROUPS, "64", () -> {
      Dataset<Row> df = spark().sql(quiver);
      assertEquals(sortedRows(spark().sql(builtin)), sortedRows(df));
      QuiverHashAggregateExec last = hashAggregate(df, false);
      assertTrue(metric(last, "numSpills") > 0, "final aggregation spilled");
      assertEquals(groups, metric(last, "numOutputRows"));
      return df;
    });
  }

  @Test
  void manyGroupsAreFlushedAndSpilledToStayWithinMemory() {
    String quiver = "SELECT id % 3000 AS k, q_sum(id), q_avg(id), sum(id), count(*) "
        + "FROM range(0, 20000, 1, 2) GROUP BY id % 3000";
    Dataset<Row> df = spillsLike(quiver,
        quiver.replace("q_sum", "sum").replace("q_avg", "avg"), 3000);
    assertTrue(metric(hashAggregate(df, true), "numSpills") > 0,
        "partial aggregation flushed early");
  }

  @Test
  void oneIntegralKeyWithNullsSpillsAndMergesExactly() {
    // Only Quiver aggregates and one bigint key: the table's key cache is in use, and must
    // forget its groups whenever the table is flushed or spilled.
    String input = "(SELECT CASE WHEN id % 97 = 0 THEN NULL ELSE id % 3000 END AS k, id AS v "
        + "FROM range(0, 20000, 1, 2))";
    spillsLike("SELECT k, q_sum(v), q_avg(v) FROM " + input + " GROUP BY k",
        "SELECT k, sum(v), avg(v) FROM " + input + " GROUP BY k", 3001);
  }

  @Test
  void sortedAggregationFinishesGroupsAsTheyEnd() {
    String quiver = "SELECT id % 500 AS k, q_sorted(id), q_batches_single(id), count(*) "
        + "FROM range(0, 3000, 1, 3) GROUP BY id % 500";
    withConf(QuiverConf.BATCH_SIZE, "16", () -> assertEquals(
        sortedRows(spark().sql("SELECT id % 500 AS k, sort_array(collect_list(id)), "
            + "count(id), count(*) FROM range(0, 3000, 1, 3) GROUP BY id % 500")),
        sortedRows(spark().sql(quiver))));
  }

  @Test
  void quiverAndSparkOperatorsShareTheStateFormat() {
    withConf("spark.sql.adaptive.enabled", "false", () -> {
      Dataset<Row> df = spark().sql("SELECT k, q_sum(v), q_avg(d), sum(v) FROM e GROUP BY k");
      List<String> expected = sortedRows(spark().sql(
          "SELECT k, sum(v), avg(d), sum(v) FROM e GROUP BY k"));
      SparkPlan plan = df.queryExecution().executedPlan();
      // Spark's operator merges the states Quiver's partial aggregation wrote...
      assertEquals(expected, run(plan, op -> op.partialOutput() ? op : op.toSpark()));
      // ... and Quiver's operator merges the states Spark's partial aggregation wrote.
      assertEquals(expected, run(plan, op -> op.partialOutput() ? op.toSpark() : op));
    });
  }

  private static List<String> run(SparkPlan plan,
      Function<QuiverHashAggregateExec, SparkPlan> replace) {
    SparkPlan swapped = plan.transformUp(Transforms.everywhere(p ->
        p instanceof QuiverHashAggregateExec q ? replace.apply(q) : p));
    assertEquals(1, operators(swapped, ObjectHashAggregateExec.class).size(), swapped.toString());
    List<String> out = new ArrayList<>();
    for (InternalRow row : swapped.executeCollect()) {
      out.add("[" + row.getLong(0) + "," + row.getLong(1) + "," + row.getDouble(2) + ","
          + row.getLong(3) + "]");
    }
    out.sort(null);
    return out;
  }
}

package dev.quiver.spark.aggregate;

import static dev.quiver.spark.aggregate.Plans.sortedRows;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiver aggregates run by Spark's own aggregate operators give the right results without a
 * warning in any phase: the merge and final phases see the call with unbound children, which
 * must never be compiled into a projection.
 */
class AggregateOnSparkOperatorsTest extends QuiverSession {
  private static final String CATALYST = "org.apache.spark.sql.catalyst";
  /** The session logs errors only; Catalyst's warnings are what this test looks for. */
  @RegisterExtension
  final LogCapture log = new LogCapture(CATALYST,
      event -> event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
  private final List<String> warnings = log.messages();

  @BeforeAll
  static void data() {
    spark().range(0, 400, 1, 4).selectExpr("id % 5 AS k", "if(id % 7 = 3, null, id) AS v",
        "cast(id AS double) / 4 AS d").createOrReplaceTempView("so");
  }

  private void assertSameWithoutWarnings(String quiver, String builtin) {
    Dataset<Row> actual = spark().sql(quiver);
    assertEquals(sortedRows(spark().sql(builtin)), sortedRows(actual), quiver);
    assertTrue(operators(actual, QuiverAggregateExec.class).isEmpty(),
        actual.queryExecution().executedPlan().toString());
    assertEquals(List.of(), warnings, quiver);
  }

  @Test
  void sparkOperatorsWhenQuiverOperatorsAreOff() {
    withConf(AggregateConf.OPERATORS, "false", () -> {
      assertSameWithoutWarnings("SELECT k, q_sum(v), q_avg(d) FROM so GROUP BY k",
          "SELECT k, sum(v), avg(d) FROM so GROUP BY k");
      assertSameWithoutWarnings("SELECT q_sum(v), q_avg(d) FROM so",
          "SELECT sum(v), avg(d) FROM so");
      assertSameWithoutWarnings("SELECT k, q_sorted(v) FROM so WHERE v < 60 GROUP BY k",
          "SELECT k, sort_array(collect_list(v)) FROM so WHERE v < 60 GROUP BY k");
      assertSameWithoutWarnings("SELECT k, q_sum(DISTINCT v % 10), q_avg(d) FROM so GROUP BY k",
          "SELECT k, sum(DISTINCT v % 10), avg(d) FROM so GROUP BY k");
    });
  }

  @Test
  void nextToAnAggregateLeftToSpark() {
    assertSameWithoutWarnings("SELECT k, percentile(v, 0.5), q_sum(v), q_avg(d) FROM so "
            + "GROUP BY k",
        "SELECT k, percentile(v, 0.5), sum(v), avg(d) FROM so GROUP BY k");
  }

  @Test
  void streamingAggregation(@TempDir Path dir) throws Exception {
    String input = dir.resolve("in").toString();
    spark().range(0, 400, 1, 4).selectExpr("id % 5 AS k", "id AS v").write().parquet(input);
    StreamingQuery query = spark().readStream().schema("k bigint, v bigint").parquet(input)
        .groupBy("k").agg(expr("q_sum(v)"), expr("q_avg(cast(v AS double))"))
        .writeStream().format("memory").queryName("quiver_streamed_sums")
        .outputMode("complete").option("checkpointLocation", dir.resolve("cp").toString())
        .trigger(Trigger.AvailableNow()).start();
    try {
      query.awaitTermination();
    } finally {
      query.stop();
    }
    assertEquals(sortedRows(spark().sql("SELECT k, sum(v), avg(cast(v AS double)) "
        + "FROM parquet.`" + input + "` GROUP BY k")),
        sortedRows(spark().sql("SELECT * FROM quiver_streamed_sums")));
    assertEquals(List.of(), warnings);
  }
}

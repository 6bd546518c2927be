package dev.quiver.spark.aggregate;

import static dev.quiver.spark.testing.QueryPlans.explain;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** EXPLAIN and the log say when Spark's row-by-row operators run a Quiver aggregate, and why. */
class AggregateFallbackTest extends QuiverSession {
  private static final String LOGGER = AggregateFallback.class.getName();
  @RegisterExtension
  final LogCapture log = new LogCapture(LOGGER,
      event -> event.getMessage().getFormattedMessage());
  private final List<String> warnings = log.messages();

  @BeforeAll
  static void data() {
    spark().range(0, 100, 1, 2).selectExpr("id % 5 AS k", "id AS v",
        "cast(id AS double) AS d").createOrReplaceTempView("fb");
  }

  @Test
  void nextToAnAggregateLeftToSpark() {
    Dataset<Row> df = spark().sql("SELECT k, percentile(v, 0.5), q_sum(v) FROM fb GROUP BY k");
    String explain = explain(df, "extended");
    assertEquals(5, df.collectAsList().size());
    String physical = explain.substring(explain.indexOf("== Physical Plan =="));
    assertTrue(physical.contains("ObjectHashAggregate"), physical);
    assertTrue(physical.contains("q_sum(v#"), physical);
    assertTrue(physical.contains("[row by row: it is called next to percentile, whose state "
        + "Quiver's operators do not keep"), physical);
    assertEquals(1, warnings.size(), "one warning for the query: " + warnings);
    assertTrue(warnings.get(0).startsWith("Quiver aggregate 'q_sum' runs on Spark's row-by-row "
        + "aggregate operators, not Quiver's vectorized ones: it is called next to percentile"),
        warnings.get(0));
  }

  @Test
  void operatorsSwitchedOff() {
    String explain = withConf(AggregateConf.OPERATORS, "false", () -> explain(
        spark().sql("SELECT k, q_sum(v), q_avg(d) FROM fb GROUP BY k"), "extended"));
    assertTrue(explain.contains("[row by row: spark.quiver.aggregate.operators is false]"),
        explain);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("Quiver aggregate 'q_sum', 'q_avg' runs on Spark's"),
        warnings.get(0));
  }

  @Test
  void nothingToSayOnQuiversOperators() {
    Dataset<Row> df = spark().sql("SELECT k, q_sum(v), sum(v) FROM fb GROUP BY k");
    String explain = explain(df, "extended");
    assertTrue(explain.contains("QuiverHashAggregate"), explain);
    assertFalse(explain.contains("row by row"), explain);
    df.collectAsList();
    assertEquals(List.of(), warnings);
  }

  @Test
  void streamingAggregation(@TempDir Path dir) throws Exception {
    String input = dir.resolve("in").toString();
    spark().range(0, 100, 1, 2).selectExpr("id % 5 AS k", "id AS v").write().parquet(input);
    StreamingQuery query = spark().readStream().schema("k bigint, v bigint").parquet(input)
        .groupBy("k").agg(expr("q_sum(v)")).writeStream().format("memory")
        .queryName("quiver_fallback_sums").outputMode("complete")
        .option("checkpointLocation", dir.resolve("cp").toString())
        .trigger(Trigger.AvailableNow()).start();
    try {
      query.awaitTermination();
      // The wrapper class moved between Spark 4.0 and 4.1; its methods did not.
      Object execution = query.getClass().getMethod("streamingQuery").invoke(query);
      Object lastExecution = execution.getClass().getMethod("lastExecution").invoke(execution);
      String explain = (String) lastExecution.getClass()
          .getMethod("explainString", ExplainMode.class)
          .invoke(lastExecution, ExplainMode.fromString("simple"));
      assertTrue(explain.contains("[row by row: a streaming aggregation runs on Spark's stateful "
          + "operators]"), explain);
    } finally {
      query.stop();
    }
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("Quiver aggregate 'q_sum' runs on "
        + "Spark's row-by-row aggregate operators, not Quiver's vectorized ones: a streaming "
        + "aggregation")), warnings.toString());
  }
}

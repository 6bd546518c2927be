package dev.quiver.examples.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.testing.AggregateHarness;
import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SummaryStatsTest extends QuiverSession {

  @Test
  void deviceReadings() {
    spark().sql("SELECT * FROM VALUES (1, 10), (1, 12), (1, 100), (2, 5), (2, 7) "
        + "AS readings(device_id, reading)").createOrReplaceTempView("readings");
    Dataset<Row> df = spark().sql("SELECT device_id, s.count, round(s.mean, 2), "
        + "round(s.stddev, 2), s.max FROM (SELECT device_id, summary_stats(reading) AS s "
        + "FROM readings GROUP BY device_id) ORDER BY device_id");
    assertEquals(List.of("[1,3,40.67,41.96,100.0]", "[2,2,6.0,1.0,7.0]"), strings(df));
  }

  @Test
  void matchesBuiltInAggregatesOverManyPartitions() {
    Dataset<Row> data = spark().range(0, 5000, 1, 5).selectExpr("id % 7 AS k",
        "if(id % 13 = 0, null, sin(id) * 1000 + 1e9) AS x");
    Dataset<Row> quiver = data.groupBy("k").agg(Quiver.call("summary_stats", col("x")).as("s"))
        .selectExpr("k", "s.count", "round(s.mean, 3)", "round(s.stddev, 3)", "s.max");
    Dataset<Row> builtin = data.groupBy("k").agg(org.apache.spark.sql.functions.count("x"),
        org.apache.spark.sql.functions.avg("x"), org.apache.spark.sql.functions.stddev_pop("x"),
        org.apache.spark.sql.functions.max("x"))
        .selectExpr("k", "`count(x)`", "round(`avg(x)`, 3)", "round(`stddev_pop(x)`, 3)",
            "`max(x)`");
    assertEquals(strings(builtin.orderBy("k")), strings(quiver.orderBy("k")));
  }

  @Test
  void emptyInput() {
    assertEquals(List.of("[[0,null,null,null]]"),
        strings(spark().sql("SELECT summary_stats(id) FROM range(0)")));
  }

  /**
   * The function is plain Java over Arrow vectors: no Spark needed to test it. The harness runs
   * both phases (partial states serialized, deserialized and merged) through the simple form
   * and through the GroupsAccumulator, and fails if the two disagree.
   */
  @Test
  void simpleAndVectorizedFormsAgreeWithoutSpark() {
    Map<Object, Object> stats = AggregateHarness.of(new SummaryStats())
        .group("all", 10.0, 12.0, null, 100.0)
        .group("a", 10.0, null, 100.0)
        .group("b", 12.0, 10.0, 12.0, null, 100.0)
        .batchSize(2).run();
    Map<?, ?> all = (Map<?, ?>) stats.get("all");
    assertEquals(3L, all.get("count"));
    assertEquals(40.667, (double) all.get("mean"), 1e-3);
    assertEquals(41.96, (double) all.get("stddev"), 1e-2);
    assertEquals("{count=2, mean=55.0, stddev=45.0, max=100.0}", stats.get("a").toString());
    Map<?, ?> b = (Map<?, ?>) stats.get("b");
    assertArrayEquals(new Object[] {4L, 33.5}, new Object[] {b.get("count"), b.get("mean")});
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }
}

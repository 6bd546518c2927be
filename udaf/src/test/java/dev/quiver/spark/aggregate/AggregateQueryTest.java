package dev.quiver.spark.aggregate;

import static dev.quiver.spark.aggregate.Plans.rows;
import static dev.quiver.spark.aggregate.Plans.sortedRows;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.aggregate.ObjectHashAggregateExec;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quiver aggregates in every place SQL and the Dataset API allow an aggregate. Each query is
 * checked against the same query written with built-in aggregates: q_sum is sum, q_avg is avg,
 * q_sorted is sort_array(collect_list(...)).
 */
class AggregateQueryTest extends QuiverSession {

  @BeforeAll
  static void data() {
    SparkSession spark = spark();
    // 200 rows in 4 partitions; v is null on every 7th row, and always in group k = 6.
    spark.range(0, 200, 1, 4).selectExpr("id % 5 AS k", "if(id % 2 = 0, 'even', 'odd') AS g",
        "if(id % 7 = 3, null, id) AS v", "cast(id AS double) / 4 AS d")
        .union(spark.range(0, 3, 1, 1).selectExpr("6 AS k", "'odd' AS g",
            "cast(null AS bigint) AS v", "cast(null AS double) AS d"))
        .createOrReplaceTempView("t");
  }

  private static void assertSame(String quiver, String builtin) {
    Dataset<Row> actual = spark().sql(quiver);
    assertEquals(sortedRows(spark().sql(builtin)), sortedRows(actual), quiver);
  }

  @Test
  void groupByOneKey() {
    assertSame("SELECT k, q_sum(v), q_avg(d) FROM t GROUP BY k",
        "SELECT k, sum(v), avg(d) FROM t GROUP BY k");
    assertSame("SELECT g, q_sorted(v) FROM t WHERE v < 30 GROUP BY g",
        "SELECT g, sort_array(collect_list(v)) FROM t WHERE v < 30 GROUP BY g");
  }

  @Test
  void groupByOneIntegralKeyOfEachWidthAndNulls() {
    // One integral key and Quiver aggregates only: the first phase writes its rows directly.
    for (String key : List.of("cast(k AS int)", "cast(k AS smallint)", "cast(k AS tinyint)",
        "if(k = 2, null, k)", "date_add(date'2026-01-01', cast(k AS int))")) {
      String input = "(SELECT " + key + " AS kk, v, d FROM t)";
      assertSame("SELECT kk, q_sum(v), q_avg(d), q_sorted(v) FROM " + input + " GROUP BY kk",
          "SELECT kk, sum(v), avg(d), sort_array(collect_list(v)) FROM " + input
              + " GROUP BY kk");
    }
  }

  @Test
  void groupBySeveralKeysAndExpressions() {
    assertSame("SELECT k, g, q_sum(v), q_avg(d) FROM t GROUP BY k, g",
        "SELECT k, g, sum(v), avg(d) FROM t GROUP BY k, g");
    assertSame("SELECT k % 2 AS parity, upper(g), q_sum(v) FROM t GROUP BY k % 2, upper(g)",
        "SELECT k % 2 AS parity, upper(g), sum(v) FROM t GROUP BY k % 2, upper(g)");
    assertSame("SELECT k % 3, q_sorted(v) FROM t WHERE v < 40 GROUP BY k % 3",
        "SELECT k % 3, sort_array(collect_list(v)) FROM t WHERE v < 40 GROUP BY k % 3");
  }

  @Test
  void globalAggregation() {
    assertSame("SELECT q_sum(v), q_avg(d) FROM t", "SELECT sum(v), avg(d) FROM t");
    assertSame("SELECT q_sorted(v) FROM t WHERE v < 10",
        "SELECT sort_array(collect_list(v)) FROM t WHERE v < 10");
  }

  @Test
  void globalAggregationOfAnEmptyTableReturnsOneRow() {
    assertEquals(List.of("[null,null,0]"),
        rows(spark().sql("SELECT q_sum(v), q_avg(d), count(*) FROM t WHERE k > 100")));
    assertEquals(List.of("[ArraySeq()]"),
        rows(spark().sql("SELECT q_sorted(v) FROM t WHERE k > 100")));
    assertEquals(List.of("[null]"), rows(spark().sql(
        "SELECT q_sum(id) FROM range(0)")));
  }

  @Test
  void groupedAggregationOfAnEmptyTableReturnsNoRows() {
    assertEquals(List.of(), rows(spark().sql(
        "SELECT k, q_sum(v), q_sorted(v) FROM t WHERE k > 100 GROUP BY k")));
  }

  @Test
  void datasetApi() {
    Dataset<Row> t = spark().table("t");
    Dataset<Row> quiver = t.groupBy("k").agg(Quiver.call("q_sum", col("v")),
        functions.call_function("q_avg", col("d")), functions.count("*"));
    assertEquals(sortedRows(t.groupBy("k").agg(functions.sum("v"), functions.avg("d"),
        functions.count("*"))), sortedRows(quiver));
    assertEquals(rows(t.agg(functions.sum("v"))),
        rows(t.agg(Quiver.function("q_sum").call(col("v")))));
  }

  @Test
  void nextToBuiltInAggregates() {
    assertSame("SELECT k, sum(v), q_sum(v), avg(d), max(v), count(*), q_avg(d) FROM t GROUP BY k",
        "SELECT k, sum(v), sum(v), avg(d), max(v), count(*), avg(d) FROM t GROUP BY k");
    assertSame("SELECT min(d), q_sum(v), count(v) FROM t", "SELECT min(d), sum(v), count(v) FROM t");
    // Wide decimals keep their buffers next to Quiver states too.
    assertSame("SELECT k, sum(cast(v AS decimal(30, 2))), avg(cast(d AS decimal(20, 4))), "
            + "q_sum(v) FROM t GROUP BY k",
        "SELECT k, sum(cast(v AS decimal(30, 2))), avg(cast(d AS decimal(20, 4))), sum(v) "
            + "FROM t GROUP BY k");
    // Built-ins with object states run next to Quiver aggregates on Spark's own operators.
    assertSame("SELECT k, sort_array(collect_list(v)), q_sum(v) FROM t GROUP BY k",
        "SELECT k, sort_array(collect_list(v)), sum(v) FROM t GROUP BY k");
  }

  @Test
  void severalQuiverAggregatesInOneQuery() {
    assertSame("SELECT k, q_sum(v), q_avg(d), q_sum(k), q_avg(v), q_sum(v * 2) FROM t GROUP BY k",
        "SELECT k, sum(v), avg(d), sum(k), avg(v), sum(v * 2) FROM t GROUP BY k");
    assertSame("SELECT g, q_sorted(v), q_sum(v), sum(d) FROM t WHERE v < 50 GROUP BY g",
        "SELECT g, sort_array(collect_list(v)), sum(v), sum(d) FROM t WHERE v < 50 GROUP BY g");
  }

  @Test
  void aggregateOverExpressionsAndInExpressions() {
    assertSame("SELECT k, q_sum(v + k) * 2 + 1, q_avg(d * 2) - q_avg(d) FROM t GROUP BY k",
        "SELECT k, sum(v + k) * 2 + 1, avg(d * 2) - avg(d) FROM t GROUP BY k");
    // Over a Quiver scalar function, which runs in its own operator below the aggregate.
    assertSame("SELECT k, q_avg(plus_one(d)), plus_one(q_avg(d)) FROM t GROUP BY k",
        "SELECT k, avg(d + 1), avg(d) + 1 FROM t GROUP BY k");
  }

  @Test
  void distinct() {
    assertSame("SELECT k, q_sum(DISTINCT v % 10) FROM t GROUP BY k",
        "SELECT k, sum(DISTINCT v % 10) FROM t GROUP BY k");
    assertSame("SELECT k, q_sum(DISTINCT v % 10), q_avg(d), count(*) FROM t GROUP BY k",
        "SELECT k, sum(DISTINCT v % 10), avg(d), count(*) FROM t GROUP BY k");
    // Two different DISTINCT arguments: the optimizer expands the rows once per argument.
    assertSame("SELECT k, q_sum(DISTINCT v % 10), q_avg(DISTINCT d % 3), sum(v) FROM t "
            + "GROUP BY k",
        "SELECT k, sum(DISTINCT v % 10), avg(DISTINCT d % 3), sum(v) FROM t GROUP BY k");
    assertSame("SELECT q_sum(DISTINCT k), count(DISTINCT g) FROM t",
        "SELECT sum(DISTINCT k), count(DISTINCT g) FROM t");
    // A function that cannot merge, with DISTINCT, runs on Spark's operators.
    assertSame("SELECT k, q_sorted(DISTINCT v % 4) FROM t GROUP BY k",
        "SELECT k, sort_array(collect_set(v % 4)) FROM t GROUP BY k");
  }

  @Test
  void filterClause() {
    assertSame("SELECT k, q_sum(v) FILTER (WHERE v % 2 = 0), q_avg(d) FILTER (WHERE d > 20), "
            + "sum(v) FILTER (WHERE g = 'odd') FROM t GROUP BY k",
        "SELECT k, sum(v) FILTER (WHERE v % 2 = 0), avg(d) FILTER (WHERE d > 20), "
            + "sum(v) FILTER (WHERE g = 'odd') FROM t GROUP BY k");
    assertSame("SELECT g, q_sorted(v) FILTER (WHERE v < 20) FROM t GROUP BY g",
        "SELECT g, sort_array(collect_list(v) FILTER (WHERE v < 20)) FROM t GROUP BY g");
    assertSame("SELECT q_sum(DISTINCT v % 5) FILTER (WHERE k = 1), q_sum(v) FROM t",
        "SELECT sum(DISTINCT v % 5) FILTER (WHERE k = 1), sum(v) FROM t");
  }

  @Test
  void having() {
    assertSame("SELECT k FROM t GROUP BY k HAVING q_sum(v) > 3800",
        "SELECT k FROM t GROUP BY k HAVING sum(v) > 3800");
    assertSame("SELECT k, q_avg(d) FROM t GROUP BY k HAVING q_avg(d) > 24.5 AND count(*) > 1",
        "SELECT k, avg(d) FROM t GROUP BY k HAVING avg(d) > 24.5 AND count(*) > 1");
    assertSame("SELECT g FROM t GROUP BY g HAVING size(q_sorted(v)) > 80",
        "SELECT g FROM t GROUP BY g HAVING size(collect_list(v)) > 80");
  }

  @Test
  void nullsAndEmptyGroups() {
    // Group 6 has only nulls; FILTER leaves groups with no rows for the function.
    assertEquals(List.of("[6,null,null,ArraySeq(),3]"), rows(spark().sql(
        "SELECT k, q_sum(v), q_avg(d), q_sorted(v), count(*) FROM t WHERE k = 6 GROUP BY k")));
    assertSame("SELECT k, q_sum(v) FILTER (WHERE v > 190), q_avg(d) FILTER (WHERE k = 2) "
            + "FROM t GROUP BY k",
        "SELECT k, sum(v) FILTER (WHERE v > 190), avg(d) FILTER (WHERE k = 2) FROM t GROUP BY k");
    assertSame("SELECT v IS NULL, q_sum(v), q_sum(k) FROM t GROUP BY v IS NULL",
        "SELECT v IS NULL, sum(v), sum(k) FROM t GROUP BY v IS NULL");
    // Null grouping keys form their own group.
    assertSame("SELECT v % 3, q_sum(k) FROM t GROUP BY v % 3",
        "SELECT v % 3, sum(k) FROM t GROUP BY v % 3");
  }

  @Test
  void subqueriesAndJoins() {
    assertSame("SELECT a.k, a.s, b.m FROM (SELECT k, q_sum(v) AS s FROM t GROUP BY k) a "
            + "JOIN (SELECT k, q_avg(d) AS m FROM t GROUP BY k) b ON a.k = b.k",
        "SELECT a.k, a.s, b.m FROM (SELECT k, sum(v) AS s FROM t GROUP BY k) a "
            + "JOIN (SELECT k, avg(d) AS m FROM t GROUP BY k) b ON a.k = b.k");
    assertSame("SELECT k FROM t WHERE v > (SELECT q_avg(v) FROM t) GROUP BY k",
        "SELECT k FROM t WHERE v > (SELECT avg(v) FROM t) GROUP BY k");
    assertSame("SELECT k, q_sum(s) FROM (SELECT k, g, q_sum(v) AS s FROM t GROUP BY k, g) "
            + "GROUP BY k",
        "SELECT k, sum(s) FROM (SELECT k, g, sum(v) AS s FROM t GROUP BY k, g) GROUP BY k");
  }

  @Test
  void rollupAndCube() {
    assertSame("SELECT k, g, q_sum(v) FROM t GROUP BY ROLLUP(k, g)",
        "SELECT k, g, sum(v) FROM t GROUP BY ROLLUP(k, g)");
    assertSame("SELECT k, g, q_sorted(v) FROM t WHERE v < 20 GROUP BY CUBE(k, g)",
        "SELECT k, g, sort_array(collect_list(v)) FROM t WHERE v < 20 GROUP BY CUBE(k, g)");
  }

  @Test
  void sparkOperatorsGiveTheSameResults() {
    withConf(AggregateConf.OPERATORS, "false", () -> {
      Dataset<Row> df = spark().sql("SELECT k, q_sum(v), q_avg(d), q_sorted(v) FROM t "
          + "WHERE v < 60 GROUP BY k");
      assertEquals(sortedRows(spark().sql("SELECT k, sum(v), avg(d), sort_array(collect_list(v)) "
          + "FROM t WHERE v < 60 GROUP BY k")), sortedRows(df));
      assertFalse(operators(df, ObjectHashAggregateExec.class).isEmpty());
      assertTrue(operators(df, QuiverAggregateExec.class).isEmpty());
      assertEquals(List.of("[null,null,0]"),
          rows(spark().sql("SELECT q_sum(v), q_avg(d), count(*) FROM t WHERE k > 100")));
    });
  }

  @Test
  void resultsOfStructuredTypes() {
    ensureRegistered(new ResultTypes());
    List<String> result = rows(spark().sql(
        "SELECT k, q_describe(v) FROM t WHERE k IN (1, 6) GROUP BY k ORDER BY k"));
    assertEquals(List.of("[1,[35,ArraySeq(1, 6),Map(small -> 2),1.00,2024-01-01]]",
        "[6,[0,ArraySeq(),Map(),null,null]]"), result);
  }

  @Test
  void describeAndShowFunctions() {
    String text = spark().sql("DESCRIBE FUNCTION q_sorted").collectAsList().stream()
        .map(r -> r.getString(0)).reduce("", (a, b) -> a + "\n" + b);
    assertTrue(text.contains("Quiver aggregate function: q_sorted(bigint) returns array<bigint> "
        + "(single-phase: cannot merge partial states)"), text);
  }
}

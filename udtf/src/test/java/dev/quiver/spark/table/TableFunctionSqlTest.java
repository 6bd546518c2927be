package dev.quiver.spark.table;

import static dev.quiver.spark.testing.QueryPlans.explain;
import static dev.quiver.spark.testing.QueryPlans.metric;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL forms of table-function calls. */
class TableFunctionSqlTest extends QuiverSession {

  @BeforeAll
  static void data() {
    SparkSession spark = spark();
    spark.sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)").createOrReplaceTempView("t");
    spark.sql("SELECT * FROM VALUES (1, 10), (1, 30), (2, 5) AS v(partition_key, value)")
        .createOrReplaceTempView("tv");
  }

  static List<String> rows(String sql) {
    return rows(spark().sql(sql));
  }

  static List<String> rows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  @Test
  void tableByNameAndByQuery() {
    assertEquals(List.of("[0,0]", "[1,1]", "[2,2]"),
        rows("SELECT * FROM echo(TABLE(t)) WHERE x < 3 ORDER BY x"));
    assertEquals(List.of("[21]", "[23]"),
        rows("SELECT * FROM echo(TABLE(SELECT x * 2 + 1 AS y FROM t WHERE x >= 10)) ORDER BY y"));
  }

  @Test
  void partitionBySingleKeyStreamsEachGroupInOrderedBatches() {
    withConf("spark.quiver.batchSize", "2", () -> {
      assertEquals(List.of(
          "[eval,0,2,0,3]", "[eval,0,2,6,9]", "[terminate,0,2,null]",
          "[eval,1,2,1,4]", "[eval,1,2,7,10]", "[terminate,1,2,null]",
          "[eval,2,2,2,5]", "[eval,2,2,8,11]", "[terminate,2,2,null]"),
          rows("SELECT * FROM trace(TABLE(t) PARTITION BY k ORDER BY x) ORDER BY keys, kind, val"));
    });
  }

  @Test
  void partitionBySeveralKeysAndExpressionsWithOrderBy() {
    // groups (k, x % 2); the trace shows one key per batch and the values in order
    assertEquals(List.of(
        "[eval,0,2,6,0]", "[eval,0,2,9,3]", "[eval,1,2,10,4]", "[eval,1,2,7,1]",
        "[eval,2,2,11,5]", "[eval,2,2,8,2]"),
        rows("SELECT * FROM trace(TABLE(t) PARTITION BY (k, x % 2) ORDER BY (x DESC)) "
            + "WHERE kind = 'eval' ORDER BY keys, val"));
    assertEquals(List.of("[eval,0,4,3,9,0,6]", "[eval,1,4,1,7,4,10]", "[eval,2,4,5,11,2,8]"),
        rows("SELECT * FROM trace(TABLE(SELECT k, x, x % 2 AS y FROM t) "
            + "PARTITION BY (k) ORDER BY (y DESC, x)) WHERE kind = 'eval' ORDER BY keys"));
    assertEquals(List.of("[0,4]", "[1,4]", "[2,4]"),
        rows("SELECT keys, rows FROM trace(TABLE(SELECT x % 3 AS m, x FROM t) "
            + "PARTITION BY (x % 3 + 1)) WHERE kind = 'eval' ORDER BY keys"));
  }

  @Test
  void withSinglePartition() {
    withConf("spark.quiver.batchSize", "5", () -> {
      assertEquals(List.of("[eval,5,11,10,9,8,7]", "[eval,5,6,5,4,3,2]", "[eval,2,1,0]",
          "[terminate,3]"),
          rows("SELECT kind, rows, val FROM trace(TABLE(SELECT x AS k, x FROM t) "
              + "WITH SINGLE PARTITION ORDER BY x DESC)").stream()
              .map(r -> r.replace(",null]", "]")).collect(Collectors.toList()));
    });
  }

  @Test
  void positionalAndNamedScalarArguments() {
    List<String> expected = List.of("[1,10]", "[2,11]");
    assertEquals(expected,
        rows("SELECT * FROM threshold_filter_test(TABLE(t), 9) ORDER BY x"));
    assertEquals(expected,
        rows("SELECT * FROM threshold_filter_test(TABLE(t), threshold => 9) ORDER BY x"));
    assertEquals(expected, rows("SELECT * FROM threshold_filter_test(label => 'l', "
        + "threshold => 4 + 5, input => TABLE(t)) ORDER BY x"));
  }

  @Test
  void scalarOnlyCall() {
    assertEquals(List.of("[1,1]", "[2,1]", "[3,1]"), rows("SELECT * FROM series(3) ORDER BY i"));
    assertEquals(List.of("[2]"), rows("SELECT count(*) FROM series(n => 2)"));
  }

  @Test
  void lateralCallWithColumnArguments() {
    assertEquals(List.of("[1,1]", "[3,1]", "[3,2]", "[3,3]"),
        rows("SELECT s.n, f.i FROM VALUES (1), (3), (0) AS s(n), LATERAL series(s.n) f "
            + "ORDER BY s.n, f.i"));
    String plan = explain(spark().sql("SELECT * FROM VALUES (1) AS s(n), LATERAL series(s.n)"),
        "simple");
    assertTrue(plan.contains("QuiverTableFunction series(n#"), plan);
  }

  /** Non-deterministic arguments are evaluated by a projection initialized for its partition. */
  @Test
  void nonDeterministicArguments() {
    assertEquals(List.of("[3]"), rows("SELECT count(*) FROM series(cast(rand(0) AS int) + 3)"));
    assertEquals(List.of("[2]"), rows("SELECT count(*) FROM range(1) t, "
        + "LATERAL series(cast(rand(0) AS int) + 2 + t.id * 0)"));
  }

  @Test
  void resultIsAnOrdinaryRelation() {
    assertEquals(List.of("[1,0]", "[2,1]"), rows("SELECT e.x, t2.x FROM echo(TABLE(t)) e "
        + "JOIN t t2 ON e.x = t2.x + 1 WHERE e.x < 3 ORDER BY e.x"));
    assertEquals(List.of("[0,4,18]", "[1,4,22]", "[2,4,26]"), rows(
        "SELECT k, count(*), sum(x) FROM echo(TABLE(t)) GROUP BY k ORDER BY k"));
    assertEquals(List.of("[12]"), rows("WITH e AS (SELECT * FROM echo(TABLE(t))) "
        + "SELECT count(*) FROM e a JOIN e b ON a.x = b.x"));
    spark().sql("CREATE OR REPLACE TEMP VIEW traced AS "
        + "SELECT * FROM trace(TABLE(t) PARTITION BY k)");
    assertEquals(List.of("[3]"), rows("SELECT count(*) FROM traced WHERE kind = 'terminate'"));
    Dataset<Row> echoed = spark().sql("SELECT * FROM echo(TABLE(t))");
    assertEquals(12, echoed.join(echoed, "x").count()); // a self-join needs fresh attributes
  }

  @Test
  void analyzeComputesSchemaAndRequestsPartitioning() {
    withConf("spark.quiver.batchSize", "3", () -> {
      assertEquals(List.of("[eval,0,3,9,6,3]", "[eval,0,1,0]", "[terminate,0,2,null]"),
          rows("SELECT * FROM self_partitioned(TABLE(t)) WHERE keys = '0' "
              + "ORDER BY kind, rows DESC"));
      Dataset<Row> columns = spark().sql("SELECT * FROM columns(3)");
      assertEquals(List.of("c0", "c1", "c2"), List.of(columns.columns()));
      assertEquals(List.of("[0,1,2]"), rows(columns));
      String failure = failureOf(() -> spark().sql("SELECT * FROM t, LATERAL columns(t.x)"));
      assertTrue(failure.contains("Quiver function `columns` failed in analyze(): "
          + "java.lang.IllegalArgumentException: columns takes one constant int, got (<column>)"),
          failure);
      assertEquals("k bigint, x bigint".toUpperCase(),
          spark().sql("SELECT * FROM echo(TABLE(t))").schema().toDDL()
              .replace(" NOT NULL", "").replace(",", ", ").toUpperCase());
    });
  }

  @Test
  void skipRestOfInputGoesToTerminate() {
    withConf("spark.quiver.batchSize", "2", () -> {
      assertEquals(List.of("[-1,1]", "[-1,1]", "[-1,1]", "[0,0]", "[0,3]", "[1,1]", "[1,4]",
          "[2,2]", "[2,5]"),
          rows("SELECT * FROM first_batch(TABLE(t) PARTITION BY k ORDER BY x) ORDER BY k, x"));
    });
  }

  @Test
  void explainNamesTheOperatorAndMetricsCount() {
    withConf("spark.quiver.batchSize", "2", () -> {
      Dataset<Row> df = spark().sql("SELECT * FROM trace(TABLE(t) PARTITION BY k)");
      assertEquals(9, df.collectAsList().size());
      String explain = explain(df, "simple");
      assertTrue(explain.contains("QuiverTableFunction trace(TABLE) PARTITION BY"), explain);
      List<TableFunctionExec> ops = operators(df, TableFunctionExec.class);
      assertEquals(1, ops.size(), explain);
      TableFunctionExec op = ops.get(0);
      assertEquals(12L, metric(op, "numInputRows"));
      assertEquals(9L, metric(op, "numOutputRows"));
      assertEquals(6L, metric(op, "numBatches"));
      assertEquals(3L, metric(op, "numGroups"));
      assertTrue(metric(op, "functionTime") > 0);
    });
  }

  @Test
  void describeFunction() {
    String description = String.join("\n", rows("DESCRIBE FUNCTION EXTENDED trace"));
    assertTrue(description.contains("Quiver table function: trace(TABLE(...), ...) returns "
        + "kind STRING, keys STRING, rows INT, val STRING"), description);
  }

  @Test
  void otherTableFunctionsAreUnaffected() {
    assertEquals(List.of("[3]"), rows("SELECT count(*) FROM range(3)"));
    assertEquals(List.of("[24]"),
        rows("SELECT count(*) FROM t, LATERAL explode(array(t.x, t.k)) e"));
    assertEquals(List.of("[1]", "[2]"), rows("SELECT * FROM explode(array(1, 2))"));
  }
}

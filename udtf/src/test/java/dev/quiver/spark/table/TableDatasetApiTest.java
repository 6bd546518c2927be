package dev.quiver.spark.table;

import static dev.quiver.spark.table.TableFunctionSqlTest.rows;
import static dev.quiver.spark.testing.QueryPlans.explain;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Table functions from the Java Dataset API: calls, grouped, cogrouped and partition maps. */
class TableDatasetApiTest extends QuiverSession {
  private static Dataset<Row> t;

  @BeforeAll
  static void data() {
    t = spark().sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)");
  }

  @Test
  void callWithTableArgumentPartitionedAndOrdered() {
    Dataset<Row> traced = QuiverTables.call(spark(), "trace",
        QuiverTables.asTable(t).partitionBy(col("k")).orderBy(col("x").desc()));
    assertEquals(List.of("[eval,0,4,9,6,3,0]", "[eval,1,4,10,7,4,1]", "[eval,2,4,11,8,5,2]"),
        rows(traced.where("kind = 'eval'").orderBy("keys")));
    assertEquals(List.of("[1,10]", "[2,11]"), rows(QuiverTables.call(spark(),
        "threshold_filter_test", QuiverTables.asTable(t), QuiverTables.named("threshold", 9))
        .orderBy("x")));
    assertEquals(List.of("[terminate,1]"), rows(QuiverTables.call(spark(), "trace",
        QuiverTables.asTable(t).withSinglePartition()).where("kind = 'terminate'")
        .select("kind", "rows")));
  }

  @Test
  void groupedMapWithAnUnregisteredFunction() {
    Dataset<Row> summary = QuiverTables.groupBy(t, col("k")).orderBy(col("x").desc())
        .applyInArrow(new TableFixtures.GroupSummary());
    assertEquals(List.of("[0,4,9,0]", "[1,4,10,1]", "[2,4,11,2]"), rows(summary.orderBy("k")));
    assertEquals(List.of("[12]"), rows(QuiverTables.groupBy(t)
        .applyInArrow(new TableFixtures.GroupSummary()).select("rows")));
  }

  @Test
  void partitionMapRunsOncePerSparkPartition() {
    Dataset<Row> traced = QuiverTables.mapInArrow(t, new TableFixtures.Trace());
    List<Row> terminates = traced.where("kind = 'terminate'").collectAsList();
    assertEquals(t.rdd().getNumPartitions(), terminates.size());
    assertEquals(12L, traced.where("kind = 'eval'").selectExpr("sum(rows)").first().getLong(0));
  }

  @Test
  void cogroupedMap() {
    Dataset<Row> other = spark().sql("SELECT id % 2 AS k, id AS y FROM range(0, 5)");
    Dataset<Row> both = QuiverTables.groupBy(t, col("k"))
        .cogroup(QuiverTables.groupBy(other, col("k")))
        .applyInArrow(new TableFixtures.CountBoth());
    assertEquals(List.of("[0,4,3,18]", "[1,4,2,22]", "[2,4,0,26]"), rows(both.orderBy("k")));
    String explain = explain(both, "simple");
    assertTrue(explain.contains("QuiverCoGroupedMap count_both"), explain);

    Dataset<Row> intKeys = other.selectExpr("cast(k AS int) AS k", "y");
    String failure = failureOf(() -> QuiverTables.groupBy(t, col("k"))
        .cogroup(QuiverTables.groupBy(intKeys, col("k")))
        .applyInArrow(new TableFixtures.CountBoth()));
    assertTrue(failure.contains("[QUIVER_INVALID_CALL] Invalid call of Quiver function "
        + "`count_both`: it cogroups by keys of different types: key 1 is bigint on the left and "
        + "int on the right"), failure);
  }
}

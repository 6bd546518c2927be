package dev.quiver.spark.aggregate;

import static dev.quiver.spark.aggregate.Plans.sortedRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.testing.QuiverSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quiver aggregates as window functions, over every kind of frame. */
class AggregateWindowTest extends QuiverSession {

  @BeforeAll
  static void data() {
    spark().range(0, 60, 1, 3).selectExpr("id % 3 AS p", "id AS o",
        "if(id % 11 = 4, null, id * 2) AS v", "cast(id AS double) / 2 AS d")
        .createOrReplaceTempView("w");
  }

  private static void assertSame(String quiverCalls, String builtinCalls) {
    String from = " FROM w";
    Dataset<Row> actual = spark().sql("SELECT p, o, " + quiverCalls + from);
    assertEquals(sortedRows(spark().sql("SELECT p, o, " + builtinCalls + from)),
        sortedRows(actual), quiverCalls);
  }

  @Test
  void wholePartition() {
    assertSame("q_sum(v) OVER (PARTITION BY p), q_avg(d) OVER (PARTITION BY p)",
        "sum(v) OVER (PARTITION BY p), avg(d) OVER (PARTITION BY p)");
    assertSame("q_sum(v) OVER ()", "sum(v) OVER ()");
  }

  @Test
  void growingFrames() {
    assertSame("q_sum(v) OVER (PARTITION BY p ORDER BY o), "
            + "q_avg(d) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN UNBOUNDED PRECEDING AND "
            + "CURRENT ROW)",
        "sum(v) OVER (PARTITION BY p ORDER BY o), "
            + "avg(d) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN UNBOUNDED PRECEDING AND "
            + "CURRENT ROW)");
  }

  @Test
  void slidingFrames() {
    assertSame("q_sum(v) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN 2 PRECEDING AND "
            + "1 FOLLOWING), q_avg(d) OVER (ORDER BY o ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)",
        "sum(v) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN 2 PRECEDING AND "
            + "1 FOLLOWING), avg(d) OVER (ORDER BY o ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)");
    assertSame("q_sum(v) OVER (PARTITION BY p ORDER BY o RANGE BETWEEN 6 PRECEDING AND "
            + "3 FOLLOWING)",
        "sum(v) OVER (PARTITION BY p ORDER BY o RANGE BETWEEN 6 PRECEDING AND 3 FOLLOWING)");
  }

  @Test
  void shrinkingFrames() {
    assertSame("q_sum(v) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN CURRENT ROW AND "
            + "UNBOUNDED FOLLOWING)",
        "sum(v) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN CURRENT ROW AND "
            + "UNBOUNDED FOLLOWING)");
  }

  @Test
  void functionThatCannotMergeOverFrames() {
    assertSame("q_sorted(v) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN 1 PRECEDING AND "
            + "1 FOLLOWING), q_sorted(v) OVER (PARTITION BY p)",
        "sort_array(collect_list(v) OVER (PARTITION BY p ORDER BY o ROWS BETWEEN 1 PRECEDING "
            + "AND 1 FOLLOWING)), sort_array(collect_list(v) OVER (PARTITION BY p))");
  }

  @Test
  void nextToBuiltInWindowFunctions() {
    assertSame("row_number() OVER (PARTITION BY p ORDER BY o), "
            + "q_sum(v) OVER (PARTITION BY p ORDER BY o ROWS 2 PRECEDING), "
            + "lag(v) OVER (PARTITION BY p ORDER BY o)",
        "row_number() OVER (PARTITION BY p ORDER BY o), "
            + "sum(v) OVER (PARTITION BY p ORDER BY o ROWS 2 PRECEDING), "
            + "lag(v) OVER (PARTITION BY p ORDER BY o)");
  }
}

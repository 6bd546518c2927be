package dev.quiver.spark.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quiver calls in subqueries, join conditions and HAVING, each query with its exact rows: those
 * of the same query with built-in arithmetic ({@code plus_one(v)} is {@code v + 1},
 * {@code times(a, b)} is {@code a * b}).
 */
class SubqueryCallsTest extends QuiverSession {

  @BeforeAll
  static void views() {
    SparkSession spark = spark();
    spark.sql("SELECT * FROM VALUES (1, 10.0D), (2, 20.0D), (3, 30.0D), (4, CAST(NULL AS DOUBLE))"
        + " AS t(k, x)").createOrReplaceTempView("sq_outer");
    spark.sql("SELECT * FROM VALUES (1, -1.0D), (1, 5.0D), (2, -3.0D), (3, 9.0D), (3, 29.0D),"
        + " (5, 1.0D) AS t(k, v)").createOrReplaceTempView("sq_inner");
  }

  /** Each query shape with the rows the same query gives with built-in arithmetic. */
  static Stream<Arguments> queries() {
    return Stream.of(
        query("correlated EXISTS, call in the subquery's filter",
            "SELECT k FROM sq_outer o WHERE EXISTS (SELECT 1 FROM sq_inner i"
                + " WHERE i.k = o.k AND plus_one(i.v) > 0) ORDER BY k",
            "[1]", "[3]"),
        query("correlated NOT EXISTS",
            "SELECT k FROM sq_outer o WHERE NOT EXISTS (SELECT 1 FROM"
                + " sq_inner i WHERE i.k = o.k AND plus_one(i.v) > 0) ORDER BY k",
            "[2]", "[4]"),
        query("correlated EXISTS, call in the correlated condition",
            "SELECT k FROM sq_outer o WHERE EXISTS (SELECT 1 FROM sq_inner i"
                + " WHERE plus_one(i.v) = o.k + 1) ORDER BY k",
            "[1]"),
        query("EXISTS in the select list",
            "SELECT k, EXISTS (SELECT 1 FROM sq_inner i WHERE i.k = o.k AND plus_one(i.v) > 0)"
                + " FROM sq_outer o ORDER BY k",
            "[1,true]", "[2,false]", "[3,true]", "[4,false]"),
        query("IN subquery, calls on both sides of IN",
            "SELECT k FROM sq_outer WHERE plus_one(CAST(k AS DOUBLE)) IN"
                + " (SELECT plus_one(v) FROM sq_inner) ORDER BY k",
            "[1]"),
        query("correlated IN subquery",
            "SELECT k FROM sq_outer o WHERE k IN (SELECT i.k FROM sq_inner i"
                + " WHERE plus_one(i.v) > o.x / 10) ORDER BY k",
            "[1]", "[3]"),
        query("NOT IN subquery",
            "SELECT k FROM sq_outer WHERE k NOT IN (SELECT"
                + " CAST(plus_one(v) AS INT) FROM sq_inner WHERE v > 0) ORDER BY k",
            "[1]", "[3]", "[4]"),
        query("correlated scalar subquery",
            "SELECT k, (SELECT max(plus_one(v)) FROM sq_inner i WHERE i.k = o.k)"
                + " FROM sq_outer o ORDER BY k",
            "[1,6.0]", "[2,-2.0]", "[3,30.0]", "[4,null]"),
        query("correlated scalar subquery in a filter",
            "SELECT k FROM sq_outer o WHERE x > (SELECT"
                + " plus_one(max(v)) FROM sq_inner i WHERE i.k = o.k) ORDER BY k",
            "[1]", "[2]"),
        query("uncorrelated scalar subquery",
            "SELECT k, (SELECT max(plus_one(v)) FROM sq_inner) FROM sq_outer ORDER BY k",
            "[1,30.0]", "[2,30.0]", "[3,30.0]", "[4,30.0]"),
        query("join condition on one side",
            "SELECT o.k, i.v FROM sq_outer o JOIN"
                + " sq_inner i ON o.k = i.k AND plus_one(i.v) > 0 ORDER BY 1, 2",
            "[1,5.0]", "[3,9.0]", "[3,29.0]"),
        query("join condition on one side, compared with the other",
            "SELECT o.k, i.v FROM sq_outer o"
                + " JOIN sq_inner i ON o.k = i.k AND plus_one(i.v) < o.x ORDER BY 1, 2",
            "[1,-1.0]", "[1,5.0]", "[2,-3.0]", "[3,9.0]"),
        query("inner join condition on both sides",
            "SELECT o.k, i.v FROM sq_outer o JOIN"
                + " sq_inner i ON o.k = i.k AND times(o.x, i.v) > 0 ORDER BY 1, 2",
            "[1,5.0]", "[3,9.0]", "[3,29.0]"),
        query("HAVING",
            "SELECT k, sum(v) FROM sq_inner GROUP BY k HAVING plus_one(sum(v)) > 2 ORDER BY k",
            "[1,4.0]", "[3,38.0]"));
  }

  private static Arguments query(String shape, String sql, String... rows) {
    return Arguments.of(shape, sql, List.of(rows));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void rowsAsWithBuiltInArithmetic(String shape, String sql, List<String> expected) {
    assertEquals(expected, spark().sql(sql).collectAsList().stream().map(Row::toString)
        .collect(Collectors.toList()), sql);
  }

  @Test
  void outerJoinConditionOnBothSidesFailsAnalysis() {
    AnalysisException e = analysisError("SELECT o.k, i.v FROM sq_outer o LEFT JOIN sq_inner i"
        + " ON o.k = i.k AND times(o.x, i.v) > 0", QuiverErrors.UNSUPPORTED_CALL, "0A000");
    assertTrue(e.getMessage().contains("`times`") && e.getMessage().contains("LEFT OUTER"),
        e.getMessage());
    // A correlated condition of EXISTS becomes a semi join's: the same applies.
    e = analysisError("SELECT k FROM sq_outer o WHERE EXISTS (SELECT 1 FROM sq_inner i"
        + " WHERE i.k = o.k AND times(i.v, o.x) > 0)", QuiverErrors.UNSUPPORTED_CALL, "0A000");
    assertTrue(e.getMessage().contains("LEFT SEMI"), e.getMessage());
  }
}

package dev.quiver.spark.table;

import static dev.quiver.spark.table.TableFunctionSqlTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Table-function calls behave as Spark's SQL semantics say, as for Python UDTFs. */
class TableSemanticsTest extends QuiverSession {

  @BeforeAll
  static void data() {
    spark().sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)").createOrReplaceTempView("ts");
    ensureRegistered(new DeterminismFixtures.TagRows(), new DeterminismFixtures.RandomSeries(),
        new DeterminismFixtures.RandomOrder());
  }

  /** The function sees the TABLE argument's columns only, not the keys computed for it. */
  @Test
  void quiverScalarCallsAsKeys() {
    List<String> all = rows("SELECT k, x FROM ts ORDER BY x");
    assertEquals(all, rows("SELECT * FROM echo(TABLE(ts) PARTITION BY plus_one(k)) ORDER BY x"));
    assertEquals(all, rows("SELECT * FROM echo(TABLE(ts) PARTITION BY (k, plus_one(x) > 5) "
        + "ORDER BY plus_one(x) DESC) ORDER BY x"));
    assertEquals(all, rows("SELECT * FROM echo(TABLE(ts) WITH SINGLE PARTITION "
        + "ORDER BY plus_one(x)) ORDER BY x"));
    assertEquals(List.of("[eval,0,4,9,6,3,0]", "[eval,1,4,10,7,4,1]", "[eval,2,4,11,8,5,2]"),
        rows("SELECT * FROM trace(TABLE(ts) PARTITION BY plus_one(k) ORDER BY plus_one(x) "
            + "DESC) WHERE kind = 'eval' ORDER BY keys"));
  }

  /** As with rand(): a CTE referred to twice is computed once, so both sides see the same rows. */
  @Test
  void nonDeterministicCallsRunOnceForACteReferredToTwice() {
    String join = " SELECT count(*) FROM r a JOIN r b ON a.r = b.r";
    assertEquals(List.of("[12]"), rows("WITH r AS (SELECT rand() AS r FROM ts)" + join));
    assertEquals(List.of("[12]"), rows("WITH r AS (SELECT * FROM tag_rows(TABLE(ts)))" + join));
    assertEquals(List.of("[12]"),
        rows("WITH r AS (SELECT * FROM tag_rows(TABLE(ts) PARTITION BY k))" + join));
    assertEquals(List.of("[5]"), rows("WITH r AS (SELECT * FROM random_series(5))" + join));
    // A deterministic call may be inlined and computed twice: it gives the same rows.
    assertEquals(List.of("[12]"), rows("WITH e AS (SELECT * FROM echo(TABLE(ts))) "
        + "SELECT count(*) FROM e a JOIN e b ON a.x = b.x"));
  }

  /** Spark's own rule: a non-deterministic LATERAL subquery needs an outer query of one row. */
  @Test
  void nonDeterministicCallsWithTableArgumentsAreRejectedAsLateralSubqueries() {
    String error =
        "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.NON_DETERMINISTIC_LATERAL_SUBQUERIES";
    analysisError("SELECT * FROM ts, LATERAL tag_rows(TABLE(SELECT k AS x FROM ts))", error,
        "0A000");
    assertEquals(List.of("[2]"),
        rows("SELECT count(*) FROM (SELECT 2 AS n), LATERAL random_series(n)"));
    assertEquals(List.of("[12]"),
        rows("SELECT count(*) FROM (SELECT 2 AS n), LATERAL tag_rows(TABLE(ts))"));
  }

  /**
   * Without a TABLE argument, a non-deterministic call is allowed in LATERAL over many rows, as
   * a Python table function is in Spark: called once per outer row, and a CTE referred to twice
   * sees the same rows.
   */
  @Test
  void nonDeterministicScalarOnlyCallsInLateralOverManyRows() {
    // k = x % 3, four rows each: random_series(k) gives k rows per outer row, numbered from 0.
    assertEquals(List.of("[1,4,1]", "[2,8,2]"), rows("SELECT ts.k, count(*),"
        + " count(DISTINCT s.i) FROM ts, LATERAL random_series(ts.k) s GROUP BY ts.k"
        + " ORDER BY ts.k"));
    assertEquals(List.of("[12,12]"), rows("WITH e AS (SELECT ts.x, s.i, s.r FROM ts,"
        + " LATERAL random_series(ts.k) s) SELECT count(*), count(DISTINCT a.r) FROM e a"
        + " JOIN e b ON a.x = b.x AND a.i = b.i AND a.r = b.r"));
    withConf("spark.sql.optimizer.optimizeOneRowRelationSubquery", "false",
        () -> analysisError("SELECT * FROM ts, LATERAL random_series(ts.k)",
            "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.NON_DETERMINISTIC_LATERAL_SUBQUERIES",
            "0A000"));
  }

  /** Computed once per row below the call, so the shuffle, sort and groups agree on them. */
  @Test
  void nonDeterministicKeys() {
    List<String> fourPerGroup = List.of("[0,4]", "[1,4]", "[2,4]");
    assertEquals(fourPerGroup, rows("SELECT keys, rows FROM trace(TABLE(ts) PARTITION BY k "
        + "ORDER BY rand(42)) WHERE kind = 'eval' ORDER BY keys"));
    assertEquals(fourPerGroup, rows("SELECT keys, rows FROM random_order(TABLE(ts)) "
        + "WHERE kind = 'eval' ORDER BY keys"));
    assertEquals(List.of("[12]"), rows("SELECT rows FROM trace(TABLE(ts) WITH SINGLE PARTITION "
        + "ORDER BY rand(1)) WHERE kind = 'eval'"));
    // At most three groups, as floor(rand() * 3) has three values, holding every row once.
    assertEquals(List.of("[true,true,12]"), rows("SELECT sum(if(kind = 'terminate', 1, 0)) <= 3, "
        + "count(*) = sum(if(kind = 'terminate', 1, 0)) * 2, sum(if(kind = 'eval', rows, 0)) "
        + "FROM trace(TABLE(ts) PARTITION BY floor(rand(3) * 3))"));
    assertEquals(List.of("[12]"), rows("SELECT count(*) FROM echo(TABLE(ts) "
        + "PARTITION BY (k, rand(5) > 0.5) ORDER BY rand(6))"));
  }
}

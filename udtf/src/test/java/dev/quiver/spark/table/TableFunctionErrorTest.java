package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.testing.QuiverSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What users read when a table function or its call is wrong. */
class TableFunctionErrorTest extends QuiverSession {

  @BeforeAll
  static void data() {
    spark().sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)").createOrReplaceTempView("t");
  }

  private static String failure(String sql) {
    return failureOf(() -> spark().sql(sql).collectAsList());
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), "expected <" + expected + "> in:\n" + actual);
  }

  /** Every instance opened is closed, also after a failure; tasks may still be winding down. */
  private static void assertAllClosed() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (TableFixtures.CLOSED.get() != TableFixtures.OPENED.get()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(TableFixtures.OPENED.get() > 0);
    assertEquals(TableFixtures.OPENED.get(), TableFixtures.CLOSED.get(), "instances closed");
  }

  @Test
  void exceptionInEvalNamesTheFunctionAndStillCloses() throws InterruptedException {
    TableFixtures.OPENED.set(0);
    TableFixtures.CLOSED.set(0);
    assertContains("Quiver function 'failing' failed in eval: IllegalStateException: boom in eval",
        failure("SELECT * FROM failing('eval', TABLE(t) PARTITION BY k)"));
    assertAllClosed();
  }

  @Test
  void exceptionInTerminateNamesTheFunctionAndStillCloses() throws InterruptedException {
    TableFixtures.OPENED.set(0);
    TableFixtures.CLOSED.set(0);
    assertContains("Quiver function 'failing' failed in terminate: IllegalStateException: "
        + "boom in terminate", failure("SELECT * FROM failing(TABLE(t), 'terminate')"));
    assertAllClosed();
  }

  @Test
  void emittedBatchOfTheWrongType() {
    assertContains("Quiver function 'wrong_type' emitted a batch whose column 1 ('x') is a "
        + "BigIntVector of Arrow type Int(64, true), but result column 'total' (int) needs "
        + "Int(32, true)", failure("SELECT * FROM wrong_type(TABLE(SELECT x FROM t))"));
  }

  @Test
  void emittedBatchOfTheWrongWidth() {
    assertContains("Quiver function 'wrong_width' emitted a batch of 2 columns [k, x], but its "
        + "result schema has 3", failure("SELECT * FROM wrong_width(TABLE(t))"));
  }

  @Test
  void emittedRowOfTheWrongType() {
    assertContains("Quiver function 'bad_row' emitted a row whose value for column 'n' is a "
        + "String abc, which does not fit type int",
        failure("SELECT * FROM bad_row(TABLE(t), 'abc')"));
    assertContains("Quiver function 'bad_row' emitted a row whose value for column 'n' is NULL, "
        + "but the column is declared NOT NULL", failure("SELECT * FROM bad_row(NULL)"));
  }

  @Test
  void invalidResultSchemaFailsRegistration() {
    // What Quiver.register and session start-up check for each function they register.
    assertContains("[QUIVER_INVALID_DECLARATION] Quiver function `bad_schema` has an invalid "
        + "declaration: it declares the result schema 'total int,, rows', which is not a valid "
        + "Spark DDL schema", failureOf(() -> new TableFunctionKind()
            .signature(FunctionHandle.ofInstance("bad_schema", new TableFixtures.BadSchema()))));
  }

  @Test
  void invalidCalls() {
    assertContains("Invalid call of Quiver function `echo`: it takes at most one TABLE argument",
        analysisError("SELECT * FROM echo(TABLE(t), TABLE(t))", "QUIVER_INVALID_CALL", "42K09")
            .getMessage());
    assertContains("Invalid call of Quiver function `threshold_filter_test`: it was called with "
        + "a TABLE argument and the scalar argument", analysisError(
            "SELECT * FROM t AS o, LATERAL threshold_filter_test(TABLE(t), o.x)",
            "QUIVER_INVALID_CALL", "42K09").getMessage());
    analysisError("SELECT * FROM threshold_filter_test(TABLE(t), 1, 'a', 2)",
        "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605");
    assertContains("Quiver function `echo` failed in analyze(): "
        + "java.lang.IllegalArgumentException: echo needs a TABLE argument",
        analysisError("SELECT * FROM echo(1)", "QUIVER_ANALYZE_FAILED", "38000").getMessage());
    assertContains("Quiver function `self_partitioned` returned an invalid result from "
        + "analyze(): it requests a partitioning of its input, but the call already has "
        + "PARTITION BY", analysisError("SELECT * FROM self_partitioned(TABLE(t) PARTITION BY k)",
            "QUIVER_INVALID_ANALYZE_RESULT", "38000").getMessage());
    assertContains("nope", failure("SELECT * FROM trace(TABLE(t) PARTITION BY nope)"));
  }

  @Test
  void namedArgumentsFollowSparksRules() {
    String routine = "4274K";
    analysisError("SELECT * FROM threshold_filter_test(threshold => 3, TABLE(t))",
        "UNEXPECTED_POSITIONAL_ARGUMENT", routine);
    analysisError("SELECT * FROM threshold_filter_test(TABLE(t), threshold => 3, threshold => 4)",
        "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.DOUBLE_NAMED_ARGUMENT_REFERENCE", routine);
    analysisError("SELECT * FROM threshold_filter_test(TABLE(t), 3, threshold => 4)",
        "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.BOTH_POSITIONAL_AND_NAMED", routine);
    assertContains("`threshold`", analysisError(
        "SELECT * FROM threshold_filter_test(TABLE(t), limit => 3)",
        "UNRECOGNIZED_PARAMETER_NAME", routine).getMessage());
    assertContains("`threshold_filter_test`", analysisError(
        "SELECT * FROM threshold_filter_test(TABLE(t), label => 'x')",
        "REQUIRED_PARAMETER_NOT_FOUND", routine).getMessage());
    // Without declared names any name is taken, but the order and uniqueness rules hold.
    analysisError("SELECT * FROM series(n => 2, 3)", "UNEXPECTED_POSITIONAL_ARGUMENT", routine);
    analysisError("SELECT * FROM series(n => 2, n => 3)",
        "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.DOUBLE_NAMED_ARGUMENT_REFERENCE", routine);
  }
}

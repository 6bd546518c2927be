package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.testing.QuiverSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code analyze} returns wrong fails analysis with {@value QuiverErrors#INVALID_ANALYZE_RESULT}
 * and what it throws with {@value QuiverErrors#ANALYZE_FAILED}: {@code AnalysisException}s that
 * name the function, never a task-time failure.
 */
class AnalyzeResultErrorsTest extends QuiverSession {

  /** Its second argument says what {@code analyze} gets wrong. */
  public static final class BadAnalyze extends TableFixtures.EmitsInput {
    public BadAnalyze() {
      super("bad_analyze", null);
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      String schema = "k bigint, x bigint";
      return switch (call.arguments().getString(0)) {
        case "schema" -> AnalyzeResult.of("k bigint,, x");
        case "no columns" -> AnalyzeResult.of(" ");
        case "unknown partition column" -> AnalyzeResult.of(schema).partitionBy("nope + 1");
        case "unknown order column" -> AnalyzeResult.of(schema).partitionBy("k").orderBy("z");
        case "unparsable partition" -> AnalyzeResult.of(schema).partitionBy("k +");
        case "null" -> null;
        default -> throw new IllegalStateException("no such mode");
      };
    }
  }

  @BeforeAll
  static void register() {
    spark().sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)").createOrReplaceTempView("ar");
    ensureRegistered(new BadAnalyze());
  }

  private static String invalid(String mode) {
    return analysisError("SELECT * FROM bad_analyze(TABLE(ar), '" + mode + "')",
        QuiverErrors.INVALID_ANALYZE_RESULT, "38000").getMessage();
  }

  private static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), "expected <" + expected + "> in:\n" + actual);
  }

  private static final String PREFIX =
      "Quiver function `bad_analyze` returned an invalid result from analyze(): ";

  @Test
  void unparsableSchema() {
    assertContains(PREFIX + "it returned the result schema 'k bigint,, x', which is not a "
        + "valid Spark DDL schema", invalid("schema"));
    assertContains(PREFIX + "it returned no result schema.", invalid("no columns"));
  }

  @Test
  void partitionByNamingAnUnknownColumn() {
    assertContains(PREFIX + "its PARTITION BY 'nope + 1' names the column nope, which the TABLE "
        + "argument does not have (its columns: k, x).", invalid("unknown partition column"));
    assertContains(PREFIX + "its ORDER BY 'z' names the column z", invalid("unknown order column"));
  }

  @Test
  void unparsablePartitionBy() {
    assertContains(PREFIX + "its PARTITION BY 'k +' is not a valid SQL expression",
        invalid("unparsable partition"));
  }

  @Test
  void nullResult() {
    assertContains(PREFIX + "it returned null.", invalid("null"));
  }

  @Test
  void analyzeThrowing() {
    assertContains("[QUIVER_ANALYZE_FAILED] Quiver function `bad_analyze` failed in analyze(): "
        + "java.lang.IllegalStateException: no such mode", analysisError(
            "SELECT * FROM bad_analyze(TABLE(ar), 'other')", QuiverErrors.ANALYZE_FAILED, "38000")
            .getMessage());
  }
}

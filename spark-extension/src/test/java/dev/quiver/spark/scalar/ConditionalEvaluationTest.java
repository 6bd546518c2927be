package dev.quiver.spark.scalar;

import static dev.quiver.spark.testing.QueryPlans.explain;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.testing.QuiverSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quiver calls inside conditionals are evaluated only on the rows whose branch needs them, over
 * row input (range) and columnar input (Parquet), with the results of the same query written
 * with built-in expressions.
 */
class ConditionalEvaluationTest extends QuiverSession {
  /** The views every form is checked over: rows from range(), batches from a Parquet scan. */
  private static final List<String> VIEWS = List.of("cond_rows", "cond_parquet");
  private static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    SparkSession spark = spark();
    ensureRegistered(new ConditionalFixtures.Inverse(), new ConditionalFixtures.Tracked(),
        new ConditionalFixtures.Positive(), new ConditionalFixtures.Label(),
        new ConditionalFixtures.Twice());
    // x: zero, negatives, positives and nulls.
    Dataset<Row> data = spark.range(-8, 40).selectExpr("id",
        "if(id % 7 = 3, null, id % 10) AS x");
    data.createOrReplaceTempView("cond_rows");
    dir = Files.createTempDirectory("quiver-cond");
    data.repartition(2).write().parquet(dir.resolve("data").toString());
    spark.read().parquet(dir.resolve("data").toString()).createOrReplaceTempView("cond_parquet");
  }

  @AfterAll
  static void tearDown() throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  /**
   * {@code quiver} and {@code builtin} give the same rows over every view, both per row and in
   * an aggregate (which over Parquet takes the columnar path).
   */
  private static void same(String quiver, String builtin) {
    for (String view : VIEWS) {
      String perRow = "SELECT id, %s AS v FROM " + view + " ORDER BY id";
      Dataset<Row> rows = spark().sql(String.format(perRow, quiver));
      assertEquals(strings(spark().sql(String.format(perRow, builtin))), strings(rows),
          quiver + " over " + view);
      // Spark keeps non-deterministic expressions out of aggregates: a subquery computes them.
      String aggregate = quiver.contains("tracked")
          ? "SELECT count(v), sum(hash(v)) FROM (SELECT %s AS v FROM " + view + ")"
          : "SELECT count(%1$s), sum(hash(%1$s)) FROM " + view;
      Dataset<Row> df = spark().sql(String.format(aggregate, quiver));
      assertEquals(strings(spark().sql(String.format(aggregate, builtin))), strings(df),
          quiver + " aggregated over " + view);
      // Non-deterministic projections stay apart from the aggregate, and computed arguments
      // need rows: both take the row path.
      if (view.equals("cond_parquet") && !quiver.contains(" DIV ") && !quiver.contains("tracked")) {
        assertTrue(operators(df, ScalarEvalExec.class).stream()
            .anyMatch(SparkPlan::supportsColumnar), df.queryExecution().executedPlan().toString());
        // The scan's rows are read in the operator's generated code; without it, the
        // conditional is computed above the operator, which stays columnar under it.
        List<ScalarEvalExec> evals = operators(rows, ScalarEvalExec.class);
        assertTrue(!evals.isEmpty() && evals.stream().allMatch(
            e -> e.child() instanceof ColumnarScanRowsExec || e.supportsColumnar()),
            rows.queryExecution().executedPlan().toString());
        Dataset<Row> columnar = withConf(QuiverConf.CODEGEN, "false", () -> {
          Dataset<Row> again = spark().sql(String.format(perRow, quiver));
          assertEquals(strings(spark().sql(String.format(perRow, builtin))), strings(again));
          return again;
        });
        evals = operators(columnar, ScalarEvalExec.class);
        assertTrue(!evals.isEmpty() && evals.stream().allMatch(SparkPlan::supportsColumnar),
            columnar.queryExecution().executedPlan().toString());
        // Adaptive execution compares stages by their canonical plans, whose columnar-to-row
        // transitions insist that the operator below is still columnar.
        assertTrue(evals.stream().allMatch(e -> e.canonicalized().supportsColumnar()),
            columnar.queryExecution().executedPlan().toString());
      }
    }
  }

  @Test
  void searchedCaseWhen() {
    same("CASE WHEN x = 0 THEN -1.0 WHEN x > 0 THEN inverse(x) ELSE -inverse(x) END",
        "CASE WHEN x = 0 THEN -1.0 WHEN x > 0 THEN 1D / x ELSE -(1D / x) END");
    same("CASE WHEN x <> 0 THEN inverse(x) END", "CASE WHEN x <> 0 THEN 1D / x END");
    same("CASE WHEN x = 0 OR x IS NULL THEN 0.0 ELSE inverse(x) END",
        "CASE WHEN x = 0 OR x IS NULL THEN 0.0 ELSE 1D / x END");
  }

  /**
   * Over row input, the columns the output reads are kept beside the batch while it is
   * evaluated: flat ones as Arrow columns, and rows with a nested one are copied whole.
   */
  @Test
  void inputColumnsOfEveryTypeComeThroughTheBatch() {
    String columns = "CAST(id AS STRING) AS s, CAST(id / 3 AS DECIMAL(12, 4)) AS d, "
        + "TIMESTAMP'2026-01-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) AS t, "
        + "CAST(IF(id % 5 = 0, NULL, id) AS INT) AS i, CAST(s AS BINARY) AS b, id % 2 = 0 AS f";
    String flat = "SELECT id, s, d, t, i, hex(b), f, {v} AS v FROM (SELECT *, " + columns
        + " FROM cond_rows) ORDER BY id";
    String nested = "SELECT id, a, st, m, {v} AS v FROM (SELECT *, array(id, x) AS a, "
        + "named_struct('x', x, 's', concat('n', id)) AS st, map('k', x) AS m FROM cond_rows) "
        + "ORDER BY id";
    // A nested column is kept while an argument the output does not read is not: the copied
    // rows hold every input column, the kept ones only some.
    // (cached, so that the optimizer cannot fold the struct into the projection above it)
    spark().sql("SELECT *, named_struct('x', x, 's', concat('n', id)) AS st FROM cond_rows")
        .cache().createOrReplaceTempView("cond_nested_cached");
    String partlyRead = "SELECT id, st, {v} AS v FROM cond_nested_cached ORDER BY id";
    for (String query : List.of(flat, nested, partlyRead)) {
      assertEquals(strings(spark().sql(query.replace("{v}", "CASE WHEN x <> 0 THEN 1D / x END"))),
          strings(spark().sql(query.replace("{v}", "CASE WHEN x <> 0 THEN inverse(x) END"))));
      assertEquals(strings(spark().sql(query.replace("{v}", "1D / nullif(x, 0)"))),
          strings(spark().sql(query.replace("{v}", "inverse(nullif(x, 0))"))));
    }
  }

  @Test
  void simpleCase() {
    same("CASE x WHEN 0 THEN 0.0 WHEN 1 THEN 1.0 ELSE inverse(x) END",
        "CASE x WHEN 0 THEN 0.0 WHEN 1 THEN 1.0 ELSE 1D / x END");
  }

  @Test
  void ifAndNvl2() {
    same("IF(x <> 0, inverse(x), NULL)", "IF(x <> 0, 1D / x, NULL)");
    same("IF(x = 0, 7.0, inverse(x))", "IF(x = 0, 7.0, 1D / x)");
    same("NVL2(NULLIF(x, 0), inverse(x), -1.0)", "NVL2(NULLIF(x, 0), 1D / x, -1.0)");
  }

  @Test
  void coalesceNvlIfnull() {
    same("COALESCE(IF(x = 0, 99.0, NULL), inverse(x))", "COALESCE(IF(x = 0, 99.0, NULL), 1D / x)");
    same("NVL(IF(x = 0, 99.0, NULL), inverse(x))", "NVL(IF(x = 0, 99.0, NULL), 1D / x)");
    same("IFNULL(IF(x = 0, 99.0, NULL), inverse(x))", "IFNULL(IF(x = 0, 99.0, NULL), 1D / x)");
  }

  @Test
  void andOr() {
    same("x <> 0 AND inverse(x) > 0.2", "x <> 0 AND 1D / x > 0.2");
    same("x = 0 OR inverse(x) > 0.2", "x = 0 OR 1D / x > 0.2");
    for (String view : VIEWS) {
      assertEquals(strings(spark().sql("SELECT id FROM " + view
              + " WHERE x <> 0 AND 1D / x > 0.2 ORDER BY id")),
          strings(spark().sql("SELECT id FROM " + view
              + " WHERE x <> 0 AND inverse(x) > 0.2 ORDER BY id")));
    }
  }

  @Test
  void nestedConditionalsAndCalls() {
    same("CASE WHEN x IS NOT NULL THEN IF(x <> 0, inverse(x), 0.0) END",
        "CASE WHEN x IS NOT NULL THEN IF(x <> 0, 1D / x, 0.0) END");
    same("CASE WHEN x IS NOT NULL THEN IF(x = 0, 'zero', COALESCE(label(x), 'none')) END",
        "CASE WHEN x IS NOT NULL THEN IF(x = 0, 'zero', COALESCE(concat('n', x), 'none')) END");
    same("IF(x <> 0, inverse(tracked(x)), 0.0)", "IF(x <> 0, 1D / (x * 10), 0.0)");
    // A Quiver call in the condition is evaluated first; the guard then reads its result.
    same("IF(is_positive(x), inverse(x), 0.0)", "IF(x > 0, 1D / x, 0.0)");
    same("CASE WHEN x > 0 THEN label(x) END", "CASE WHEN x > 0 THEN concat('n', x) END");
  }

  /** As in Spark's generated code, an operand after a null one is not evaluated. */
  @Test
  void nullIntolerantOperands() {
    // inverse(0) fails: the left operand is null exactly where x = 0 (and where x is null).
    same("IF(x = 0, NULL, x) + inverse(x)", "IF(x = 0, NULL, x) + 1D / x");
    same("IF(x = 0, NULL, x) * inverse(x) - 1", "IF(x = 0, NULL, x) * (1D / x) - 1");
  }

  @Test
  void groupingKeys() {
    for (String view : VIEWS) {
      String byKey = "SELECT %1$s AS k, %1$s + 1 AS k1, count(*) FROM " + view
          + " GROUP BY %1$s ORDER BY k";
      assertEquals(
          strings(spark().sql(String.format(byKey, "CASE WHEN x <> 0 THEN 1D / x END"))),
          strings(spark().sql(String.format(byKey, "CASE WHEN x <> 0 THEN inverse(x) END"))));
      String byOrdinal = "SELECT IF(x = 0, 0.0, %s) AS k, count(*) FROM " + view
          + " GROUP BY 1 ORDER BY k";
      assertEquals(strings(spark().sql(String.format(byOrdinal, "1D / x"))),
          strings(spark().sql(String.format(byOrdinal, "inverse(x)"))));
    }
  }

  @Test
  void computedArgumentsOnlyOnGuardedRows() {
    // 100 DIV 0 fails under ANSI: the argument is computed on the guarded rows only.
    same("IF(x <> 0, inverse(100 DIV x), 0.0)", "IF(x <> 0, 1D / (100 DIV x), 0.0)");
  }

  @Test
  void failingFunctionStillFailsWhereItsValueIsNeeded() {
    String message = failureOf(() -> spark().sql(
        "SELECT IF(x IS NOT NULL, inverse(x), 0.0) FROM cond_rows").collectAsList());
    assertTrue(message.contains("inverse"), message);
  }

  @Test
  void sideEffectsOnlyOnTheRowsThatNeedThem() {
    String[][] cases = {
        {"CASE WHEN id % 3 = 0 THEN tracked(id) END", "id % 3 = 0"},
        {"IF(x > 5, tracked(x), 0)", "x > 5"},
        {"COALESCE(IF(x > 2, x, NULL), tracked(id))", "NOT coalesce(x > 2, false)"},
        {"x > 5 AND tracked(x) > 0", "coalesce(x > 5, true)"},
        {"x > 5 OR tracked(x) > 0", "NOT coalesce(x > 5, false)"},
        {"CASE WHEN x > 1 THEN CASE WHEN id % 2 = 0 THEN tracked(x) END END",
            "x > 1 AND id % 2 = 0"},
        {"NULLIF(x, 1) + tracked(x)", "x IS NOT NULL AND x <> 1"}};
    for (String view : VIEWS) {
      for (String[] c : cases) {
        long expected = spark().sql("SELECT count_if(" + c[1] + ") FROM " + view).first()
            .getLong(0);
        ConditionalFixtures.Tracked.EVALUATED.set(0);
        // Spark keeps non-deterministic expressions out of aggregates: a subquery computes them.
        spark().sql("SELECT count(v) FROM (SELECT " + c[0] + " AS v FROM " + view + ")")
            .collectAsList();
        assertEquals(expected, ConditionalFixtures.Tracked.EVALUATED.get(), c[0] + " over " + view);
      }
    }
  }

  @Test
  void explainShowsGuards() {
    Dataset<Row> df = spark().sql("SELECT IF(x <> 0, inverse(x), 0.0) FROM cond_rows");
    String explain = explain(df, "simple");
    assertTrue(explain.matches("(?s).*QuiverScalarEval \\[inverse\\(x#\\d+L\\) WHEN .*"),
        explain);
  }

  @Test
  void nonDeterministicConditionFallsBackToEveryRowAndSaysSo() {
    String query = "SELECT sum(v) FROM (SELECT IF(rand(1) < 0.5, %s, 0) AS v FROM cond_rows)";
    Dataset<Row> df = spark().sql(String.format(query, "tracked(id)"));
    ConditionalFixtures.Tracked.EVALUATED.set(0);
    assertEquals(spark().sql(String.format(query, "id * 10")).first(), df.first());
    assertEquals(48L, ConditionalFixtures.Tracked.EVALUATED.get());
    String explain = explain(df, "extended");
    assertTrue(explain.contains("evaluated on all rows: guard stops before the "
        + "non-deterministic condition"), explain);
  }

  /**
   * A guard that holds on every other row, over four hundred batches of row input: the sum is the
   * built-in one. (What the guard costs is the benchmark's guarded workload.)
   */
  @Test
  void guardedSumOverManyBatches() {
    String guarded = "SELECT sum(CASE WHEN id % 2 = 0 THEN twice(id) END) FROM range(4000000)";
    String builtin = "SELECT sum(CASE WHEN id % 2 = 0 THEN 2 * id END) FROM range(4000000)";
    assertEquals(spark().sql(builtin).first(), spark().sql(guarded).first());
  }
}

package dev.quiver.spark.scalar;

import static dev.quiver.spark.testing.QueryPlans.explain;
import static dev.quiver.spark.testing.QueryPlans.metric;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;

import dev.quiver.spark.Quiver;
import dev.quiver.spark.catalog.FunctionCatalog;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

class ScalarFunctionTest extends QuiverSession {

  @BeforeAll
  static void register() {
    SparkSession spark = spark();
    spark.range(0, 25).selectExpr("id", "cast(id as double) * 1.5 as x",
        "if(id % 5 = 0, null, cast(id as double)) as y").createOrReplaceTempView("nums");
    ensureRegistered(new ScalarFixtures.Counter(), new ScalarFixtures.Lifecycle(),
        new ScalarFixtures.WrongResult("wrong_length", "int", 1),
        new ScalarFixtures.WrongResult("wrong_type", "double", 0),
        new ScalarFixtures.NullInNonNullable(), new ScalarFixtures.Throwing(),
        new ScalarFixtures.ThrowingOpen());
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  @Test
  void selectList() {
    assertEquals(List.of("[0,1.0]", "[1,2.5]", "[2,4.0]"),
        strings(spark().sql("SELECT id, plus_one(x) FROM nums WHERE id < 3 ORDER BY id")));
  }

  @Test
  void nullsPassThrough() {
    assertEquals(List.of("[0,null]", "[1,2.0]"),
        strings(spark().sql("SELECT id, plus_one(y) FROM nums WHERE id < 2 ORDER BY id")));
  }

  @Test
  void whereClause() {
    assertEquals(List.of("[23]", "[24]"),
        strings(spark().sql("SELECT id FROM nums WHERE plus_one(x) > 35 ORDER BY id")));
  }

  @Test
  void insideOtherExpressionsAndNested() {
    assertEquals(List.of("[1,4.0,3.5,2.0]"), strings(spark().sql(
        "SELECT id, plus_one(x) * 2 - 1, plus_one(plus_one(x)), times(plus_one(1.0), 1) "
            + "FROM nums WHERE id = 1")));
  }

  @Test
  void severalCallsInOneProjectionShareOneOperator() {
    Dataset<Row> df = spark().sql(
        "SELECT plus_one(x), times(x, y), plus_one(x) + 1 FROM nums WHERE id = 2");
    assertEquals(List.of("[4.0,6.0,5.0]"), strings(df));
    List<ScalarEvalExec> evals = operators(df, ScalarEvalExec.class);
    assertEquals(1, evals.size(), df.queryExecution().executedPlan().toString());
  }

  @Test
  void columnarScanFeedsBatchesWithoutRows(@TempDir Path dir) {
    spark().table("nums").write().parquet(dir.resolve("nums").toString());
    Dataset<Row> df = spark().read().parquet(dir.resolve("nums").toString())
        .selectExpr("id", "plus_one(y)", "y").orderBy("id");
    List<String> rows = strings(df);
    assertEquals(25, rows.size());
    assertEquals(List.of("[0,null,null]", "[1,2.0,1.0]", "[2,3.0,2.0]"), rows.subList(0, 3));
    assertTrue(operators(df, ScalarEvalExec.class).get(0).supportsColumnar(),
        df.queryExecution().executedPlan().toString());
  }

  @Test
  void columnarScanOfManyBatchesMatchesTheRowPath(@TempDir Path dir) {
    ensureRegistered("identity_string_wide", new ScalarFixtures.Identity("string"));
    ensureRegistered("identity_double_wide", new ScalarFixtures.Identity("double"));
    // 10,000 rows: three Parquet batches, each beyond the Arrow vectors' first allocation.
    String data = "SELECT id, CASE WHEN id % 7 = 0 THEN NULL ELSE id / 3.0d END AS d, "
        + "repeat(concat('s', id), cast(id % 5 AS int)) AS s, id * 1.5d AS full, "
        // Few distinct values: Parquet writes them dictionary-encoded.
        + "IF(id % 11 = 0, NULL, concat('w', id % 13)) AS few FROM range(10000)";
    spark().sql(data).write().parquet(dir.resolve("wide").toString());
    String query = "SELECT sum(hash(id, identity_double_wide(d), identity_string_wide(s), "
        + "identity_double_wide(full), identity_string_wide(few))) FROM ";
    Dataset<Row> columnar = spark().sql(query + "parquet.`" + dir.resolve("wide") + "`");
    Dataset<Row> rows = spark().sql(query + "(" + data + ")");
    assertEquals(strings(rows), strings(columnar));
    assertEquals(strings(spark().sql("SELECT sum(hash(id, d, s, full, few)) FROM (" + data + ")")),
        strings(columnar));
    assertTrue(operators(columnar, ScalarEvalExec.class).get(0).supportsColumnar(),
        columnar.queryExecution().executedPlan().toString());
  }

  @Test
  void argumentsAreCastToDeclaredTypes() {
    assertEquals(List.of("[3.0]"), strings(spark().sql("SELECT plus_one(2)")));
    assertEquals(List.of("[6.0]"), strings(spark().sql("SELECT times(2, 3L)")));
  }

  @Test
  void datasetApi() {
    Dataset<Row> nums = spark().table("nums").where("id < 2").orderBy("id");
    assertEquals(List.of("[1.0]", "[2.5]"),
        strings(nums.select(Quiver.call("plus_one", col("x")))));
    assertEquals(List.of("[1.0]", "[2.5]"), strings(nums.select(
        org.apache.spark.sql.functions.call_function("plus_one", col("x")))));
    Quiver.Function times = Quiver.function("times");
    assertEquals(List.of("[0.0]", "[2.25]"), strings(nums.select(times.call(col("x"), col("x")))));
  }

  @Test
  void structResultExpandsIntoColumns() {
    Dataset<Row> df = spark().sql(
        "SELECT r.* FROM (SELECT parity(id) AS r FROM nums WHERE id IN (3, 4)) ORDER BY value");
    assertEquals(List.of("value", "parity"), List.of(df.columns()));
    assertEquals(List.of("[3,odd]", "[4,even]"), strings(df));
  }

  @Test
  void explainNamesTheOperatorAndMetricsCountRowsAndBatches() {
    withConf("spark.quiver.batchSize", "10", () -> {
      Dataset<Row> df = spark().sql("SELECT plus_one(x) FROM nums");
      assertEquals(25, df.collectAsList().size());
      String explain = explain(df, "simple");
      assertTrue(explain.contains("QuiverScalarEval"), explain);
      ScalarEvalExec eval = operators(df, ScalarEvalExec.class).get(0);
      assertEquals(25L, metric(eval, "numInputRows"));
      assertEquals(25L, metric(eval, "numOutputRows"));
      long batches = metric(eval, "numBatches");
      // 25 rows spread over the partitions of range(), at most 10 rows a batch
      assertTrue(batches >= 3 && batches <= 6, "batches: " + batches);
      assertTrue(metric(eval, "functionTime") > 0);
    });
  }

  @Test
  void nonDeterministicCallIsEvaluatedOncePerRow() {
    Dataset<Row> df = spark().sql("SELECT c, c + 1 AS d, c * 0 AS e FROM "
        + "(SELECT counter() AS c FROM range(0, 100, 1, 1))");
    List<Row> rows = df.collectAsList();
    assertEquals(100, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i, rows.get(i).getLong(0));
      assertEquals(i + 1, rows.get(i).getLong(1));
    }
    assertFalse(df.queryExecution().analyzed().expressions().isEmpty()
        && df.queryExecution().optimizedPlan().deterministic());
  }

  @Test
  void openAndCloseOncePerTask() {
    ScalarFixtures.Lifecycle.OPENED.set(0);
    ScalarFixtures.Lifecycle.CLOSED.set(0);
    ScalarFixtures.Lifecycle.failInEval = false;
    spark().sql("SELECT lifecycle() FROM range(0, 1000, 1, 3)").collectAsList();
    assertEquals(3, ScalarFixtures.Lifecycle.OPENED.get());
    assertEquals(3, ScalarFixtures.Lifecycle.CLOSED.get());
  }

  @Test
  void closeRunsWhenTheTaskFails() {
    ScalarFixtures.Lifecycle.OPENED.set(0);
    ScalarFixtures.Lifecycle.CLOSED.set(0);
    ScalarFixtures.Lifecycle.failInEval = true;
    try {
      String message = failureOf(
          () -> spark().sql("SELECT lifecycle() FROM range(0, 10, 1, 1)").collectAsList());
      assertTrue(message.contains("Quiver function 'lifecycle' failed in eval: "
          + "IllegalStateException: lifecycle was told to fail"), message);
      assertEquals(ScalarFixtures.Lifecycle.OPENED.get(), ScalarFixtures.Lifecycle.CLOSED.get());
    } finally {
      ScalarFixtures.Lifecycle.failInEval = false;
    }
  }

  @Test
  void wrongRowCountFailsNamingTheFunction() {
    String message = failureOf(() -> spark().sql("SELECT wrong_length(id) FROM nums").collect());
    assertTrue(message.contains("Quiver function 'wrong_length' returned"), message);
    assertTrue(message.contains("a scalar function must return exactly one value per input row"),
        message);
  }

  @Test
  void wrongVectorTypeFailsNamingTheFunction() {
    String message = failureOf(() -> spark().sql("SELECT wrong_type(id) FROM nums").collect());
    assertTrue(message.contains("Quiver function 'wrong_type' returned a IntVector of Arrow type "
        + "Int(32, true), but its declared result type needs FloatingPoint(DOUBLE)"), message);
  }

  @Test
  void nullWhereNotNullableFails() {
    String message = failureOf(
        () -> spark().sql("SELECT null_in_non_nullable(id) FROM nums").collect());
    assertTrue(message.contains("Quiver function 'null_in_non_nullable' returned"), message);
    assertTrue(message.contains("which its declared result type does not allow"), message);
  }

  @Test
  void exceptionFromUserCodeNamesTheFunction() {
    String message = failureOf(() -> spark().sql("SELECT throwing(id) FROM nums").collect());
    assertTrue(message.contains(
        "Quiver function 'throwing' failed in eval: ArithmeticException: division by zero in row 3"),
        message);
    String open = failureOf(() -> spark().sql("SELECT throwing_open(id) FROM nums").collect());
    assertTrue(open.contains("Quiver function 'throwing_open' failed in open: IOException: "
        + "connection refused by sftp.example.com"), open);
  }

  @Test
  void wrongArgumentCountFailsAtAnalysis() {
    String message = analysisError("SELECT plus_one(1, 2)", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
        "42605").getMessage();
    assertTrue(message.contains("The `plus_one` requires 1 parameters but the actual number is "
        + "2."), message);
  }

  @Test
  void uncastableArgumentFailsAtAnalysis() {
    String message = analysisError("SELECT plus_one(array(1))",
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "42K09").getMessage();
    assertTrue(message.contains("Cannot resolve \"plus_one(array(1))\" due to data type "
        + "mismatch: The first parameter requires the \"DOUBLE\" type, however \"array(1)\" "
        + "has the type \"ARRAY<INT>\"."), message);
  }

  @Test
  void registeringTwiceFails() {
    String message = failureOf(() -> Quiver.register(spark(), "counter",
        new ScalarFixtures.Counter()));
    assertTrue(message.contains("Two functions are registered under the name 'counter'"), message);
    String builtin = failureOf(() -> Quiver.register(spark(), "upper",
        new ScalarFixtures.Counter()));
    assertTrue(builtin.contains("Two functions are registered under the name 'upper'"), builtin);
  }

  @Test
  void duplicateNamesOnTheClasspathAndInConfigurationFail() {
    String message = failureOf(() -> FunctionCatalog.load().discover(
        ScalarFixtures.AnotherPlusOne.class.getName()));
    assertTrue(message.contains("Two functions are registered under the name 'plus_one': "
        + ScalarFixtures.PlusOne.class.getName() + " and "
        + ScalarFixtures.AnotherPlusOne.class.getName()), message);
  }

  @Test
  void invalidResultTypeFailsAtRegistration() {
    Throwable t = assertThrows(Throwable.class,
        () -> Quiver.register(spark(), new ScalarFixtures.BadType()));
    AnalysisException e = assertInstanceOf(AnalysisException.class, t, messages(t));
    assertEquals("QUIVER_INVALID_DECLARATION", e.getCondition());
    assertEquals("38000", e.getSqlState());
    assertTrue(e.getMessage().contains("Quiver function `bad_type` has an invalid declaration: "
        + "its result type 'doubel' is not a valid Spark DDL type"), e.getMessage());
  }

  @Test
  void allThreeWaysOfRegistrationShowInShowFunctions() {
    List<String> functions = spark().sql("SHOW FUNCTIONS").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toList());
    assertTrue(functions.contains("plus_one"), "ServiceLoader");
    assertTrue(functions.contains("configured"), "spark.quiver.functions");
    assertTrue(functions.contains("counter"), "Quiver.register");
    assertEquals(List.of("[configured]"), strings(spark().sql("SELECT configured()")));
  }

  @Test
  void describeFunctionPrintsUsage() {
    String text = spark().sql("DESCRIBE FUNCTION EXTENDED plus_one").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
    assertTrue(text.contains("Function: plus_one"), text);
    assertTrue(text.contains(ScalarFixtures.PlusOne.class.getName()), text);
    assertTrue(text.contains("Quiver scalar function: plus_one(double) returns double"), text);
    assertTrue(text.contains("Adds one to a number."), text);
  }

  @Test
  void groupByAndAggregateOverCalls() {
    assertEquals(List.of("[even,13]", "[odd,12]"), strings(spark().sql(
        "SELECT parity(id).parity AS p, count(*) FROM nums GROUP BY parity(id).parity ORDER BY p")));
    assertEquals(List.of("[4.0]"), strings(spark().sql(
        "SELECT plus_one(max(id) - 21) FROM nums")));
    assertEquals(List.of("[325.0]"), strings(spark().sql("SELECT sum(plus_one(id)) FROM nums")));
  }
}

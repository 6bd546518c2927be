package dev.quiver.spark.scalar;

import static dev.quiver.spark.testing.QueryPlans.explain;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;

/**
 * The scalar operator inside Spark's whole-stage generated code, over row input: every query
 * shape gives the rows the operator's iterator gives ({@code spark.quiver.codegen=false}), over
 * batches of a few rows so that every query fills and empties many of them.
 */
class ScalarCodegenTest extends QuiverSession {
  private static final Pattern GENERATED = Pattern.compile("\\*\\(\\d+\\) QuiverScalarEval");

  @BeforeAll
  static void register() {
    ensureRegistered(new ScalarFixtures.PlusOne(), new ScalarFixtures.Times(),
        new ScalarFixtures.Throwing(), new ScalarFixtures.Parity());
    ensureRegistered("codegen_identity", new ScalarFixtures.Identity("string"));
    spark().range(0, 200).selectExpr("id", "cast(id as double) AS x",
        "if(id % 7 = 0, null, concat('s', id)) AS s", "id % 5 AS k")
        .createOrReplaceTempView("codegen_rows");
  }

  /** The query's rows, in order, with the operator generated and with its iterator. */
  private static List<String> bothWays(String sql, boolean generated) {
    // Without the fallback, code that does not compile fails the query instead of hiding.
    Map<String, String> small = Map.of(QuiverConf.BATCH_SIZE, "7",
        "spark.sql.codegen.fallback", "false");
    List<String> withCodegen = withConf(small, () -> {
      Dataset<Row> df = spark().sql(sql);
      List<String> rows = rows(df);
      // After the query ran: adaptive execution generates code stage by stage.
      assertEquals(generated, GENERATED.matcher(explain(df, "simple")).find(),
          explain(df, "simple"));
      return rows;
    });
    List<String> withIterator = withConf(Map.of(QuiverConf.BATCH_SIZE, "7",
        QuiverConf.CODEGEN, "false"), () -> {
      Dataset<Row> df = spark().sql(sql);
      List<String> rows = rows(df);
      assertFalse(GENERATED.matcher(explain(df, "simple")).find());
      return rows;
    });
    assertEquals(withIterator, withCodegen);
    return withCodegen;
  }

  private static List<String> rows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  @Test
  void rangeSourceWithFilterAndProjection() {
    List<String> rows = bothWays("SELECT id, plus_one(x) * 2 AS y, s FROM codegen_rows "
        + "WHERE id % 3 <> 1 ORDER BY id", true);
    assertEquals(133, rows.size());
    assertEquals("[0,2.0,null]", rows.get(0));
    assertEquals("[2,6.0,s2]", rows.get(1));
  }

  @Test
  void stackedAndSeveralCalls() {
    List<String> rows = bothWays("SELECT id, plus_one(plus_one(x)), times(x, x), "
        + "times(plus_one(x), 2.0) FROM codegen_rows WHERE id < 20", true);
    assertEquals("[3,5.0,9.0,8.0]", rows.get(3));
  }

  @Test
  void underLimitAndAboveAggregate() {
    assertEquals(10, bothWays("SELECT plus_one(x) FROM codegen_rows LIMIT 10", true).size());
    // Above an aggregate's groups (more of them than a batch holds), the iterator.
    List<String> sums = bothWays("SELECT k, plus_one(sum(x)) FROM codegen_rows GROUP BY k "
        + "ORDER BY k", false);
    assertEquals(List.of("[0,3901.0]", "[1,3941.0]", "[2,3981.0]", "[3,4021.0]",
        "[4,4061.0]"), sums);
    assertEquals(100, bothWays("SELECT plus_one(sum(x)) FROM codegen_rows GROUP BY id % 100",
        false).size());
    // Above a sort, generated: the sort's loop resumes.
    List<String> sorted = bothWays("SELECT * FROM (SELECT id, plus_one(x) FROM "
        + "(SELECT * FROM codegen_rows SORT BY x DESC)) LIMIT 30", true);
    assertEquals(30, sorted.size());
    assertEquals(List.of("[20100.0]"),
        bothWays("SELECT sum(plus_one(x)) FROM codegen_rows", true));
  }

  @Test
  void guardedCallsAreEvaluatedOnlyWhereNeeded() {
    // 10 / (id % 3) fails on the rows the guard excludes (ANSI division by zero).
    List<String> rows = bothWays("SELECT id, CASE WHEN id % 3 <> 0 "
        + "THEN plus_one(10 / (id % 3)) ELSE -1 END FROM codegen_rows ORDER BY id", true);
    assertEquals(List.of("[0,-1.0]", "[1,11.0]", "[2,6.0]", "[3,-1.0]"), rows.subList(0, 4));
  }

  @Test
  void guardedResultsAreReadFromTheRowsGatheredForThem() {
    // Null results among the gathered rows (s is null where id % 7 = 0), strings, and a struct
    // whose fields are read from the gathered rows' results too; a group that gathers no row of
    // a batch (id < 0) reads nothing.
    List<String> rows = bothWays("SELECT id, CASE WHEN id % 2 = 0 THEN codegen_identity(s) END, "
        + "CASE WHEN id % 3 = 0 THEN parity(id) END, "
        + "CASE WHEN id % 3 = 0 THEN parity(id).parity END, "
        + "CASE WHEN id < 0 THEN plus_one(x) END FROM codegen_rows ORDER BY id", true);
    assertEquals(200, rows.size());
    assertEquals("[0,null,[0,even],even,null]", rows.get(0));
    assertEquals("[1,null,null,null,null]", rows.get(1));
    assertEquals("[2,s2,null,null,null]", rows.get(2));
    assertEquals("[3,null,[3,odd],odd,null]", rows.get(3));
    assertEquals("[14,null,null,null,null]", rows.get(14));
  }

  @Test
  void conditionsThatAreGuardsAreReadFromTheBatch() {
    // The output reads whether a row was gathered instead of evaluating its guard again: also
    // where the condition is null (it counts as false), in a second output without the call, in
    // IF, and not for a later branch, whose guard is another condition.
    String shapes = "SELECT id, CASE WHEN s IS NOT NULL AND id % 2 = 0 THEN plus_one(x) END, "
        + "CASE WHEN s IS NOT NULL AND id % 2 = 0 THEN 'even' ELSE s END, "
        + "IF(nullif(id % 3, 0) > 1, plus_one(x * 3), -x), "
        + "CASE WHEN id % 5 = 0 THEN -1 WHEN id % 5 = 1 THEN times(x, 2.0) ELSE x END "
        + "FROM codegen_rows ORDER BY id";
    List<String> rows = bothWays(shapes, true);
    assertEquals(List.of("[0,null,null,-0.0,-1.0]", "[1,null,s1,-1.0,2.0]",
        "[2,3.0,even,7.0,2.0]", "[3,null,s3,-3.0,3.0]"), rows.subList(0, 4));
    // (without adaptive execution, which generates code stage by stage as the query runs)
    String code = withConf("spark.sql.adaptive.enabled", "false",
        () -> explain(spark().sql(shapes), "codegen"));
    assertTrue(code.contains("quiverHeld_0") && code.contains("quiverHeld_1")
        && !code.contains("quiverHeld_2"), code);
    assertEquals(rows, rows(spark().sql(shapes.replace("plus_one(x * 3)", "(x * 3 + 1)")
        .replace("plus_one(x)", "(x + 1)")
        .replace("times(x, 2.0)", "(x * 2.0)"))));
  }

  @Test
  void rangeLoopsResumeAcrossBatchesAndBroadcastJoinsPassThrough() {
    assertEquals(List.of("[5.0005E7]"), bothWays(
        "SELECT sum(plus_one(cast(id AS double))) FROM range(0, 10000, 1, 2)", true));
    List<String> joined = bothWays("SELECT /*+ BROADCAST(b) */ a.id, plus_one(b.x) "
        + "FROM codegen_rows a JOIN codegen_rows b ON a.id = b.id + 1 ORDER BY a.id", true);
    assertEquals(199, joined.size());
    assertEquals("[199,199.0]", joined.get(198));
  }

  @Test
  void belowASortMergeJoinTheIteratorIsUsed() {
    withConf("spark.sql.autoBroadcastJoinThreshold", "-1", () -> {
      List<String> rows = bothWays("SELECT a.id, plus_one(b.x) FROM codegen_rows a "
          + "JOIN codegen_rows b ON a.id = b.id + 1 ORDER BY a.id", false);
      assertEquals(199, rows.size());
      assertEquals("[1,1.0]", rows.get(0));
    });
  }

  @Test
  void columnsOfOtherTypesComeThroughAnUnsafeRow() {
    // A boolean and a decimal are not written value by value: the row path of generated code.
    List<String> rows = bothWays("SELECT id, b, d, plus_one(x), plus_one(cast(d AS double)) "
        + "FROM (SELECT id, x, id % 2 = 0 AS b, cast(x / 4 AS decimal(10, 2)) AS d "
        + "FROM codegen_rows) WHERE id < 5 ORDER BY id", true);
    assertEquals("[1,false,0.25,2.0,1.25]", rows.get(1));
  }

  @Test
  void keptColumnsOverTheTaskLimitFailTheQueryByName() {
    // The shuffle keeps the long strings a column below the call (not folded in).
    for (String failure : failuresOverTheLimit("SELECT big, plus_one(x) FROM (SELECT "
        + "/*+ REPARTITION(2) */ x, concat(id, repeat('x', 100000)) AS big FROM codegen_rows)")) {
      assertTrue(failure.contains("The input columns kept while Quiver function 'plus_one' "
          + "evaluates a batch did not fit"), failure.substring(0, 300));
      assertTrue(failure.contains(QuiverConf.TASK_MEMORY_LIMIT), failure.substring(0, 300));
    }
  }

  /** The failures of {@code sql} under a task limit of 1m, generated and not. */
  private List<String> failuresOverTheLimit(String sql) {
    return List.of("true", "false").stream().map(codegen -> withConf(Map.of(
        QuiverConf.TASK_MEMORY_LIMIT, "1m", QuiverConf.CODEGEN, codegen),
        () -> failureOf(() -> spark().sql(sql).collectAsList()))).toList();
  }

  @Test
  void guardedCallsAndComputedArgumentsOverAColumnarScan(@TempDir Path dir) {
    // Parquet batches of 4,096 rows under batches of 7: the scan's rows are read in the
    // operator's generated code, whose loop resumes inside a scan batch.
    String path = dir.resolve("rows").toString();
    spark().range(0, 20000).selectExpr("id", "cast(id AS double) AS x",
        "if(id % 9 = 0, null, concat('s', id)) AS s").write().parquet(path);
    String scan = "parquet.`" + path + "`";
    List<String> rows = bothWays("SELECT id, s, plus_one(x * 2), CASE WHEN id % 4 <> 0 "
        + "THEN plus_one(x) ELSE 0 END FROM " + scan + " ORDER BY id", true);
    assertEquals(20000, rows.size());
    assertEquals("[19999,s19999,39999.0,20000.0]", rows.get(19999));
    // Over a columnar operator's batches too, and stopped by a limit inside a scan batch.
    assertEquals(List.of("[1,3.0]", "[2,4.0]", "[3,5.0]"), bothWays("SELECT id, "
        + "plus_one(plus_one(x)) FROM " + scan + " WHERE id BETWEEN 1 AND 3 ORDER BY id", true));
    assertEquals(4100, bothWays("SELECT s, CASE WHEN s IS NOT NULL THEN codegen_identity(s) END "
        + "FROM " + scan + " LIMIT 4100", true).size());
    Dataset<Row> guarded = spark().sql("SELECT CASE WHEN id % 4 <> 0 THEN plus_one(x) END FROM "
        + scan);
    String plan = explain(guarded, "simple");
    assertTrue(plan.contains("QuiverColumnarToRow") && !plan.contains(" ColumnarToRow"), plan);
    // Where the stage's code does not compile, Spark runs the operators' row iterators.
    assertEquals(20000L, operators(guarded, ScalarEvalExec.class).get(0).execute().count());
    // Plain arguments without guards stay columnar, and so does everything without
    // whole-stage code generation.
    assertFalse(explain(spark().sql("SELECT plus_one(x) FROM " + scan), "simple")
        .contains("QuiverColumnarToRow"));
    // A cached table gives rows as well as batches: Spark puts no transition over it to replace.
    spark().read().parquet(path).cache().createOrReplaceTempView("codegen_cached");
    Dataset<Row> cached = spark().sql("SELECT CASE WHEN id % 4 <> 0 THEN plus_one(x) END "
        + "FROM codegen_cached");
    assertEquals(15000, cached.collectAsList().stream().filter(r -> !r.isNullAt(0)).count());
    assertFalse(explain(cached, "simple").contains("QuiverColumnarToRow"));
    spark().catalog().uncacheTable("codegen_cached");
    withConf("spark.sql.codegen.wholeStage", "false", () -> assertFalse(explain(spark().sql(
        "SELECT CASE WHEN id % 4 <> 0 THEN plus_one(x) END FROM " + scan), "simple")
        .contains("QuiverColumnarToRow")));
  }

  @Test
  void argumentsOverTheTaskLimitFailTheQueryNamingTheirCall() {
    // Two groups of calls: the failing batch is the guarded call's, and its name is reported.
    for (String failure : failuresOverTheLimit("SELECT plus_one(x), CASE WHEN id >= 0 THEN "
        + "codegen_identity(big) END FROM (SELECT /*+ REPARTITION(2) */ id, x, "
        + "concat(id, repeat('x', 100000)) AS big FROM codegen_rows)")) {
      assertTrue(failure.contains("The argument batch of Quiver function 'codegen_identity' "
          + "did not fit"), failure.substring(0, Math.min(300, failure.length())));
      assertTrue(failure.contains(QuiverConf.TASK_MEMORY_LIMIT), failure.substring(0, 300));
    }
  }

  @Test
  void aFailingFunctionFailsItsQueryByName() {
    String failure = failureOf(() -> spark().sql(
        "SELECT throwing(cast(id AS int)) FROM codegen_rows WHERE id > 3").collectAsList());
    assertTrue(failure.contains("throwing"), failure);
  }
}

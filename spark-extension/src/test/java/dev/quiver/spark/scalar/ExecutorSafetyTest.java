package dev.quiver.spark.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.scalar.SafetyFixtures.Failure;
import dev.quiver.spark.scalar.SafetyFixtures.Harm;
import dev.quiver.spark.scalar.SafetyFixtures.Lie;
import dev.quiver.spark.testing.FatalErrors;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whatever a scalar function does wrong, its query fails with a message naming it, and the JVM
 * (here the local executor, which is also the test JVM: a fatal error reaching Spark would end
 * it) and later queries are unharmed. Every test also checks that no Arrow memory is left.
 */
class ExecutorSafetyTest extends QuiverSession {

  @BeforeAll
  static void register() {
    SparkSession spark = spark();
    spark.range(0, 25).selectExpr("id", "cast(id as double) * 1.5 as x")
        .createOrReplaceTempView("safety_nums");
    for (String phase : List.of("open", "eval", "close")) {
      for (Failure failure : Failure.values()) {
        ensureRegistered(failingName(phase, failure), new SafetyFixtures.Failing(phase, failure));
      }
    }
    ensureRegistered("hog_64m", new SafetyFixtures.Hog(64));
    for (Lie lie : Lie.values()) {
      ensureRegistered("malformed_" + lie.name().toLowerCase(Locale.ROOT),
          new SafetyFixtures.Malformed(lie));
    }
    ensureRegistered("null_price", new SafetyFixtures.NestedNull(false));
    ensureRegistered("null_key", new SafetyFixtures.NestedNull(true));
    ensureRegistered("closes_args", new SafetyFixtures.ArgumentVandal(Harm.CLOSES));
    ensureRegistered("zeroes_args", new SafetyFixtures.ArgumentVandal(Harm.ZEROES));
    ensureRegistered("slow", new SafetyFixtures.Slow(20));
    ensureRegistered("fast", new SafetyFixtures.Slow(0));
  }

  private static String failingName(String phase, Failure failure) {
    return "fail_" + phase + "_" + failure.name().toLowerCase(Locale.ROOT);
  }

  @AfterEach
  void resetSettings() {
    for (String key : List.of(QuiverConf.BATCH_SIZE, QuiverConf.TASK_MEMORY_LIMIT,
        QuiverConf.CODEGEN)) {
      spark().conf().unset(key);
    }
  }

  /** The failure of {@code sql}, and checks that nothing fatal is in its cause chain. */
  private static Throwable failure(String sql) {
    try {
      spark().sql(sql).collect();
    } catch (Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        assertFalse(c instanceof VirtualMachineError, "fatal error handed to Spark: " + c);
      }
      return t;
    }
    throw new AssertionError("expected " + sql + " to fail");
  }

  @ParameterizedTest
  @EnumSource(Failure.class)
  void errorsInEveryPhaseFailOnlyTheQuery(Failure kind) {
    for (String phase : List.of("open", "eval", "close")) {
      String name = failingName(phase, kind);
      Throwable t = failure("SELECT " + name + "(id) FROM safety_nums");
      String text = messages(t);
      assertTrue(text.contains("Quiver function '" + name + "' failed in " + phase + ": "), text);
      String original = switch (kind) {
        case STACK_OVERFLOW -> "StackOverflowError";
        case ASSERTION -> "AssertionError: an invariant broke";
        case OUT_OF_MEMORY -> "OutOfMemoryError: simulated";
        case INTERNAL -> "InternalError: simulated internal error";
        case CUSTOM_ERROR -> "LibraryError: a library gave up";
      };
      assertTrue(text.contains(original), text);
      SparkThrowable quiver = findQuiver(t);
      assertEquals(QuiverException.FUNCTION_FAILED, quiver.getCondition(), text);
      assertEquals("39000", quiver.getSqlState());
    }
    // The executor, here the test JVM, goes on serving queries.
    assertEquals(25L, spark().sql("SELECT count(plus_one(x)) FROM safety_nums").first()
        .getLong(0));
  }

  @Test
  void stackOverflowKeepsAReadableStack() {
    Throwable t = failure("SELECT fail_eval_stack_overflow(id) FROM safety_nums");
    Throwable stand = t;
    while (stand != null && !(stand instanceof QuiverException.UserError)) {
      stand = stand.getCause();
    }
    assertTrue(stand != null, messages(t));
    assertTrue(stand.getMessage().startsWith("java.lang.StackOverflowError"), stand.getMessage());
    assertTrue(stand.getStackTrace().length > 0 && stand.getStackTrace().length <= 64);
    assertEquals("recurse", stand.getStackTrace()[0].getMethodName(),
        stand.getStackTrace()[0].toString());
  }

  private static SparkThrowable findQuiver(Throwable t) {
    return FatalErrors.quiverCause(t);
  }

  @Test
  void arrowMemoryIsBoundedPerTask() {
    spark().conf().set(QuiverConf.TASK_MEMORY_LIMIT, "16m");
    Throwable t = failure("SELECT hog_64m(id) FROM safety_nums");
    String text = messages(t);
    assertTrue(text.contains("Quiver function 'hog_64m' failed in eval: it asked for 4194304 "
        + "bytes of Arrow memory"), text);
    assertTrue(text.contains("over the limit of 16777216 bytes; raise "
        + QuiverConf.TASK_MEMORY_LIMIT), text);
    assertEquals(QuiverException.MEMORY_LIMIT, findQuiver(t).getCondition());
    spark().conf().set(QuiverConf.TASK_MEMORY_LIMIT, "128m");
    assertEquals(25L, spark().sql("SELECT count(hog_64m(id)) FROM safety_nums").first()
        .getLong(0));
  }

  @Test
  void theDefaultLimitComesFromTheExecutorsOverhead() {
    org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf(false)
        .set("spark.executor.memory", "8g").set("spark.executor.cores", "4");
    // 10% of 8 GiB of overhead, among 4 task slots.
    assertEquals((long) ((8L << 30) * 0.10) / 4, QuiverConf.defaultTaskMemoryLimit(conf));
    conf.set("spark.executor.memoryOverhead", "2g");
    assertEquals(512L << 20, QuiverConf.defaultTaskMemoryLimit(conf));
    conf.set("spark.memory.offHeap.enabled", "true").set("spark.memory.offHeap.size", "4g");
    assertEquals(1L << 30, QuiverConf.defaultTaskMemoryLimit(conf));
    assertEquals(64L << 20, QuiverConf.defaultTaskMemoryLimit(new org.apache.spark.SparkConf(false)
        .set("spark.master", "local[16]")));
  }

  @ParameterizedTest
  @EnumSource(Lie.class)
  void malformedResultsAreRefusedBeforeAnyCopy(Lie lie) {
    String name = "malformed_" + lie.name().toLowerCase(Locale.ROOT);
    String text = messages(failure("SELECT " + name + "(id) FROM safety_nums"));
    assertTrue(text.contains("Quiver function '" + name + "' returned a malformed"), text);
    String detail = switch (lie) {
      case LONGS_LABELLED_INT -> "is a BigIntVector (BIGINT) labelled Int(32, true) (INT)";
      case SHORT_DATA_BUFFER -> "result's data buffer has 8 bytes, short of ";
      case DECREASING_OFFSETS -> "result's offsets decrease at value ";
      case OFFSET_PAST_DATA -> "000000, past its data buffer's 16 bytes";
    };
    assertTrue(text.contains(detail), text);
  }

  @Test
  void nullsAreCheckedAtEveryDepth() {
    String text = messages(failure("SELECT null_price(id) FROM safety_nums"));
    assertTrue(text.contains("Quiver function 'null_price' returned a null in "
        + "result.items[3].price (row 3), which its declared result type does not allow"), text);
    String key = messages(failure("SELECT null_key(id) FROM safety_nums"));
    assertTrue(key.contains("Quiver function 'null_key' returned a null in result[0].key "
        + "(row 1): a map key is never null in Spark."), key);
  }

  @Test
  void aFunctionCannotHarmAnotherCallsArguments() {
    List<Row> rows = spark().sql("SELECT zeroes_args(x), plus_one(x), x FROM safety_nums "
        + "ORDER BY x").collectAsList();
    for (Row row : rows) {
      assertEquals(row.getDouble(2) + 1, row.getDouble(1), 0.0, row.toString());
    }
    String text = messages(failure("SELECT closes_args(x), plus_one(x) FROM safety_nums"));
    assertTrue(text.contains("Quiver function 'closes_args' closed, reset or reallocated its "
        + "argument vector 1"), text);
  }

  @Test
  void settingsHaveBounds() {
    for (String bad : List.of("0", "-5", "abc", String.valueOf(QuiverConf.MAX_BATCH_SIZE + 1))) {
      spark().conf().set(QuiverConf.BATCH_SIZE, bad);
      Throwable t = failure("SELECT plus_one(x) FROM safety_nums");
      String text = messages(t);
      assertTrue(text.contains(QuiverConf.BATCH_SIZE + " must be an integer from 1 to "
          + QuiverConf.MAX_BATCH_SIZE + ", got '" + bad + "'"), text);
      assertEquals(QuiverException.INVALID_SETTING, findQuiver(t).getCondition());
      // Found at analysis: catchable as an AnalysisException, with the class and SQLSTATE.
      AnalysisException analysis = assertInstanceOf(AnalysisException.class, t, text);
      assertEquals(QuiverException.INVALID_SETTING, analysis.getCondition());
      assertEquals("22022", analysis.getSqlState());
    }
    spark().conf().unset(QuiverConf.BATCH_SIZE);
    spark().conf().set(QuiverConf.TASK_MEMORY_LIMIT, "lots");
    Throwable limit = failure("SELECT plus_one(x) FROM safety_nums");
    String text = messages(limit);
    assertTrue(text.contains(QuiverConf.TASK_MEMORY_LIMIT + " must be a size from 1048576"), text);
    assertEquals(QuiverException.INVALID_SETTING,
        assertInstanceOf(AnalysisException.class, limit, text).getCondition());
    spark().conf().unset(QuiverConf.TASK_MEMORY_LIMIT);
    spark().conf().set(QuiverConf.CODEGEN, "maybe");
    Throwable codegen = failure("SELECT plus_one(x) FROM safety_nums");
    String codegenText = messages(codegen);
    assertTrue(codegenText.contains(QuiverConf.CODEGEN + " must be true or false, got 'maybe'"),
        codegenText);
    assertEquals(QuiverException.INVALID_SETTING,
        assertInstanceOf(AnalysisException.class, codegen, codegenText).getCondition());
  }

  @Test
  void aHugeBatchSizeAllocatesForTheRowsThereAre() {
    spark().conf().set(QuiverConf.BATCH_SIZE, String.valueOf(QuiverConf.MAX_BATCH_SIZE));
    SafetyFixtures.Slow.MAX_HELD.set(0);
    assertEquals(10L, spark().sql("SELECT count(fast(id)) FROM range(10)").first().getLong(0));
    assertEquals(10L, spark().sql("SELECT count(*) FROM (SELECT id, fast(id) FROM range(10))")
        .first().getLong(0));
    long held = SafetyFixtures.Slow.MAX_HELD.get();
    assertTrue(held < (1 << 20), "Arrow memory held for 10 rows: " + held);
  }

  @Test
  void cancellingAJobStopsItWithinABatch() throws Exception {
    spark().conf().set(QuiverConf.BATCH_SIZE, "100");
    int closedBefore = SafetyFixtures.Slow.CLOSED.get();
    SafetyFixtures.Slow.BATCHES.set(0);
    String group = "quiver-cancel-test";
    CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() -> {
      spark().sparkContext().setJobGroup(group, "cancellation test", true);
      try {
        // 10 million rows at 20 ms per batch of 100 would take about half an hour.
        spark().sql("SELECT sum(slow(id)) FROM range(0, 10000000, 1, 2)").collect();
        return null;
      } catch (Throwable t) {
        return t;
      } finally {
        spark().sparkContext().clearJobGroup();
      }
    });
    long deadline = System.currentTimeMillis() + 60_000;
    while (SafetyFixtures.Slow.BATCHES.get() < 4 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    long cancelled = System.nanoTime();
    spark().sparkContext().cancelJobGroup(group);
    Throwable t = run.get(30, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - cancelled) / 1e9;
    assertTrue(t != null && messages(t).toLowerCase(Locale.ROOT).contains("cancel"),
        t == null ? "finished" : messages(t));
    assertTrue(seconds < 10, "took " + seconds + " s to stop");
    assertTrue(SafetyFixtures.Slow.BATCHES.get() < 10_000, "ran on after cancellation");
    long waitUntil = System.currentTimeMillis() + 10_000;
    while (SafetyFixtures.Slow.CLOSED.get() < closedBefore + 2
        && System.currentTimeMillis() < waitUntil) {
      Thread.sleep(20);
    }
    assertEquals(closedBefore + 2, SafetyFixtures.Slow.CLOSED.get(), "close ran in both tasks");
  }
}

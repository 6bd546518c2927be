package dev.quiver.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.Quiver;
import dev.quiver.spark.arrow.QuiverMemory;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import scala.Option;

/**
 * Base for tests that run queries: one Spark session for the whole test JVM, configured the way
 * users run Quiver (only {@code spark.sql.extensions}), and a check after every test that no Arrow
 * memory is left allocated, whether the test's queries succeeded or failed.
 */
public abstract class QuiverSession {
  private static SparkSession spark;

  protected static synchronized SparkSession spark() {
    if (spark == null) {
      SparkSession.Builder builder = SparkSession.builder()
          .master("local[2]")
          .appName("quiver-tests")
          .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "4")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          // The second way to register: by class name in the configuration.
          .config("spark.quiver.functions", ConfiguredFunction.class.getName());
      spark = builder.getOrCreate();
      spark.sparkContext().setLogLevel("ERROR");
    }
    return spark;
  }

  /**
   * Registers each of {@code functions} under its own name, unless the shared session has that
   * name: test classes share the session, and whichever runs first registers.
   */
  public static void ensureRegistered(QuiverFunction... functions) {
    for (QuiverFunction function : functions) {
      ensureRegistered(function.name(), function);
    }
  }

  /** Registers {@code function} as {@code name}, unless the shared session has that name. */
  public static void ensureRegistered(String name, QuiverFunction function) {
    if (!spark().catalog().functionExists(name)) {
      Quiver.register(spark(), name, function);
    }
  }

  /**
   * Runs {@code body} with the session setting {@code key} at {@code value}, then gives the
   * setting back the value it had before, or unsets it, whether {@code body} succeeded or not:
   * the next test sees the session as it was.
   */
  public static void withConf(String key, String value, Runnable body) {
    withConf(Map.of(key, value), body);
  }

  /** {@link #withConf(String, String, Runnable)} for a body that returns what it made. */
  public static <T> T withConf(String key, String value, Supplier<T> body) {
    return withConf(Map.of(key, value), body);
  }

  /** Runs {@code body} with all of {@code settings} set, then restores each as the above. */
  public static void withConf(Map<String, String> settings, Runnable body) {
    withConf(settings, () -> {
      body.run();
      return null;
    });
  }

  /** {@link #withConf(Map, Runnable)} for a body that returns what it made. */
  public static <T> T withConf(Map<String, String> settings, Supplier<T> body) {
    RuntimeConfig conf = spark().conf();
    // getAll holds what is set, where getOption would also return a default.
    scala.collection.immutable.Map<String, String> before = conf.getAll();
    settings.forEach(conf::set);
    try {
      return body.get();
    } finally {
      for (String key : settings.keySet()) {
        Option<String> previous = before.get(key);
        if (previous.isDefined()) {
          conf.set(key, previous.get());
        } else {
          conf.unset(key);
        }
      }
    }
  }

  /** The first value of the first row of a query's result, as text. */
  public static String firstValue(String sql) {
    return spark().sql(sql).collectAsList().get(0).get(0).toString();
  }

  @AfterEach
  void noArrowMemoryLeft() {
    assertNoArrowMemoryLeft();
  }

  /**
   * Waits briefly for tasks of a failed job that are still winding down, then checks that Quiver
   * holds no Arrow memory.
   */
  public static void assertNoArrowMemoryLeft() {
    long deadline = System.currentTimeMillis() + 10_000;
    while (QuiverMemory.allocatedBytes() != 0 && System.currentTimeMillis() < deadline) {
      sleep(50);
    }
    assertEquals(0, QuiverMemory.allocatedBytes(), "Arrow memory left allocated by Quiver");
  }

  /** The message chain of a failure, outermost first, for assertions on what users read. */
  public static String messages(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
      if (c.getCause() == c) {
        break;
      }
    }
    return out.toString();
  }

  /** Runs {@code action}, expecting it to fail, and returns the message chain. */
  public static String failureOf(Supplier<?> action) {
    try {
      Object result = action.get();
      throw new AssertionError("expected a failure, got " + result);
    } catch (AssertionError e) {
      throw e;
    } catch (Throwable t) {
      return messages(t);
    }
  }

  /**
   * Runs a query expecting it to fail analysis with Spark's (or Quiver's) error class; returns
   * the exception for further checks.
   */
  public static AnalysisException analysisError(String sql, String errorClass, String sqlState) {
    Throwable t = assertThrows(Throwable.class, () -> spark().sql(sql).collectAsList(), sql);
    AnalysisException e = assertInstanceOf(AnalysisException.class, t, messages(t));
    assertEquals(errorClass, e.getCondition(), sql + ": " + e.getMessage());
    assertEquals(sqlState, e.getSqlState(), sql + ": " + e.getMessage());
    return e;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

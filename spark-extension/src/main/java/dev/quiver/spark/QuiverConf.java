package dev.quiver.spark;

import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.internal.SQLConf;

/**
 * The {@code spark.quiver.*} configuration keys, and the one place that reads numeric settings:
 * each has bounds, and a value outside them fails the query at planning (or the task at its
 * start) with a message naming the setting and its range.
 */
public final class QuiverConf {
  private QuiverConf() {}

  /**
   * Rows per Arrow batch handed to a function (default 10,000; 1 to 1,048,576). A session
   * setting: it may be changed at runtime with {@code SET spark.quiver.batchSize=...}. Buffers
   * grow with the rows a batch really holds, so a large value costs nothing on small inputs.
   */
  public static final String BATCH_SIZE = "spark.quiver.batchSize";

  public static final int DEFAULT_BATCH_SIZE = 10_000;

  public static final int MAX_BATCH_SIZE = 1 << 20;

  /**
   * The most Arrow memory one task may hold for Quiver's batches and its functions, in bytes or
   * with a unit ({@code 512m}, {@code 2g}); at least 1 MiB. By default the executor's memory
   * overhead (where Arrow's off-heap memory lives) divided among the tasks that run at once,
   * or, with {@code spark.memory.offHeap.enabled}, Spark's off-heap size divided likewise; never
   * less than 64 MiB. A session setting, read when a task starts.
   */
  public static final String TASK_MEMORY_LIMIT = "spark.quiver.memory.taskLimit";

  /**
   * Comma-separated class names of functions to register in every session, in addition to the
   * functions the jars on the classpath declare. A static setting, read when the first session
   * starts (pass it to spark-submit with --conf).
   */
  public static final String FUNCTIONS = "spark.quiver.functions";

  /**
   * Whether a scalar operator over row input runs inside Spark's whole-stage generated code
   * (default true; a session setting). Off, its input rows reach it through an iterator, as they
   * do anyway under {@code spark.sql.codegen.wholeStage=false} or below a sort-merge join.
   */
  public static final String CODEGEN = "spark.quiver.codegen";

  private static final long MIB = 1L << 20;

  /** Whether {@link #CODEGEN} is on for the current session. */
  public static boolean codegen() {
    return booleanSetting(CODEGEN, true);
  }

  /** A session's boolean setting: {@code true} or {@code false}, in any case. */
  public static boolean booleanSetting(String key, boolean defaultValue) {
    String value = SQLConf.get().getConfString(key, String.valueOf(defaultValue));
    String text = value.trim().toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      throw QuiverException.invalidSetting(key + " must be true or false, got '" + value
          + "'. Change it with SET " + key + "=<value> or --conf.");
    }
    return text.equals("true");
  }

  /** The batch size in force for the current session. */
  public static int batchSize() {
    return intSetting(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE);
  }

  /**
   * Reads the session's common settings, as the operators will, so that a value out of range
   * fails the query at analysis with an {@code AnalysisException} of class
   * {@code QUIVER_INVALID_SETTING}; {@code kindSettings} reads those of one kind of function.
   */
  public static void checkAtAnalysis(Runnable kindSettings) {
    try {
      batchSize();
      String limit = SQLConf.get().getConfString(TASK_MEMORY_LIMIT, null);
      if (limit != null) {
        bytes(TASK_MEMORY_LIMIT, limit, MIB, Long.MAX_VALUE);
      }
      kindSettings.run();
    } catch (QuiverException e) {
      throw QuiverErrors.raise(QuiverErrors.invalidSetting(e));
    }
  }

  /** A session's integer setting, checked against {@code [min, max]}. */
  public static int intSetting(String key, int defaultValue, int min, int max) {
    String value = SQLConf.get().getConfString(key, String.valueOf(defaultValue));
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      parsed = Long.MIN_VALUE;
    }
    if (parsed < min || parsed > max) {
      throw QuiverException.invalidSetting(key + " must be an integer from " + min + " to "
          + max + ", got '" + value + "'. Change it with SET " + key + "=<value> or --conf.");
    }
    return (int) parsed;
  }

  /**
   * A size in bytes, with an optional unit (k, m, g, t; b), checked against {@code [min, max]}.
   * Spark's own parser lives in a class that moved between Spark versions; this is all of it
   * Quiver needs.
   */
  public static long bytes(String key, String value, long min, long max) {
    String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    long multiplier = 1;
    if (text.endsWith("b")) {
      text = text.substring(0, text.length() - 1);
    }
    if (!text.isEmpty()) {
      switch (text.charAt(text.length() - 1)) {
        case 'k' -> multiplier = 1L << 10;
        case 'm' -> multiplier = MIB;
        case 'g' -> multiplier = 1L << 30;
        case 't' -> multiplier = 1L << 40;
        default -> multiplier = 1;
      }
      if (multiplier > 1) {
        text = text.substring(0, text.length() - 1);
      }
    }
    long result;
    try {
      long number = Long.parseLong(text.trim());
      result = Math.multiplyExact(number, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      result = Long.MIN_VALUE;
    }
    if (result < min || result > max) {
      throw QuiverException.invalidSetting(key + " must be a size from " + min + " to " + max
          + " bytes (a number with an optional unit k, m, g or t), got '" + value + "'.");
    }
    return result;
  }

  /**
   * The default per-task Arrow limit on an executor with configuration {@code conf}: the memory
   * outside the heap that the cluster manager grants the executor, shared by its task slots.
   */
  public static long defaultTaskMemoryLimit(SparkConf conf) {
    long pool;
    if (conf.getBoolean("spark.memory.offHeap.enabled", false)) {
      pool = conf.getSizeAsBytes("spark.memory.offHeap.size", "0");
    } else if (conf.contains("spark.executor.memoryOverhead")) {
      pool = conf.getSizeAsMb("spark.executor.memoryOverhead") * MIB;
    } else {
      long heap = conf.getSizeAsMb("spark.executor.memory", "1g") * MIB;
      double factor = conf.getDouble("spark.executor.memoryOverheadFactor", 0.10);
      pool = Math.max(384 * MIB, (long) (heap * factor));
    }
    return Math.max(64 * MIB, pool / taskSlots(conf));
  }

  /** How many tasks one executor runs at once. */
  static int taskSlots(SparkConf conf) {
    int cores;
    String master = conf.get("spark.master", "");
    if (conf.contains("spark.executor.cores")) {
      cores = conf.getInt("spark.executor.cores", 1);
    } else if (master.startsWith("local[") && !master.startsWith("local[*")) {
      String inside = master.substring("local[".length(), master.indexOf(']') > 0
          ? master.indexOf(']') : master.length());
      String threads = inside.split(",")[0].trim();
      try {
        cores = Integer.parseInt(threads);
      } catch (NumberFormatException e) {
        cores = Runtime.getRuntime().availableProcessors();
      }
    } else if (master.equals("local")) {
      cores = 1;
    } else {
      cores = Runtime.getRuntime().availableProcessors();
    }
    int perTask = Math.max(1, conf.getInt("spark.task.cpus", 1));
    return Math.max(1, cores / perTask);
  }

  /** The application's SparkConf, on the driver while sessions are being created. */
  static SparkConf applicationConf() {
    if (SparkContext$.MODULE$.getActive().isDefined()) {
      return SparkContext$.MODULE$.getActive().get().getConf();
    }
    return SparkEnv.get() == null ? new SparkConf() : SparkEnv.get().conf();
  }
}

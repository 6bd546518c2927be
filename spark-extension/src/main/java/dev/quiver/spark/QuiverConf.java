package dev.quiver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.internal.SQLConf;

/** The {@code spark.quiver.*} configuration keys. */
public final class QuiverConf {
  private QuiverConf() {}

  /**
   * Rows per Arrow batch handed to a function (default 10,000). A session setting: it may be
   * changed at runtime with {@code SET spark.quiver.batchSize=...}.
   */
  public static final String BATCH_SIZE = "spark.quiver.batchSize";

  public static final int DEFAULT_BATCH_SIZE = 10_000;

  /**
   * Comma-separated class names of functions to register in every session, in addition to the
   * functions the jars on the classpath declare. A static setting, read when the first session
   * starts (pass it to spark-submit with --conf).
   */
  public static final String FUNCTIONS = "spark.quiver.functions";

  /** The batch size in force for the current session. */
  public static int batchSize() {
    String value = SQLConf.get().getConfString(BATCH_SIZE, String.valueOf(DEFAULT_BATCH_SIZE));
    int size;
    try {
      size = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new QuiverException(BATCH_SIZE + " must be a positive integer, got '" + value + "'");
    }
    if (size <= 0) {
      throw new QuiverException(BATCH_SIZE + " must be a positive integer, got " + size);
    }
    return size;
  }

  /** The application's SparkConf, on the driver while sessions are being created. */
  static SparkConf applicationConf() {
    if (SparkContext$.MODULE$.getActive().isDefined()) {
      return SparkContext$.MODULE$.getActive().get().getConf();
    }
    return SparkEnv.get() == null ? new SparkConf() : SparkEnv.get().conf();
  }
}

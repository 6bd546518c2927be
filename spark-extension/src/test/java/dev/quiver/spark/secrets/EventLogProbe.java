package dev.quiver.spark.secrets;

import dev.quiver.spark.arrow.QuiverMemory;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

/**
 * The child JVM of {@link SecretsEventLogTest}: a session of its own with the event log on and a
 * function secret provided one way, printing what happened for the test to check.
 *
 * <ul>
 *   <li>{@code application}: the secret {@code password} in the application's configuration, as
 *       spark-submit --conf puts it (the secret {@code token} comes from the environment the test
 *       gives this JVM); prints {@code RESULT <what secret_probe received>};</li>
 *   <li>{@code session}: the secret set with SQL {@code SET}, then with {@code spark.conf().set};
 *       prints {@code REFUSED <error class>} for each, then, after {@code RESET}, the result.</li>
 * </ul>
 *
 * <p>Arguments: event log directory, mode, secret value. Exits non-zero on an unexpected failure or
 * Arrow memory left allocated.
 */
public final class EventLogProbe {
  static final String PASSWORD = "spark.quiver.function.secret_probe.secret.password";

  private EventLogProbe() {}

  public static void main(String[] args) {
    String dir = args[0];
    String mode = args[1];
    String secret = args[2];
    SparkSession.Builder builder = SparkSession.builder()
        .master("local[2]")
        .appName("quiver-secrets")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.quiver.functions", SecretProbe.class.getName())
        .config("spark.ui.enabled", "false")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", dir)
        .config("spark.eventLog.compress", "false")
        .config("spark.eventLog.rolling.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1");
    if (mode.equals("application")) {
      builder.config(PASSWORD, secret);
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    int status = 0;
    try {
      if (mode.equals("session")) {
        refused(() -> spark.sql("SET " + PASSWORD + "=" + secret).collectAsList());
        spark.conf().set(PASSWORD, secret);
        refused(() -> query(spark));
        spark.sql("RESET " + PASSWORD).collectAsList();
      }
      System.out.println("RESULT " + query(spark));
      spark.sql("EXPLAIN EXTENDED SELECT secret_probe() FROM range(3)").collectAsList();
    } catch (RuntimeException e) {
      e.printStackTrace();
      status = 1;
    } finally {
      spark.stop();
    }
    if (QuiverMemory.allocatedBytes() != 0) {
      System.err.println("Arrow memory left allocated: " + QuiverMemory.allocatedBytes());
      status = 2;
    }
    System.exit(status);
  }

  private static String query(SparkSession spark) {
    return spark.sql("SELECT DISTINCT secret_probe() FROM range(0, 10, 1, 2)").collectAsList()
        .get(0).getString(0);
  }

  private static void refused(Runnable action) {
    try {
      action.run();
      System.out.println("ACCEPTED");
    } catch (Exception e) { // AnalysisException is checked to Java but thrown unchecked
      if (e instanceof AnalysisException analysis) {
        System.out.println("REFUSED " + analysis.getCondition() + " " + analysis.getMessage());
      } else {
        throw e;
      }
    }
  }
}

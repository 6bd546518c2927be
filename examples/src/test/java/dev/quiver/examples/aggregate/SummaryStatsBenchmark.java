package dev.quiver.examples.aggregate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark's aggregate workload without Python: count, mean, population standard deviation
 * and maximum per key over 10 million rows, as built-in SQL and as {@link SummaryStats}, with 1
 * thousand and 1 million keys, from {@code spark.range} (row input) and from Parquet. Rounds
 * interleave the contenders so that a busy machine slows all of them; the median of the rounds
 * after a warm-up counts, as a ratio to built-in SQL in the same run. A Java-only reproduction to
 * profile (add {@code -XX:StartFlightRecording=...}):
 *
 * <pre>
 * java -cp "$(cat cp.txt):examples/target/classes:examples/target/test-classes" \
 *   dev.quiver.examples.aggregate.SummaryStatsBenchmark [rounds] [rows] [contender|all] \
 *   [range,parquet]
 * </pre>
 *
 * Not part of the test suite.
 */
public final class SummaryStatsBenchmark {
  private static final String BUILTIN = "SELECT k, count(v), avg(v), stddev_pop(v), max(v) "
      + "FROM %s GROUP BY k";
  private static final String QUIVER = "SELECT k, summary_stats(v) FROM %s GROUP BY k";

  private SummaryStatsBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    String only = args.length > 2 && !args[2].equals("all") ? args[2] : null;
    List<String> sources = args.length > 3 ? List.of(args[3].split(","))
        : List.of("range", "parquet");
    Map<String, Object> settings = Map.of("spark.sql.extensions",
        "dev.quiver.spark.QuiverExtensions", "spark.ui.enabled", "false",
        "spark.driver.bindAddress", "127.0.0.1", "spark.driver.host", "127.0.0.1");
    SparkSession spark = SparkSession.builder().master("local[2]")
        .appName("quiver-summary-stats-benchmark").config(settings).getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    String dir = System.getProperty("java.io.tmpdir") + "/quiver-stats-bench-" + rows;
    List<String> report = new ArrayList<>();
    for (long keys : new long[] {1_000L, 1_000_000L}) {
      String range = "SELECT id % " + keys + " AS k, rand(7) * 100 AS v FROM range(" + rows + ")";
      String parquet = dir + "/k" + keys;
      if (!new java.io.File(parquet).exists()) {
        spark.sql(range).write().parquet(parquet);
      }
      spark.sql(range).createOrReplaceTempView("range_" + keys);
      spark.read().parquet(parquet).createOrReplaceTempView("parquet_" + keys);
      for (String source : sources) {
        String table = source + "_" + keys;
        Map<String, String> contenders = new LinkedHashMap<>();
        contenders.put("built-in", String.format(BUILTIN, table));
        contenders.put("Quiver", String.format(QUIVER, table));
        if (only != null) {
          contenders.keySet().retainAll(List.of(only));
        }
        Map<String, double[]> times = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
          for (Map.Entry<String, String> c : contenders.entrySet()) {
            long start = System.nanoTime();
            spark.sql(c.getValue()).write().format("noop").mode("overwrite").save();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (round > 0) {
              times.computeIfAbsent(c.getKey(), k -> new double[rounds])[round - 1] = seconds;
            }
          }
        }
        double builtin = times.containsKey("built-in") ? median(times.get("built-in")) : 1;
        for (Map.Entry<String, double[]> t : times.entrySet()) {
          report.add(String.format(Locale.ROOT, "%,9d keys, %-7s %-8s median %5.2f s  %.2fx "
              + "built-in  %s", keys, source, t.getKey(), median(t.getValue()),
              median(t.getValue()) / builtin, Arrays.toString(t.getValue())));
        }
      }
    }
    System.out.println("count/mean/stddev/max per key, " + rows + " rows, local[2], median of "
        + rounds + " rounds after a warm-up:");
    report.forEach(System.out::println);
    spark.stop();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}

package dev.quiver.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The scalar workloads over row input, JVM only: a Java {@code UDF1}, Quiver and built-in SQL on
 * a {@code spark.range} source with a filter, in one local session, run alternately and timed
 * into the no-op sink. A small program to profile the row path with JFR, without the Python
 * benchmark around it:
 *
 * <pre>{@code
 * java -XX:StartFlightRecording=filename=rows.jfr,settings=profile \
 *   -cp <spark jars>:<quiver bundle>:<benchmarks jar> dev.quiver.bench.RowInputProfile 12000000 5
 * }</pre>
 *
 * Arguments: rows (default 12 million), rounds (default 5), optionally the workloads to run
 * (comma-separated parts of their names, such as {@code upper} or {@code arith Quiver};
 * default all), and optionally a directory: the same rows are then written there as Parquet
 * once and read back, for the columnar path.
 */
public final class RowInputProfile {
  private RowInputProfile() {}

  /** The row source: range() with expressions and a filter, so nothing of it is columnar. */
  public static String source(long rows) {
    return "(SELECT id, randn(42) * 2 AS value, concat('name_', id % 1000) AS name FROM range("
        + rows + ") WHERE id % 10 <> 3)";
  }

  public static void main(String[] args) {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 12_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<String> only = args.length > 2 ? Arrays.asList(args[2].split(",")) : List.of();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("row-input-profile")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    JvmContenders.register(spark);
    String src = source(rows);
    if (args.length > 3) {
      String path = args[3] + "/rows-" + rows;
      if (!new java.io.File(path).exists()) {
        spark.sql("SELECT * FROM " + src).write().parquet(path);
      }
      src = "parquet.`" + path + "`";
    }
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("arith built-in", "SELECT value * 2 + 1 AS r FROM " + src);
    queries.put("arith UDF1", "SELECT jvm_arith(value) AS r FROM " + src);
    queries.put("arith Quiver", "SELECT bench_arith(value) AS r FROM " + src);
    queries.put("upper built-in", "SELECT concat(upper(name), '_SUFFIX') AS r FROM " + src);
    queries.put("upper UDF1", "SELECT jvm_upper_suffix(name) AS r FROM " + src);
    queries.put("upper Quiver", "SELECT bench_upper_suffix(name) AS r FROM " + src);
    queries.put("cdf UDF1", "SELECT jvm_normal_cdf(value) AS r FROM " + src);
    queries.put("cdf Quiver", "SELECT bench_normal_cdf(value) AS r FROM " + src);
    queries.put("guarded UDF1", "SELECT CASE WHEN id % 4 <> 0 THEN jvm_arith(value) ELSE 0 END"
        + " AS r FROM " + src);
    queries.put("guarded Quiver", "SELECT CASE WHEN id % 4 <> 0 THEN bench_arith(value) "
        + "ELSE 0 END AS r FROM " + src);
    queries.keySet().removeIf(name -> !only.isEmpty() && only.stream().noneMatch(name::contains));
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      run(spark, q.getValue()); // warm-up
      times.put(q.getKey(), new ArrayList<>());
      cpu.put(q.getKey(), new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, String> q : queries.entrySet()) {
        times.get(q.getKey()).add(run(spark, q.getValue()));
        cpu.get(q.getKey()).add(lastCpu);
      }
    }
    for (Map.Entry<String, List<Double>> t : times.entrySet()) {
      System.out.printf("%-20s wall %7.3f s  cpu %7.3f s%n", t.getKey(), median(t.getValue()),
          median(cpu.get(t.getKey())));
    }
    spark.stop();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  /** Wall seconds; the process's CPU seconds go to {@link #cpu}, steadier on a busy machine. */
  private static double run(SparkSession spark, String query) {
    long cpuStart = OS.getProcessCpuTime();
    long start = System.nanoTime();
    spark.sql(query).write().format("noop").mode("overwrite").save();
    lastCpu = (OS.getProcessCpuTime() - cpuStart) / 1e9;
    return (System.nanoTime() - start) / 1e9;
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  private static double lastCpu;
}

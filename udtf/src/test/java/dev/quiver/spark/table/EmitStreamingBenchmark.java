package dev.quiver.spark.table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Shows that what one call emits streams out of a table function in bounded chunks: one input
 * row ({@code SELECT * FROM emit_rows(n, mode)}) makes a single {@code eval} emit n rows, one at
 * a time with {@code emitRow} and as batches of 10,000 rows, counted with {@code count()}, in a
 * fresh JVM with a 512 MB heap. Ten million emitted rows kept on the heap as Spark rows would
 * need about 700 MB. Reports the peak live heap (the heap in use after a full GC, forced every
 * 200 ms) per run.
 *
 * <p>Measured on 2 cores (Spark 4.1.3, chunks of 10,000 rows):
 * <pre>
 * mode    emitted rows  peak live heap  seconds
 * row          1000000         47.1 MB      1.7
 * row         10000000         47.0 MB      2.0
 * batch        1000000         45.9 MB      1.0
 * batch       10000000         47.5 MB      1.9
 * </pre>
 *
 * <p>Run from the project directory (see {@link GroupStreamingBenchmark} for the class path):
 * <pre>
 * java -cp udtf/target/test-classes:udtf/target/classes:$(cat udtf/target/test-classpath.txt) \
 *     dev.quiver.spark.table.EmitStreamingBenchmark [rows...]
 * </pre>
 * {@code TableFunctionStreamingTest} runs it for one and ten million rows.
 */
public final class EmitStreamingBenchmark {
  static final String[] MODES = {"row", "batch"};

  /** One run: the emitted rows, what {@code count()} returned, the peak live heap. */
  record Run(String mode, long rows, long counted, long peakLiveBytes, double seconds) {
    @Override
    public String toString() {
      return String.format("%-6s %13d %12.1f MB %8.1f", mode, rows, peakLiveBytes / 1048576.0,
          seconds);
    }
  }

  private EmitStreamingBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--measure")) {
      measure(args);
      return;
    }
    List<Long> sizes = MeasuringJvm.sizes(args, List.of(1_000_000L, 10_000_000L));
    System.out.printf("%-6s %13s %15s %8s%n", "mode", "emitted rows", "peak live heap",
        "seconds");
    for (Run run : inFreshJvm("512m", sizes)) {
      System.out.println(run);
    }
  }

  /** Every mode for every size, in order, in one new JVM with heap {@code heap}. */
  static List<Run> inFreshJvm(String heap, List<Long> sizes)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    args.add("--measure");
    for (long rows : sizes) {
      args.add(Long.toString(rows));
    }
    MeasuringJvm.Outcome outcome =
        MeasuringJvm.run(heap, List.of(), EmitStreamingBenchmark.class, args);
    List<Run> runs = new ArrayList<>();
    for (String result : outcome.results()) {
      String[] f = result.trim().split("\\s+");
      runs.add(new Run(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
          Double.parseDouble(f[4])));
    }
    if (outcome.exit() != 0 || runs.size() != MODES.length * sizes.size()) {
      throw new IllegalStateException("the measuring JVM failed (exit " + outcome.exit()
          + ") after " + runs + ":\n" + outcome.output());
    }
    return runs;
  }

  private static void measure(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    for (String mode : MODES) {
      count(spark, 200_000, mode); // warm-up
    }
    for (String mode : MODES) {
      for (int i = 1; i < args.length; i++) {
        long rows = Long.parseLong(args[i]);
        MeasuringJvm.Sampled<Long> run =
            MeasuringJvm.sampling(200, () -> count(spark, rows, mode));
        System.out.printf("RESULT %s %d %d %d %.2f%n", mode, rows, run.result(),
            run.peakLiveBytes(), run.seconds());
      }
    }
    spark.stop();
  }

  private static long count(SparkSession spark, long rows, String mode) {
    return QuiverTables.call(spark, new StreamingFixtures.EmitRows(), rows, mode).count();
  }
}

package dev.quiver.spark.table;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
    List<Long> sizes = new ArrayList<>();
    for (String arg : args) {
      sizes.add(Long.parseLong(arg.replace("_", "")));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000_000L, 10_000_000L);
    }
    System.out.printf("%-6s %13s %15s %8s%n", "mode", "emitted rows", "peak live heap",
        "seconds");
    for (Run run : inFreshJvm("512m", sizes)) {
      System.out.println(run);
    }
  }

  /** Every mode for every size, in order, in one new JVM with heap {@code heap}. */
  static List<Run> inFreshJvm(String heap, List<Long> sizes)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java");
    command.add("-Xmx" + heap);
    command.addAll(GroupStreamingBenchmark.JVM_FLAGS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EmitStreamingBenchmark.class.getName());
    command.add("--measure");
    for (long rows : sizes) {
      command.add(Long.toString(rows));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<Run> runs = new ArrayList<>();
    StringBuilder output = new StringBuilder();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        // Found anywhere in a line: the child's log lines may run into its output.
        int at = line.indexOf("RESULT ");
        if (at >= 0) {
          String[] f = line.substring(at + 7).trim().split("\\s+");
          runs.add(new Run(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]),
              Long.parseLong(f[3]), Double.parseDouble(f[4])));
        } else if (output.length() < 20_000) {
          output.append(line).append('\n');
        }
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || runs.size() != MODES.length * sizes.size()) {
      throw new IllegalStateException("the measuring JVM failed (exit " + exit + ") after "
          + runs + ":\n" + output);
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
        AtomicLong peakLive = new AtomicLong();
        Thread sampler = new Thread(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            System.gc();
            peakLive.accumulateAndGet(GroupStreamingBenchmark.liveHeapAfterLastFullGc(),
                Math::max);
            try {
              Thread.sleep(200);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.setDaemon(true);
        long start = System.nanoTime();
        sampler.start();
        long counted = count(spark, rows, mode);
        sampler.interrupt();
        sampler.join();
        System.out.printf("RESULT %s %d %d %d %.2f%n", mode, rows, counted, peakLive.get(),
            (System.nanoTime() - start) / 1e9);
      }
    }
    spark.stop();
  }

  private static long count(SparkSession spark, long rows, String mode) {
    return QuiverTables.call(spark, new StreamingFixtures.EmitRows(), rows, mode).count();
  }
}

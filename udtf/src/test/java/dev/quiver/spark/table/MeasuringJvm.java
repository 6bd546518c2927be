package dev.quiver.spark.table;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the streaming benchmarks share: a measurement in a JVM of its own, with a heap of a given
 * size, and the live heap sampled while a query runs.
 */
final class MeasuringJvm {
  /** The flags of the measuring JVMs, less the heap size; Spark 4 needs the add-opens. */
  static final List<String> FLAGS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true");

  private MeasuringJvm() {}

  /** The group or row counts a benchmark's arguments list ({@code 1_000_000} reads as 1000000). */
  static List<Long> sizes(String[] args, List<Long> otherwise) {
    List<Long> sizes = new ArrayList<>();
    for (String arg : args) {
      sizes.add(Long.parseLong(arg.replace("_", "")));
    }
    return sizes.isEmpty() ? otherwise : sizes;
  }

  /**
   * What a measuring JVM printed after {@code RESULT } (its lines for the parent), the rest of
   * its output (the first 20,000 characters, for a failure's message) and its exit status.
   */
  record Outcome(List<String> results, String output, int exit) {}

  /** A run of {@code main} with {@code args} in a new JVM of this class path. */
  static Outcome run(String heap, List<String> flags, Class<?> main, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java");
    command.add("-Xmx" + heap);
    command.addAll(FLAGS);
    command.addAll(flags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> results = new ArrayList<>();
    StringBuilder output = new StringBuilder();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        // Found anywhere in a line: the child's log lines may run into its output.
        int at = line.indexOf("RESULT ");
        if (at >= 0) {
          results.add(line.substring(at + 7));
        } else if (output.length() < 20_000) {
          output.append(line).append('\n');
        }
      }
    }
    return new Outcome(results, output.toString(), process.waitFor());
  }

  /** What a sampled run returned, the peak live heap while it ran, and its seconds. */
  record Sampled<T>(T result, long peakLiveBytes, double seconds) {}

  /**
   * Runs {@code run} while a daemon thread forces a full GC every {@code periodMillis} and keeps
   * the largest live heap it sees.
   */
  static <T> Sampled<T> sampling(long periodMillis, Callable<T> run) throws Exception {
    AtomicLong peakLive = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        peakLive.accumulateAndGet(liveHeapAfterLastFullGc(), Math::max);
        try {
          Thread.sleep(periodMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    long start = System.nanoTime();
    sampler.start();
    T result = run.call();
    sampler.interrupt();
    sampler.join();
    return new Sampled<>(result, peakLive.get(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * The heap in use right after the last full GC, as the collector reports it: reading the heap
   * usage after {@code System.gc()} returns would also count what the running tasks allocated
   * since.
   */
  static long liveHeapAfterLastFullGc() {
    com.sun.management.GcInfo latest = null;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof com.sun.management.GarbageCollectorMXBean gc
          && !gc.getName().contains("Young") && gc.getLastGcInfo() != null
          && (latest == null || gc.getLastGcInfo().getEndTime() > latest.getEndTime())) {
        latest = gc.getLastGcInfo();
      }
    }
    if (latest == null) {
      return 0;
    }
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = latest.getMemoryUsageAfterGc().get(pool.getName());
      if (pool.getType() == MemoryType.HEAP && after != null) {
        used += after.getUsed();
      }
    }
    return used;
  }
}

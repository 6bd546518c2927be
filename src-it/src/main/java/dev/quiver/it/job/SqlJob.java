package dev.quiver.it.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The driver program of the integration tests, submitted with spark-submit: runs the SQL of a
 * plan and writes what Spark returned, and where its tasks ran, to an output directory. The tests
 * own the queries and their expected results; this program only runs them.
 *
 * <pre>
 * SqlJob &lt;plan.properties&gt; &lt;output directory&gt;
 * </pre>
 *
 * The plan is a {@link Properties} file:
 * <ul>
 *   <li>{@code executors}: wait until this many executors have registered before the first
 *       query (at most {@code executors.timeoutSeconds}, 120 by default);</li>
 *   <li>{@code setup.0}, {@code setup.1}, ...: statements run first, in order;</li>
 *   <li>{@code checks}: the names of the checks, comma-separated, run in this order;</li>
 *   <li>{@code check.<name>.sql}: the query of a check;</li>
 *   <li>{@code check.<name>.output}: {@code rows} (the default) collects the result on the driver
 *       and writes {@code <name>.rows}, one row a line as {@link RowFormat} prints it, sorted;
 *       {@code csv} has the executors write the result with Spark's CSV writer into
 *       {@code <name>/}.</li>
 *   <li>{@code check.<name>.expect}: {@code success} (the default) or {@code failure}. A check
 *       expected to fail writes no rows: its error's first lines are reported as
 *       {@code check.<name>.failed} (and the classes of its cause chain as
 *       {@code check.<name>.failedCauses}) and the job goes on; any other failing check ends
 *       the job;</li>
 *   <li>{@code check.<name>.cancelAfterSeconds}: cancel the check's job group this many seconds
 *       after its first task started; its jobs run with {@code interruptOnCancel} set to
 *       {@code check.<name>.interruptOnCancel} ({@code true} by default), so the cancel interrupts
 *       the tasks' threads, or only marks the tasks killed for them to notice. The report
 *       tells how many of its tasks ran then ({@code check.<name>.runningAtCancel}), how long after
 *       the cancel the query failed ({@code check.<name>.cancelToFailureSeconds}) and how long
 *       until its last task ended ({@code check.<name>.cancelToTasksEndedSeconds}); the next
 *       check starts only after that.</li>
 * </ul>
 *
 * Each check runs in its own job group, so {@code report.properties} can say, per check, how many
 * rows it returned, which executors ran its successful tasks and which tasks failed and why (see
 * {@link TaskTracker}). The application id is printed first, as {@code QUIVER app=<id>}.
 */
public final class SqlJob {
  private SqlJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SqlJob <plan.properties> <output directory>");
    }
    Properties plan = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      plan.load(in);
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out);

    String listeners = new SparkConf().get("spark.extraListeners", "");
    SparkSession spark = SparkSession.builder()
        .config("spark.extraListeners", (listeners.isEmpty() ? "" : listeners + ",")
            + TaskTracker.class.getName())
        .getOrCreate();
    TaskTracker tracker = TaskTracker.created();
    Properties report = new Properties();
    String appId = spark.sparkContext().applicationId();
    report.setProperty("app.id", appId);
    report.setProperty("spark.version", spark.version());
    say("app=" + appId);
    try {
      int executors = Integer.parseInt(plan.getProperty("executors", "0"));
      int timeout = Integer.parseInt(plan.getProperty("executors.timeoutSeconds", "120"));
      awaitExecutors(spark, executors, timeout);
      for (int i = 0; plan.containsKey("setup." + i); i++) {
        spark.sql(plan.getProperty("setup." + i)).collectAsList();
      }
      for (String name : plan.getProperty("checks", "").split(",")) {
        if (!name.isBlank()) {
          runCheck(spark, tracker, plan, name.trim(), out, report);
        }
      }
      report.setProperty("status", "done");
    } finally {
      // Stopping drains the listener bus, so the tracker has seen every event after this.
      spark.stop();
      tracker.report(report);
      writeReport(report, out.resolve("report.properties"));
    }
  }

  private static void runCheck(SparkSession spark, TaskTracker tracker, Properties plan,
      String name, Path out, Properties report) throws IOException, InterruptedException {
    String sql = plan.getProperty("check." + name + ".sql");
    if (sql == null) {
      throw new IllegalArgumentException("check '" + name + "' has no check." + name + ".sql");
    }
    String output = plan.getProperty("check." + name + ".output", "rows");
    String expect = plan.getProperty("check." + name + ".expect", "success");
    if (!expect.equals("success") && !expect.equals("failure")) {
      throw new IllegalArgumentException("check." + name + ".expect must be success or failure, "
          + "got " + expect);
    }
    int cancelAfter = Integer.parseInt(
        plan.getProperty("check." + name + ".cancelAfterSeconds", "0").trim());
    // Only a check that is cancelled may interrupt its tasks' threads.
    boolean interrupt = cancelAfter > 0 && Boolean.parseBoolean(
        plan.getProperty("check." + name + ".interruptOnCancel", "true").trim());
    spark.sparkContext().setJobGroup(name, "check " + name, interrupt);
    Canceller canceller = cancelAfter > 0
        ? Canceller.start(spark, tracker, name, cancelAfter) : null;
    long start = System.nanoTime();
    try {
      Dataset<Row> result = spark.sql(sql);
      String summary;
      switch (output) {
        case "rows":
          List<String> lines = new ArrayList<>();
          for (Row row : result.collectAsList()) {
            lines.add(RowFormat.format(row));
          }
          lines.sort(null);
          Files.write(out.resolve(name + ".rows"), lines, StandardCharsets.UTF_8);
          report.setProperty("check." + name + ".rows", String.valueOf(lines.size()));
          summary = "rows=" + lines.size();
          break;
        case "csv":
          // The test reads the files; the job does not read them back.
          Path dir = out.resolve(name);
          result.write().mode("overwrite").csv(dir.toString());
          summary = "written to " + dir;
          break;
        default:
          throw new IllegalArgumentException("check." + name + ".output must be rows or csv, got "
              + output);
      }
      String seconds = String.format("%.1f", (System.nanoTime() - start) / 1e9);
      report.setProperty("check." + name + ".seconds", seconds);
      say("check=" + name + " " + summary + " seconds=" + seconds);
    } catch (Exception e) {
      if (!expect.equals("failure")) {
        throw e;
      }
      long failedAt = System.nanoTime();
      report.setProperty("check." + name + ".failed", firstLines(e, 6, 4000));
      report.setProperty("check." + name + ".failedCauses", causes(e));
      report.setProperty("check." + name + ".seconds",
          String.format("%.1f", (failedAt - start) / 1e9));
      say("check=" + name + " failed as expected: " + firstLines(e, 1, 400));
      if (canceller != null && canceller.cancelledAt > 0) {
        report.setProperty("check." + name + ".cancelToFailureSeconds",
            String.format("%.2f", (failedAt - canceller.cancelledAt) / 1e9));
      }
    } finally {
      spark.sparkContext().clearJobGroup();
      if (canceller != null) {
        canceller.finish(report);
      }
    }
  }

  /**
   * Cancels a check's job group some seconds after its first task started, and afterwards waits
   * until none of its tasks runs any more.
   */
  private static final class Canceller {
    private final TaskTracker tracker;
    private final String group;
    private final Thread thread;
    private volatile int runningAtCancel;
    /** {@link System#nanoTime} of the cancel, 0 until then. */
    private volatile long cancelledAt;

    private Canceller(SparkSession spark, TaskTracker tracker, String group, int seconds) {
      this.tracker = tracker;
      this.group = group;
      this.thread = new Thread(() -> {
        try {
          tracker.awaitRunning(group, 1, 120_000);
          Thread.sleep(seconds * 1000L);
          runningAtCancel = tracker.running(group);
          cancelledAt = System.nanoTime();
          say("check=" + group + " cancelling with " + runningAtCancel + " tasks running");
          spark.sparkContext().cancelJobGroup(group);
        } catch (InterruptedException e) {
          // The check ended first.
        }
      }, "cancel-" + group);
      thread.setDaemon(true);
    }

    static Canceller start(SparkSession spark, TaskTracker tracker, String group, int seconds) {
      Canceller canceller = new Canceller(spark, tracker, group, seconds);
      canceller.thread.start();
      return canceller;
    }

    void finish(Properties report) throws InterruptedException {
      thread.interrupt();
      thread.join();
      if (cancelledAt == 0) {
        report.setProperty("check." + group + ".cancelled", "false");
        return;
      }
      int left = tracker.awaitRunning(group, 0, 60_000);
      long ended = System.nanoTime();
      report.setProperty("check." + group + ".cancelled", "true");
      report.setProperty("check." + group + ".runningAtCancel", String.valueOf(runningAtCancel));
      report.setProperty("check." + group + ".runningAfterCancel", String.valueOf(left));
      if (left == 0) {
        report.setProperty("check." + group + ".cancelToTasksEndedSeconds",
            String.format("%.2f", (ended - cancelledAt) / 1e9));
      }
    }
  }

  /** The first lines of a throwable's message, at most {@code maxChars} characters. */
  private static String firstLines(Throwable t, int lines, int maxChars) {
    String message = String.valueOf(t.getMessage());
    String[] split = message.split("\n", lines + 1);
    String first = String.join("\n", java.util.Arrays.asList(split).subList(0,
        Math.min(lines, split.length)));
    return first.length() <= maxChars ? first : first.substring(0, maxChars) + "...";
  }

  /** The class names of a throwable's cause chain, outermost first. */
  private static String causes(Throwable t) {
    List<String> names = new ArrayList<>();
    for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
      names.add(t.getClass().getName());
    }
    return String.join(",", names);
  }

  /** Waits until {@code count} executors have registered with the driver. */
  private static void awaitExecutors(SparkSession spark, int count, int timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      // The driver is listed too.
      int registered = spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
      if (registered >= count) {
        say("executors=" + registered);
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + registered + " of " + count
            + " executors registered within " + timeoutSeconds + " s");
      }
      Thread.sleep(200);
    }
  }

  private static void writeReport(Properties report, Path file) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      report.store(writer, "what the SqlJob saw");
    }
    new TreeMap<>(report).forEach((key, value) -> say(key + "=" + value));
  }

  private static void say(String line) {
    System.out.println("QUIVER " + line);
    System.out.flush();
  }
}

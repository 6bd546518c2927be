package dev.quiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.it.JobPlan.Check;
import dev.quiver.it.JobPlan.Output;
import dev.quiver.it.StandaloneCluster.Executor;
import dev.quiver.it.functions.Label;
import dev.quiver.it.functions.Mix;
import dev.quiver.it.functions.Pace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Quiver deployed the way users deploy it: a Spark standalone cluster (a Master and two Workers,
 * each in its own JVM, executors in JVMs of their own) on loopback, and applications submitted
 * through {@code org.apache.spark.deploy.SparkSubmit} with
 * {@code --jars quiver-spark-bundle.jar,<functions jar>,quiver-examples.jar} and
 * {@code --conf spark.sql.extensions=dev.quiver.spark.QuiverExtensions}. The functions jar is a
 * user's: it holds {@code dev.quiver.it.functions} and their {@code META-INF/services} file, and
 * was built against Quiver's API only.
 *
 * <p>Each test submits one application running a {@link JobPlan}: queries with the exact rows they
 * must return. To test more functions end to end, add checks to a plan (and functions to
 * {@code src/main/java/dev/quiver/it/functions}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Path WORK = Path.of(Submissions.property("quiver.it.workDir"));
  private static final Duration JOB_TIMEOUT = Submissions.JOB_TIMEOUT;

  private static StandaloneCluster cluster;
  private static Submissions submissions;

  /** On a failure, prints the end of every log of the cluster, drivers' and executors' too. */
  @RegisterExtension
  static final TestWatcher DIAGNOSTICS = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.err.println(cluster.diagnostics());
      }
    }
  };

  @BeforeAll
  static void startCluster() throws IOException {
    Submissions.deleteRecursively(WORK);
    SparkDistribution spark = new SparkDistribution(
        Path.of(Submissions.property("quiver.it.sparkHome")),
        Submissions.property("quiver.it.scalaVersion"));
    long start = System.nanoTime();
    // Two workers of one core each: the machine has two cores, and other builds may run.
    cluster = StandaloneCluster.start(spark, WORK, 2, 1, "1g");
    submissions = new Submissions(cluster, WORK);
    System.out.printf("cluster %s up in %.1f s%n", cluster.masterUrl(),
        (System.nanoTime() - start) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void scalarFunctionsFromSqlOnBothWorkers() {
    int rows = 80_000;
    List<String> mix = mixRows(rows);
    List<String> labels = new ArrayList<>();
    Map<Long, long[]> groups = new TreeMap<>();
    for (long id = 0; id < rows; id++) {
      String name = name(id);
      labels.add(id + "\t" + orNull(name) + "\t" + orNull(Label.label(id, name)));
      if (name != null) {
        long[] countAndSum = groups.computeIfAbsent(Math.floorMod(Mix.mix(id), 10L),
            k -> new long[2]);
        countAndSum[0]++;
        countAndSum[1] += id;
      }
    }
    List<String> grouped = groups.entrySet().stream()
        .map(e -> e.getKey() + "\t" + e.getValue()[0] + "\t" + e.getValue()[1])
        .collect(Collectors.toList());
    long named = rows - rows / 10;

    JobPlan plan = new JobPlan(2)
        .setup("CREATE OR REPLACE TEMP VIEW data AS SELECT id, "
            + "CASE WHEN id % 10 = 0 THEN NULL ELSE concat('n', id) END AS name "
            + "FROM range(0, " + rows + ", 1, 8)")
        // Functions declared in the user's jar (META-INF/services) are registered.
        .check(new Check("registered", "SHOW FUNCTIONS LIKE 'it_*'", Output.ROWS,
            List.of("it_label", "it_mix", "it_overflow", "it_pace"), 0))
        .check("bigint_result", "SELECT id, it_mix(id) FROM data", mix)
        .check("string_arguments_and_nulls", "SELECT id, name, it_label(id, name) FROM data",
            labels)
        .check("in_where_and_group_by", "SELECT pmod(it_mix(id), 10) AS k, count(*), sum(id) "
            + "FROM data WHERE it_label(id, name) IS NOT NULL GROUP BY pmod(it_mix(id), 10)",
            grouped)
        .check("agrees_with_builtins", "SELECT count(*), count(it_label(id, name)) FROM data "
            + "WHERE it_label(id, name) <=> concat(name, '#', id % 97)",
            List.of(rows + "\t" + named));

    Properties report = submissions.run("scalar", plan, Map.of("spark.quiver.batchSize", "3000"));
    assertEquals("done", report.getProperty("status"), "job status");
  }

  /**
   * The table functions of the examples jar, with TABLE arguments partitioned and ordered across
   * both workers, and its aggregate functions with GROUP BY, return exactly what the same
   * computation in plain Java returns.
   */
  @Test
  @Order(2)
  void tableAndAggregateFunctionsOnBothWorkers() {
    int purchases = 40_000;
    int users = 500;
    Map<Integer, long[]> perUser = new TreeMap<>();
    for (int id = 0; id < purchases; id++) {
      long[] totalAndRows = perUser.computeIfAbsent(id % users, k -> new long[2]);
      totalAndRows[0] += id % 100;
      totalAndRows[1]++;
    }
    List<String> sums = perUser.entrySet().stream()
        .map(e -> e.getKey() + "\t" + e.getValue()[0] + "\t" + e.getValue()[1])
        .collect(Collectors.toList());

    int reviews = 20_000;
    int products = 200;
    Map<Integer, List<int[]>> byProduct = new TreeMap<>();
    for (int id = 0; id < reviews; id++) {
      byProduct.computeIfAbsent(id % products, k -> new ArrayList<>())
          .add(new int[] {id, rating(id)});
    }
    List<String> top = new ArrayList<>();
    byProduct.forEach((product, rows) -> rows.stream()
        .sorted((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[0], b[0]))
        .limit(3)
        .forEach(r -> top.add(product + "\t" + r[0] + "\t" + r[1] + "\tr" + r[0])));

    // Every purchase of a user has the same amount, user_id % 100: 80 purchases each.
    List<String> stats = perUser.keySet().stream()
        .map(u -> u + "\t" + (purchases / users) + "\t" + (u % 100) + ".0\t" + (u % 100) + ".0")
        .collect(Collectors.toList());

    JobPlan plan = new JobPlan(2)
        .setup("CREATE OR REPLACE TEMP VIEW purchases AS SELECT cast(id % " + users
            + " AS int) AS user_id, cast(id % 100 AS int) AS amount FROM range(0, " + purchases
            + ", 1, 8)")
        .setup("CREATE OR REPLACE TEMP VIEW reviews AS SELECT cast(id % " + products
            + " AS int) AS product_id, cast(id AS int) AS review_id, cast((id * 7) % 5 + 1 AS "
            + "int) AS rating, concat('r', id) AS review FROM range(0, " + reviews + ", 1, 8)")
        .check("sum_per_user", "SELECT * FROM sum_per_user(TABLE(purchases) PARTITION BY "
            + "user_id)", sums)
        .check("top_reviews_per_product", "SELECT * FROM top_reviews_per_product("
            + "TABLE(reviews) PARTITION BY (product_id) ORDER BY (rating DESC, review_id))", top)
        // A mergeable aggregate (two phases around the shuffle) and a single-phase one.
        .check("aggregates_group_by", "SELECT user_id, summary_stats(amount).count, "
            + "summary_stats(amount).max, exact_median(amount) FROM purchases GROUP BY user_id",
            stats);

    Properties report = submissions.run("tables", plan, Map.of("spark.quiver.batchSize", "500"));
    assertEquals("done", report.getProperty("status"), "job status");
  }

  /** The rows of {@code SELECT id, it_mix(id)} over {@code range(rows)}, in id order. */
  private static List<String> mixRows(int rows) {
    List<String> out = new ArrayList<>();
    for (long id = 0; id < rows; id++) {
      out.add(id + "\t" + Mix.mix(id));
    }
    return out;
  }

  private static int rating(int id) {
    return (id * 7) % 5 + 1;
  }

  /**
   * Kills an executor JVM while it runs a task of a query that reads shuffle output and writes
   * files; Spark re-runs what was lost on the other executor and a replacement, and the output
   * holds every row exactly once.
   */
  @Test
  @Order(3)
  void executorKilledWhileJobRunsLosesNoRowAndDuplicatesNone() throws Exception {
    int rows = 160_000;
    List<String> expected = mixRows(rows);
    Path markers = WORK.resolve("fault").resolve("markers");
    // 8 tasks of 20,000 rows after a shuffle, 10 batches each, 200 ms a batch: four waves of
    // two seconds on the two executors, time enough to kill one in the middle.
    JobPlan plan = new JobPlan(2).check(new Check("after_executor_loss",
        "SELECT id, it_mix(it_pace(id)) FROM "
            + "(SELECT /*+ REPARTITION(8, id) */ id FROM range(0, " + rows + ", 1, 8))",
        Output.CSV, expected, 1));
    Map<String, String> conf = Map.of(
        "spark.quiver.batchSize", "2000",
        Pace.MILLIS_PER_BATCH, "200",
        Pace.MARKER_DIR, markers.toString());

    ChildProcess driver = submissions.submit("fault", plan, conf);
    Victim victim;
    try {
      String appId = driver.awaitStdout(Pattern.compile("QUIVER app=(\\S+)"), JOB_TIMEOUT)
          .group(1);
      victim = awaitVictim(driver, appId, markers, Duration.ofSeconds(180));
      System.out.printf("killing executor %s (pid %d) of %s while it runs %s; %d tasks done%n",
          victim.executor.executorId(), victim.executor.process().pid(), appId, victim.task,
          victim.tasksDone);
      victim.executor.process().destroyForcibly();
      victim.executor.process().onExit().get(30, TimeUnit.SECONDS);
    } catch (Throwable t) {
      driver.close();
      throw t;
    }

    Properties report = submissions.finish("fault", driver, plan);
    String killed = victim.executor.executorId();
    System.out.println("after the kill: executors added " + report.getProperty("executors.added")
        + ", removed " + report.getProperty("executors.removed") + "; executor " + killed
        + " removed because: " + report.getProperty("executor." + killed + ".removed"));
    report.stringPropertyNames().stream().sorted()
        .filter(k -> k.startsWith("check.after_executor_loss."))
        .forEach(k -> System.out.println("  " + k + " = " + report.getProperty(k)));

    assertEquals("done", report.getProperty("status"), "job status");
    assertTrue(report.getProperty("executors.removed", "").contains(killed),
        "Spark did not notice that executor " + killed + " was lost: " + report);
    String failures = report.stringPropertyNames().stream()
        .filter(k -> k.startsWith("check.after_executor_loss.failure."))
        .map(report::getProperty).collect(Collectors.joining("\n"));
    assertTrue(failures.contains("on executor " + killed + ": ExecutorLostFailure"),
        "no task of the killed executor " + killed + " failed:\n" + failures);
  }

  /** The executor to kill, and the task it runs. */
  private record Victim(Executor executor, String task, long tasksDone) {}

  private static final Pattern MARKER =
      Pattern.compile("(running|done)-(p\\d+-a\\d+)-pid(\\d+)-.*");

  /**
   * Waits until both executors run paced tasks and some tasks have finished (so executors hold
   * shuffle output and committed task output), then picks an executor whose task started less
   * than a second ago: it has about a second of work left, so it is surely killed mid-task.
   */
  private static Victim awaitVictim(ChildProcess driver, String appId, Path markers,
      Duration timeout) throws IOException {
    Map<String, Long> firstSeen = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!driver.isAlive()) {
        throw new AssertionError("the job ended before an executor could be killed\n"
            + driver.tail(40));
      }
      long now = System.nanoTime();
      Map<Long, String> freshTasks = new TreeMap<>();
      Set<Long> busy = new TreeSet<>();
      long done = 0;
      if (Files.isDirectory(markers)) {
        try (Stream<Path> files = Files.list(markers)) {
          for (Path file : files.collect(Collectors.toList())) {
            Matcher m = MARKER.matcher(file.getFileName().toString());
            if (!m.matches()) {
              continue;
            }
            if (m.group(1).equals("done")) {
              done++;
              continue;
            }
            long pid = Long.parseLong(m.group(3));
            busy.add(pid);
            long seen = firstSeen.computeIfAbsent(file.getFileName().toString(), f -> now);
            if (now - seen < 1_000_000_000L) {
              freshTasks.put(pid, m.group(2));
            }
          }
        }
      }
      if (done >= 2 && busy.size() >= 2 && !freshTasks.isEmpty()) {
        List<Executor> executors = cluster.executors(appId);
        for (Executor executor : executors) {
          String task = freshTasks.get(executor.process().pid());
          if (task != null) {
            return new Victim(executor, task, done);
          }
        }
        throw new AssertionError("tasks run in JVMs " + freshTasks.keySet()
            + " but the executors of " + appId + " found by command line are " + executors);
      }
      ChildProcess.sleep(20);
    }
    throw new AssertionError("the executors did not both run paced tasks within "
        + timeout.toSeconds() + " s");
  }

  /**
   * A function whose eval overflows the stack fails only its query: Spark stops an executor JVM
   * whose task failed with a fatal JVM error in its cause chain, but Quiver hands Spark the error
   * as a {@code QuiverException$UserError}, so both executors go on serving the next query. Then
   * a slow query is cancelled twice, once interrupting its tasks' threads and once only marking
   * them killed (then they must notice between batches): either way its tasks stop within
   * seconds and close their functions, and the same two executors run the next query. One
   * application for all of it: no executor may be lost or replaced anywhere in it.
   */
  @Test
  @Order(4)
  void fatalErrorInFunctionAndCancelledQueriesKeepBothExecutors() throws IOException {
    int rows = 80_000;
    List<String> mix = mixRows(rows);
    String mixSql = "SELECT id, it_mix(id) FROM range(0, " + rows + ", 1, 8)";
    // Two tasks of 10,000,000 rows, one on each executor: 10,000 batches of 1,000 rows each,
    // 200 ms a batch; 2,000 s if nothing stopped them.
    long slowRows = 20_000_000;
    int batchSize = 1000;
    long millisPerBatch = 200;
    double slowSeconds = slowRows / 2.0 / batchSize * millisPerBatch / 1000;
    String slowSql = "SELECT id FROM range(0, " + slowRows + ", 1, 2) WHERE it_pace(id) < 0";
    Path markers = WORK.resolve("safety").resolve("markers");
    JobPlan plan = new JobPlan(2)
        .check("before", mixSql, mix)
        .check(Check.failing("overflow", "SELECT id, it_overflow(id) FROM range(0, 1000, 1, 2)"))
        .check("after_overflow", mixSql, mix)
        .check(Check.cancelled("cancel_interrupting", slowSql, 3, true))
        .check(Check.cancelled("cancel_marking", slowSql, 3, false))
        .check("after_cancel", mixSql, mix);
    Map<String, String> conf = Map.of(
        "spark.quiver.batchSize", String.valueOf(batchSize),
        Pace.MILLIS_PER_BATCH, String.valueOf(millisPerBatch),
        Pace.MARKER_DIR, markers.toString(),
        // The overflowing task fails twice, not four times, before its query fails.
        "spark.task.maxFailures", "2");

    Properties report = submissions.run("safety", plan, conf);
    report.stringPropertyNames().stream().sorted()
        .filter(k -> k.startsWith("check.") || k.startsWith("executors."))
        .forEach(k -> System.out.println("  " + k + " = " + report.getProperty(k)));
    assertEquals("done", report.getProperty("status"), "job status");

    // The fatal error failed its query, with Quiver's message, and no executor.
    String overflow = report.getProperty("check.overflow.failed");
    assertTrue(overflow.contains("Quiver function 'it_overflow' failed in eval"),
        "the overflow query failed otherwise: " + overflow);
    assertTrue(overflow.contains("StackOverflowError"), "no StackOverflowError in: " + overflow);
    String causes = report.getProperty("check.overflow.failedCauses");
    assertTrue(causes.contains("dev.quiver.spark.QuiverException$UserError")
        && !causes.contains("java.lang.StackOverflowError"),
        "the error the driver received has the causes " + causes);
    List<String> overflowTasks = failures(report, "overflow");
    assertTrue(!overflowTasks.isEmpty(), "no task of the overflow query failed: " + report);
    for (String task : overflowTasks) {
      assertTrue(task.contains("Quiver function 'it_overflow' failed in eval")
          && !task.contains("ExecutorLostFailure"), "a task failed otherwise: " + task);
    }
    assertEquals("", report.getProperty("executors.removed"),
        "executors were lost: " + report);

    // The same two executor JVMs (a replacement gets a new id) ran every successful query.
    String before = report.getProperty("check.before.executors");
    assertEquals(2, before.split(",").length, "the first query ran on executors " + before);
    assertEquals(before, report.getProperty("executors.added"), "executors that joined");
    assertEquals(before, report.getProperty("check.after_overflow.executors"),
        "executors of the query after the overflow");
    assertEquals(before, report.getProperty("check.after_cancel.executors"),
        "executors of the query after the cancels");

    assertCancelledWithinSeconds(report, "cancel_interrupting", slowSeconds);
    assertCancelledWithinSeconds(report, "cancel_marking", slowSeconds);
    // Each killed task closed its function: it_pace's close renamed running-* to done-*.
    List<String> markerFiles;
    try (Stream<Path> files = Files.list(markers)) {
      markerFiles = files.map(p -> p.getFileName().toString()).sorted()
          .collect(Collectors.toList());
    }
    int killed = failures(report, "cancel_interrupting").size()
        + failures(report, "cancel_marking").size();
    assertEquals(killed, markerFiles.size(), "it_pace opened by other tasks than the " + killed
        + " killed ones: " + markerFiles);
    for (String marker : markerFiles) {
      assertTrue(marker.startsWith("done-"), "a cancelled task did not close it_pace: "
          + markerFiles);
    }
  }

  /**
   * The check was cancelled while its tasks ran, failed as cancelled, and all its tasks were
   * killed and ended within seconds of the cancel.
   */
  private static void assertCancelledWithinSeconds(Properties report, String check,
      double fullSeconds) {
    String key = "check." + check + ".";
    assertEquals("true", report.getProperty(key + "cancelled"), check + " was not cancelled");
    String failed = report.getProperty(key + "failed");
    assertTrue(failed.contains("cancelled"), check + " failed otherwise: " + failed);
    assertTrue(Integer.parseInt(report.getProperty(key + "runningAtCancel")) >= 1,
        "no task of " + check + " ran when it was cancelled");
    double toFailure = Double.parseDouble(report.getProperty(key + "cancelToFailureSeconds"));
    String ended = report.getProperty(key + "cancelToTasksEndedSeconds");
    assertTrue(ended != null, "tasks of " + check + " still ran a minute after the cancel: "
        + report.getProperty(key + "runningAfterCancel"));
    double toEnd = Double.parseDouble(ended);
    System.out.printf("cancelled %s (%.0f s in full) after %s s: it failed %.2f s and its last "
        + "task ended %.2f s after the cancel%n", check, fullSeconds,
        report.getProperty(key + "seconds"), toFailure, toEnd);
    assertTrue(toFailure < 10 && toEnd < 10, check + " took " + toFailure + " s to fail and "
        + toEnd + " s for its tasks to end after the cancel");
    List<String> tasks = failures(report, check);
    assertTrue(!tasks.isEmpty(), "no task of " + check + " was killed");
    for (String task : tasks) {
      assertTrue(task.contains("TaskKilled"), "a task of " + check + " failed otherwise: "
          + task);
    }
    assertEquals(null, report.getProperty(key + "executors"),
        "a task of " + check + " succeeded");
  }

  /** The task failures of a check, as {@code TaskTracker} reports them. */
  private static List<String> failures(Properties report, String check) {
    String prefix = "check." + check + ".failure.";
    return report.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).sorted()
        .map(report::getProperty).collect(Collectors.toList());
  }

  private static String name(long id) {
    return id % 10 == 0 ? null : "n" + id;
  }

  private static String orNull(String value) {
    return value == null ? "NULL" : value;
  }
}

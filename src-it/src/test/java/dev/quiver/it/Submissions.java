package dev.quiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Applications submitted to the {@link StandaloneCluster} the way users deploy Quiver: the
 * bundle, a user's functions jar and the examples jar in {@code --jars}, the extension in
 * {@code spark.sql.extensions}, and {@code dev.quiver.it.job.SqlJob} running a {@link JobPlan}.
 * The jars come from system properties that Maven sets ({@code quiver.it.*}). Each application
 * works in a directory of its own under the work directory, named after it.
 */
final class Submissions {
  static final Duration JOB_TIMEOUT = Duration.ofSeconds(240);

  private static final Path BUNDLE_JAR = jar("quiver.it.bundleJar");
  private static final Path FUNCTIONS_JAR = jar("quiver.it.functionsJar");
  private static final Path EXAMPLES_JAR = jar("quiver.it.examplesJar");
  private static final Path JOB_JAR = jar("quiver.it.jobJar");

  private final StandaloneCluster cluster;
  private final Path work;

  Submissions(StandaloneCluster cluster, Path work) {
    this.cluster = cluster;
    this.work = work;
  }

  /** Submits an application running {@code plan}, waits for it, and verifies its results. */
  Properties run(String name, JobPlan plan, Map<String, String> conf) {
    return finish(name, submit(name, plan, conf), plan);
  }

  ChildProcess submit(String name, JobPlan plan, Map<String, String> conf) {
    Path appDir = work.resolve(name);
    Path planFile = appDir.resolve("plan.properties");
    plan.write(planFile);
    List<String> args = new ArrayList<>(List.of(
        "--class", "dev.quiver.it.job.SqlJob",
        "--driver-memory", "768m",
        "--executor-memory", "512m",
        "--jars", BUNDLE_JAR + "," + FUNCTIONS_JAR + "," + EXAMPLES_JAR,
        "--conf", "spark.sql.extensions=dev.quiver.spark.QuiverExtensions",
        "--conf", "spark.executor.cores=1",
        // Short-lived JVMs on a small machine: start fast rather than peak.
        "--driver-java-options", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "--conf", "spark.executor.extraJavaOptions=-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=8",
        "--conf", "spark.sql.warehouse.dir=" + appDir.resolve("warehouse")));
    conf.forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
    args.addAll(List.of(JOB_JAR.toString(), planFile.toString(), appDir.resolve("out").toString()));
    return cluster.submit("quiver-it-" + name, args, appDir);
  }

  /** Waits for the driver to exit (stopping it if it does not) and verifies the results. */
  Properties finish(String name, ChildProcess driver, JobPlan plan) {
    int exit;
    try {
      exit = driver.awaitExit(JOB_TIMEOUT);
    } finally {
      driver.close();
    }
    Path out = work.resolve(name).resolve("out");
    Properties report = new Properties();
    Path reportFile = out.resolve("report.properties");
    if (Files.isRegularFile(reportFile)) {
      try (Reader in = Files.newBufferedReader(reportFile, StandardCharsets.UTF_8)) {
        report.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertEquals(0, exit, "spark-submit of " + name + " failed (exit " + exit + ")\n"
        + driver.tail(80));
    assertEquals(property("quiver.it.sparkVersion"), report.getProperty("spark.version"),
        "the Spark version the application ran on");
    plan.verify(out, report);
    System.out.printf("application %s (%s) verified, %d checks%n", name,
        report.getProperty("app.id"), plan.checks().size());
    return report;
  }

  static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank() || value.contains("${")) {
      throw new IllegalStateException("system property " + name
          + " is not set; run the integration tests through Maven (mvn install)");
    }
    return value;
  }

  private static Path jar(String property) {
    Path jar = Path.of(property(property));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(property + ": no jar at " + jar
          + "; build it first (mvn install)");
    }
    return jar;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    }
  }
}

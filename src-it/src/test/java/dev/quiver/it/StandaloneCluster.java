package dev.quiver.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on loopback: a Master and Workers, each its own JVM started as
 * {@code sbin/start-master.sh} and {@code sbin/start-worker.sh} would start it; the Workers start
 * the executors of submitted applications in JVMs of their own. {@link #close} stops every
 * process the cluster started.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String DAEMON_JAVA_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private final SparkDistribution spark;
  private final Path dir;
  private final List<ChildProcess> processes = new ArrayList<>();
  private final List<ChildProcess> workers = new ArrayList<>();
  private ChildProcess master;
  private String masterUrl;

  private StandaloneCluster(SparkDistribution spark, Path dir) {
    this.spark = spark;
    this.dir = dir;
  }

  /**
   * Starts a Master and {@code workers} Workers of {@code coresPerWorker} cores and
   * {@code memoryPerWorker} memory each, and waits until all Workers have registered.
   */
  static StandaloneCluster start(SparkDistribution spark, Path dir, int workers,
      int coresPerWorker, String memoryPerWorker) {
    StandaloneCluster cluster = new StandaloneCluster(spark, dir);
    try {
      cluster.startMaster();
      for (int i = 1; i <= workers; i++) {
        cluster.startWorker(i, coresPerWorker, memoryPerWorker);
      }
      for (ChildProcess worker : cluster.workers) {
        worker.awaitLog(Pattern.compile("Successfully registered with master "),
            START_TIMEOUT);
      }
      return cluster;
    } catch (RuntimeException | Error e) {
      System.err.println(cluster.diagnostics());
      cluster.close();
      throw e;
    }
  }

  private void startMaster() {
    Map<String, String> env = spark.environment();
    env.put("SPARK_DAEMON_MEMORY", "256m");
    env.put("SPARK_DAEMON_JAVA_OPTS", DAEMON_JAVA_OPTS);
    // No REST submission server: it would take a fixed port (6066).
    env.put("SPARK_MASTER_OPTS", "-Dspark.master.rest.enabled=false");
    List<String> command = spark.command(env, "org.apache.spark.deploy.master.Master", List.of(
        "--host", "127.0.0.1", "--port", String.valueOf(freePort()),
        "--webui-port", String.valueOf(freePort())));
    master = started(ChildProcess.start("master", command, env, dir.resolve("master")));
    // The port may differ from the one asked for, if it was taken meanwhile: read the URL.
    masterUrl = master.awaitLog(Pattern.compile("Starting Spark master at (spark://\\S+)"),
        START_TIMEOUT).group(1);
    master.awaitLog(Pattern.compile("I have been elected leader"), START_TIMEOUT);
  }

  private void startWorker(int number, int cores, String memory) {
    Path workerDir = dir.resolve("worker-" + number);
    Map<String, String> env = spark.environment();
    env.put("SPARK_DAEMON_MEMORY", "256m");
    env.put("SPARK_DAEMON_JAVA_OPTS", DAEMON_JAVA_OPTS);
    // Executors' scratch space (shuffle files, spills): on this worker's own disk.
    env.put("SPARK_LOCAL_DIRS", workerDir.resolve("local").toString());
    List<String> command = spark.command(env, "org.apache.spark.deploy.worker.Worker", List.of(
        "--host", "127.0.0.1", "--port", String.valueOf(freePort()),
        "--webui-port", String.valueOf(freePort()),
        "--cores", String.valueOf(cores), "--memory", memory,
        "--work-dir", workerDir.resolve("work").toString(),
        masterUrl));
    workers.add(started(ChildProcess.start("worker-" + number, command, env, workerDir)));
  }

  String masterUrl() {
    return masterUrl;
  }

  List<ChildProcess> workers() {
    return List.copyOf(workers);
  }

  /**
   * Submits an application as {@code bin/spark-submit} does: Spark's launcher builds the command
   * of {@code org.apache.spark.deploy.SparkSubmit}, which runs in its own JVM (the driver, in
   * client mode) with its working directory and output in {@code appDir}.
   */
  ChildProcess submit(String name, List<String> sparkSubmitArgs, Path appDir) {
    Map<String, String> env = spark.environment();
    // The driver's scratch space.
    env.put("SPARK_LOCAL_DIRS", appDir.resolve("local").toString());
    List<String> args = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client",
        "--name", name));
    args.addAll(sparkSubmitArgs);
    List<String> command = spark.command(env, "org.apache.spark.deploy.SparkSubmit", args);
    return started(ChildProcess.start("driver", command, env, appDir));
  }

  /** An executor JVM: its process, application and executor id, from its command line. */
  record Executor(ProcessHandle process, String appId, String executorId) {}

  /** The executor JVMs the Workers run now for {@code appId}, found by their command lines. */
  List<Executor> executors(String appId) {
    List<Executor> found = new ArrayList<>();
    for (ChildProcess worker : workers) {
      worker.handle().descendants().forEach(p -> ChildProcess.commandLine(p)
          .filter(line -> line.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
          .ifPresent(line -> {
            Optional<String> app = argument(line, "--app-id");
            if (app.isPresent() && app.get().equals(appId)) {
              found.add(new Executor(p, appId, argument(line, "--executor-id").orElse("?")));
            }
          }));
    }
    return found;
  }

  private static Optional<String> argument(List<String> commandLine, String option) {
    int at = commandLine.indexOf(option);
    return at >= 0 && at + 1 < commandLine.size()
        ? Optional.of(commandLine.get(at + 1)) : Optional.empty();
  }

  /**
   * The end of every log of the cluster: the Master's, the Workers', and the executors' (in the
   * Workers' work directories), to diagnose a failure.
   */
  String diagnostics() {
    StringBuilder out = new StringBuilder("==== Spark standalone cluster in " + dir + " ====\n");
    for (ChildProcess process : processes) {
      out.append(process).append(process.isAlive() ? " running" : " exited").append('\n');
      out.append(process.tail(40));
    }
    try (Stream<Path> files = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
      for (Path log : files.filter(p -> p.getFileName().toString().equals("stderr"))
          .sorted().collect(Collectors.toList())) {
        out.append("---- executor log ").append(dir.relativize(log)).append(" (last 40 lines)")
            .append(" ----\n").append(ChildProcess.tail(log, 40));
      }
    } catch (IOException e) {
      out.append("(cannot list executor logs: ").append(e).append(")\n");
    }
    return out.toString();
  }

  private ChildProcess started(ChildProcess process) {
    processes.add(process);
    return process;
  }

  /**
   * Stops drivers, Workers (with their executors) and the Master, with everything they started.
   */
  @Override
  public void close() {
    List<ProcessHandle> roots = new ArrayList<>();
    for (int i = processes.size() - 1; i >= 0; i--) {
      roots.add(processes.get(i).handle());
    }
    ChildProcess.destroyTrees(roots, Duration.ofSeconds(15));
    processes.forEach(ChildProcess::close);
  }

  /** A port free on loopback right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

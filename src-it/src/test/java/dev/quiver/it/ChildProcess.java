package dev.quiver.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the tests started, with its output in two files. Every child is registered until it is
 * stopped, and a shutdown hook of the test JVM destroys whatever is left with its whole process
 * tree, so no Spark process outlives the tests, also when they fail or are interrupted.
 */
final class ChildProcess implements AutoCloseable {
  private static final Set<ChildProcess> RUNNING = new LinkedHashSet<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::destroyAll, "destroy-children"));
  }

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code command} in {@code dir} with {@code env} added to a clean environment, output
   * to {@code dir/<name>.out} and {@code dir/<name>.err}.
   */
  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path dir) {
    try {
      Files.createDirectories(dir);
      Path out = dir.resolve(name + ".out");
      Path err = dir.resolve(name + ".err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("SPARK_")
          || k.startsWith("PYSPARK_") || k.equals("HADOOP_CONF_DIR") || k.equals("YARN_CONF_DIR"));
      builder.environment().putAll(env);
      synchronized (RUNNING) {
        ChildProcess child = new ChildProcess(name, builder.start(), out, err);
        RUNNING.add(child);
        return child;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  String name() {
    return name;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the process's stderr (its log) has a line matching {@code pattern}. */
  Matcher awaitLog(Pattern pattern, Duration timeout) {
    return await(stderr, pattern, timeout);
  }

  /** Waits until the process's stdout has a line matching {@code pattern}. */
  Matcher awaitStdout(Pattern pattern, Duration timeout) {
    return await(stdout, pattern, timeout);
  }

  /**
   * Waits until {@code file} has a line matching {@code pattern}, and returns the match. Fails,
   * with the end of the process's output, if the process ends or time runs out first.
   */
  private Matcher await(Path file, Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher matcher = pattern.matcher(read(file));
      if (matcher.find()) {
        return matcher;
      }
      if (!process.isAlive()) {
        // One more look: the line may have been written just before the process ended.
        matcher = pattern.matcher(read(file));
        if (matcher.find()) {
          return matcher;
        }
        throw new AssertionError(name + " exited with code " + process.exitValue()
            + " before printing /" + pattern + "/\n" + tail(60));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not print /" + pattern + "/ within "
            + timeout.toSeconds() + " s\n" + tail(60));
      }
      sleep(100);
    }
  }

  /** Waits for the process to exit and returns its exit code; fails if it takes too long. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + timeout.toSeconds() + " s\n"
            + tail(60));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + name, e);
    }
  }

  String stdout() {
    return read(stdout);
  }

  /** The last lines of the process's stdout and stderr, for failure messages. */
  String tail(int lines) {
    return "---- " + name + " stdout (last " + lines + " lines) ----\n" + tail(stdout, lines)
        + "---- " + name + " stderr (last " + lines + " lines) ----\n" + tail(stderr, lines);
  }

  /** The last {@code lines} lines of a file, read from its end (logs may be large). */
  static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(no file " + file + ")\n";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, 256 * 1024);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
      int from = Math.max(0, all.length - lines - 1);
      StringBuilder out = new StringBuilder();
      for (int i = from; i < all.length; i++) {
        if (i < all.length - 1 || !all[i].isEmpty()) {
          out.append(all[i]).append('\n');
        }
      }
      return out.toString();
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }

  /** Stops the process and everything it started: politely first, then forcibly. */
  @Override
  public void close() {
    destroyTrees(List.of(process.toHandle()), Duration.ofSeconds(15));
    synchronized (RUNNING) {
      RUNNING.remove(this);
    }
  }

  /**
   * Destroys processes with their descendants (collected first: children of a dead process can
   * no longer be found through it). SIGTERM to all, then SIGKILL to what is left after
   * {@code grace}.
   */
  static void destroyTrees(List<ProcessHandle> roots, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle root : roots) {
      root.descendants().forEach(all::add);
      all.add(root);
    }
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : all) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (Exception timeoutOrInterrupt) {
        // forced below
      }
    }
    for (ProcessHandle p : all) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("process " + p.pid() + " did not exit after SIGKILL");
      }
    }
  }

  private static void destroyAll() {
    List<ProcessHandle> roots = new ArrayList<>();
    synchronized (RUNNING) {
      RUNNING.forEach(child -> roots.add(child.process.toHandle()));
      RUNNING.clear();
    }
    if (!roots.isEmpty()) {
      destroyTrees(roots, Duration.ofSeconds(5));
    }
  }

  /** The command line of a process, when the OS tells it. */
  static Optional<List<String>> commandLine(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    Optional<String> command = info.command();
    Optional<String[]> arguments = info.arguments();
    if (command.isEmpty() || arguments.isEmpty()) {
      return Optional.empty();
    }
    List<String> line = new ArrayList<>();
    line.add(command.get());
    line.addAll(List.of(arguments.get()));
    return Optional.of(line);
  }

  private static String read(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "";
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}

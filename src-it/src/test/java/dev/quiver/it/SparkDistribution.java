package dev.quiver.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Spark distribution the cluster runs: a directory laid out like Spark's binary release
 * ({@code RELEASE}, {@code conf/}, {@code jars/}), which the build assembles from Maven Central
 * jars. Commands are built the way {@code bin/spark-class} builds them: by Spark's launcher,
 * {@code org.apache.spark.launcher.Main}, which picks the class path, memory and JVM options.
 */
final class SparkDistribution {
  private final Path home;
  private final String scalaVersion;

  SparkDistribution(Path home, String scalaVersion) {
    this.home = home.toAbsolutePath().normalize();
    this.scalaVersion = scalaVersion;
    Path jars = this.home.resolve("jars");
    if (!Files.isRegularFile(this.home.resolve("RELEASE")) || !Files.isDirectory(jars)) {
      throw new IllegalStateException("no Spark distribution at " + this.home
          + " (RELEASE and jars/ missing); the build assembles it: mvn install");
    }
    try (Stream<Path> files = Files.list(jars)) {
      if (files.noneMatch(p -> p.getFileName().toString().startsWith("spark-launcher_"))) {
        throw new IllegalStateException("no spark-launcher jar in " + jars);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path home() {
    return home;
  }

  /**
   * The environment {@code bin/spark-class} would give every Spark process of the cluster: this
   * distribution as SPARK_HOME, the test JVM's Java, and loopback as the only address.
   */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
    env.put("SPARK_SCALA_VERSION", scalaVersion);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    return env;
  }

  /**
   * The command that runs {@code mainClass} with {@code args}, as Spark's launcher builds it for
   * {@code bin/spark-class} (or {@code bin/spark-submit}, for SparkSubmit) in {@code env}.
   */
  List<String> command(Map<String, String> env, String mainClass, List<String> args) {
    List<String> launcher = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", home.resolve("jars") + "/*", "org.apache.spark.launcher.Main",
        mainClass));
    launcher.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(launcher).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("SPARK_"));
    builder.environment().putAll(env);
    try {
      Process process = builder.start();
      CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
        try (InputStream in = process.getInputStream()) {
          return in.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("Spark's launcher did not answer within 60 s: " + launcher);
      }
      String text = new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
      // bin/spark-class's protocol: messages, then "\0\n", then the command, NUL-separated.
      int start = text.indexOf("\0\n");
      if (process.exitValue() != 0 || start < 0) {
        throw new AssertionError("Spark's launcher failed (exit " + process.exitValue() + ") for "
            + mainClass + " " + args + ":\n" + text.replace('\0', ' '));
      }
      List<String> command = new ArrayList<>(
          Arrays.asList(text.substring(start + 2).split("\0")));
      command.removeIf(String::isEmpty);
      return command;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run Spark's launcher", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (Exception e) {
      throw new AssertionError("Spark's launcher failed for " + mainClass, e);
    }
  }
}

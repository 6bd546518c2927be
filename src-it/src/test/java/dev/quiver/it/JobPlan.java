package dev.quiver.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one submitted application runs: setup statements, then checks, each a query with the exact
 * rows it must return. The plan is written for {@code dev.quiver.it.job.SqlJob}, which runs it on
 * the cluster and writes what Spark returned; {@link #verify} then compares.
 *
 * <p>Rows are written as {@code dev.quiver.it.job.RowFormat} prints them: values separated by
 * tabs, {@code NULL} for null.
 */
final class JobPlan {

  /** How a check's result comes back: collected by the driver, or written by the executors. */
  enum Output { ROWS, CSV }

  /**
   * A query and the rows it must return, in any order; with {@code minExecutors} &gt; 0, the
   * successful tasks of its jobs must have run on at least that many executors. A check with
   * {@code expectFailure} must fail instead (the job reports its error and goes on); with
   * {@code cancelAfterSeconds} &gt; 0 the job cancels it that long after its first task started,
   * interrupting the threads of its tasks or not.
   */
  record Check(String name, String sql, Output output, List<String> expectedRows,
      int minExecutors, boolean expectFailure, int cancelAfterSeconds,
      boolean interruptOnCancel) {

    Check(String name, String sql, Output output, List<String> expectedRows, int minExecutors) {
      this(name, sql, output, expectedRows, minExecutors, false, 0, false);
    }

    /** A query that must fail; the test reads its error from the report. */
    static Check failing(String name, String sql) {
      return new Check(name, sql, Output.ROWS, List.of(), 0, true, 0, false);
    }

    /**
     * A query the job cancels {@code seconds} after its first task started, with
     * {@code interruptOnCancel}: whether the cancel interrupts the threads of its tasks.
     */
    static Check cancelled(String name, String sql, int seconds, boolean interruptOnCancel) {
      return new Check(name, sql, Output.ROWS, List.of(), 0, true, seconds, interruptOnCancel);
    }
  }

  private final int executors;
  private final List<String> setup = new ArrayList<>();
  private final Map<String, Check> checks = new LinkedHashMap<>();

  /** A plan that waits for {@code executors} executors before the first query. */
  JobPlan(int executors) {
    this.executors = executors;
  }

  JobPlan setup(String sql) {
    setup.add(sql);
    return this;
  }

  JobPlan check(String name, String sql, List<String> expectedRows) {
    return check(new Check(name, sql, Output.ROWS, expectedRows, executors));
  }

  JobPlan check(Check check) {
    if (!check.name().matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("check names are lowercase identifiers: " + check.name());
    }
    if (checks.putIfAbsent(check.name(), check) != null) {
      throw new IllegalArgumentException("two checks named " + check.name());
    }
    return this;
  }

  List<Check> checks() {
    return List.copyOf(checks.values());
  }

  void write(Path file) {
    Properties plan = new Properties();
    plan.setProperty("executors", String.valueOf(executors));
    for (int i = 0; i < setup.size(); i++) {
      plan.setProperty("setup." + i, setup.get(i));
    }
    plan.setProperty("checks", String.join(",", checks.keySet()));
    for (Check check : checks.values()) {
      plan.setProperty("check." + check.name() + ".sql", check.sql());
      plan.setProperty("check." + check.name() + ".output", check.output().name().toLowerCase());
      if (check.expectFailure()) {
        plan.setProperty("check." + check.name() + ".expect", "failure");
      }
      if (check.cancelAfterSeconds() > 0) {
        plan.setProperty("check." + check.name() + ".cancelAfterSeconds",
            String.valueOf(check.cancelAfterSeconds()));
        plan.setProperty("check." + check.name() + ".interruptOnCancel",
            String.valueOf(check.interruptOnCancel()));
      }
    }
    try {
      Files.createDirectories(file.getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        plan.store(out, "checks for dev.quiver.it.job.SqlJob");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Compares every check's rows in {@code out} with the expected ones, and where its tasks ran
   * with {@code report}; a check expected to fail must have failed (the tests look at how).
   * Fails with every difference found.
   */
  void verify(Path out, Properties report) {
    List<String> problems = new ArrayList<>();
    for (Check check : checks.values()) {
      if (check.expectFailure()) {
        if (report.getProperty("check." + check.name() + ".failed") == null) {
          problems.add(check.name() + ": expected to fail, but returned "
              + report.getProperty("check." + check.name() + ".rows") + " rows\n  query: "
              + check.sql());
        }
        continue;
      }
      List<String> actual;
      try {
        actual = check.output() == Output.ROWS ? readRows(out.resolve(check.name() + ".rows"))
            : readCsv(out.resolve(check.name()));
      } catch (IOException | RuntimeException e) {
        problems.add(check.name() + ": no result: " + e);
        continue;
      }
      String difference = difference(check.expectedRows(), actual);
      if (difference != null) {
        problems.add(check.name() + ": " + difference + "\n  query: " + check.sql());
      }
      String ranOn = report.getProperty("check." + check.name() + ".executors", "");
      long executorsUsed = Stream.of(ranOn.split(",")).filter(s -> !s.isEmpty()).count();
      if (executorsUsed < check.minExecutors()) {
        problems.add(check.name() + ": tasks ran on executors [" + ranOn + "], expected at least "
            + check.minExecutors() + " executors");
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.size() + " of " + checks.size() + " checks failed:\n"
          + String.join("\n", problems));
    }
  }

  /**
   * What differs between two multisets of rows, or null: counts, and a few rows missing, extra
   * and duplicated.
   */
  static String difference(List<String> expected, List<String> actual) {
    Map<String, Integer> want = counts(expected);
    Map<String, Integer> got = counts(actual);
    if (want.equals(got)) {
      return null;
    }
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    for (var e : want.entrySet()) {
      int n = got.getOrDefault(e.getKey(), 0);
      if (n < e.getValue()) {
        missing.add(e.getKey());
      } else if (n > e.getValue()) {
        duplicated.add(e.getKey() + " (x" + n + ")");
      }
    }
    for (String row : got.keySet()) {
      if (!want.containsKey(row)) {
        extra.add(row);
      }
    }
    return "expected " + expected.size() + " rows, got " + actual.size() + "; "
        + missing.size() + " missing " + firstFew(missing) + ", "
        + extra.size() + " unexpected " + firstFew(extra) + ", "
        + duplicated.size() + " too often " + firstFew(duplicated);
  }

  private static Map<String, Integer> counts(List<String> rows) {
    Map<String, Integer> counts = new TreeMap<>();
    rows.forEach(r -> counts.merge(r, 1, Integer::sum));
    return counts;
  }

  private static String firstFew(List<String> rows) {
    return rows.stream().limit(5).map(r -> "'" + r + "'")
        .collect(Collectors.joining(", ", "[", rows.size() > 5 ? ", ...]" : "]"));
  }

  private static List<String> readRows(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  /**
   * The rows of a CSV result written by Spark, tab-separated like the others: every part file of
   * a successfully committed output directory. Values must need no quoting.
   */
  private static List<String> readCsv(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("_SUCCESS"))) {
      throw new IllegalStateException("no _SUCCESS in " + dir + ": the output was not committed");
    }
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-"))
          .sorted().collect(Collectors.toList())) {
        for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
          rows.add(line.replace(',', '\t'));
        }
      }
    }
    return rows;
  }
}

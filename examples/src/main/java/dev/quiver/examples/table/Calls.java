package dev.quiver.examples.table;

import dev.quiver.function.InvalidCallException;
import dev.quiver.function.table.AnalyzeArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks the example table functions make in {@code analyze}, so that a call they cannot serve
 * fails at analysis, naming what is missing, rather than with a ClassCastException in a task or
 * with a wrong result.
 */
final class Calls {
  private Calls() {}

  /** Accepted where a function reads any integer vector through {@code BaseIntVector}. */
  static final String INTEGER = "an integer";
  /** Accepted where a function reads values as {@code Number}s. */
  static final String NUMBER = "a number";
  /** Accepted where a function only reads values as text. */
  static final String ANY = "any";

  private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "int", "bigint");
  private static final Set<String> NUMBERS = Set.of("tinyint", "smallint", "int", "bigint",
      "float", "double");

  /**
   * Requires a TABLE argument with these columns, given as name and type pairs: a Spark SQL
   * type such as {@code "int"}, or {@link #INTEGER}, {@link #NUMBER}, {@link #ANY}.
   */
  static void requireColumns(AnalyzeArguments call, String usage, String... columns) {
    if (!call.hasTable()) {
      throw new InvalidCallException("it needs a TABLE argument: " + usage);
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < columns.length; i += 2) {
      String name = columns[i];
      String wanted = columns[i + 1];
      String type = call.tableColumnType(name);
      if (type == null) {
        problems.add("a column " + name);
      } else if (!accepts(wanted, type)) {
        problems.add("the column " + name + " to be " + describe(wanted) + ", not " + type);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidCallException("its TABLE argument needs " + String.join(" and ", problems)
          + "; it has (" + call.tableSchema() + ")");
    }
  }

  /** Requires the call to partition by exactly these columns. */
  static void requirePartitionBy(AnalyzeArguments call, String usage, String... columns) {
    if (!call.partitionedBy(columns)) {
      String wanted = columns.length == 1 ? columns[0] : "(" + String.join(", ", columns) + ")";
      String given = call.partitionBy().isEmpty()
          ? (call.partitioned() ? "WITH SINGLE PARTITION" : "no PARTITION BY")
          : "PARTITION BY " + call.partitionBy();
      throw new InvalidCallException("its result is per " + wanted + ", so the call needs "
          + "PARTITION BY " + wanted + ", not " + given + ": " + usage);
    }
  }

  private static boolean accepts(String wanted, String type) {
    if (wanted.equals(ANY)) {
      return true;
    }
    if (wanted.equals(INTEGER)) {
      return INTEGERS.contains(type);
    }
    if (wanted.equals(NUMBER)) {
      return NUMBERS.contains(type) || type.startsWith("decimal");
    }
    return wanted.equals(type);
  }

  private static String describe(String wanted) {
    return wanted.equals(INTEGER) || wanted.equals(NUMBER) ? wanted : "of type " + wanted;
  }
}

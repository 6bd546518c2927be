package dev.quiver.function.table;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link TableFunction#analyze} knows about one call at analysis time: the columns of the
 * TABLE argument, the scalar arguments (values of constant ones), and whether the call itself
 * partitions its input.
 *
 * <pre>{@code
 * // echo(TABLE(SELECT id, name FROM users))
 * call.hasTable()                 // true
 * call.tableSchema()              // "id BIGINT, name STRING"
 * call.tableColumnNames()         // [id, name]
 * call.tableColumnType("name")    // "string"
 * call.arguments().size()         // 0
 * }</pre>
 */
public final class AnalyzeArguments {
  private final String functionName;
  private final Map<String, String> tableColumns;
  private final String tableSchema;
  private final boolean partitioned;
  private final List<String> partitionBy;
  private final List<String> orderBy;
  private final Arguments arguments;

  /**
   * @param functionName the name the function was called by
   * @param tableColumns the TABLE argument's column names and Spark SQL types in order, or null
   *     when the call has no TABLE argument
   * @param tableSchema the same as a DDL string
   * @param partitioned whether the call has PARTITION BY or WITH SINGLE PARTITION
   * @param arguments the scalar arguments
   */
  public AnalyzeArguments(String functionName, Map<String, String> tableColumns,
      String tableSchema, boolean partitioned, Arguments arguments) {
    this(functionName, tableColumns, tableSchema, partitioned, List.of(), List.of(), arguments);
  }

  /**
   * @param partitionBy the call's PARTITION BY keys as SQL
   * @param orderBy the call's ORDER BY as SQL sort expressions
   */
  public AnalyzeArguments(String functionName, Map<String, String> tableColumns,
      String tableSchema, boolean partitioned, List<String> partitionBy, List<String> orderBy,
      Arguments arguments) {
    this.partitionBy = List.copyOf(partitionBy);
    this.orderBy = List.copyOf(orderBy);
    this.functionName = functionName;
    this.tableColumns = tableColumns == null ? null
        : Collections.unmodifiableMap(new LinkedHashMap<>(tableColumns));
    this.tableSchema = tableSchema == null ? "" : tableSchema;
    this.partitioned = partitioned;
    this.arguments = arguments;
  }

  /** The name the function was called by. */
  public String functionName() {
    return functionName;
  }

  /** Whether the call has a TABLE argument. */
  public boolean hasTable() {
    return tableColumns != null;
  }

  /**
   * The TABLE argument's columns as a DDL string, for example {@code "id BIGINT, name STRING"};
   * usable as a result schema. Empty without a TABLE argument.
   */
  public String tableSchema() {
    return tableSchema;
  }

  /** The TABLE argument's column names in order; empty without a TABLE argument. */
  public List<String> tableColumnNames() {
    return tableColumns == null ? List.of() : new ArrayList<>(tableColumns.keySet());
  }

  /**
   * The Spark SQL type of a column of the TABLE argument, for example {@code "int"} or
   * {@code "array<string>"}; null if there is no such column. Names are compared ignoring case.
   */
  public String tableColumnType(String column) {
    if (tableColumns == null) {
      return null;
    }
    for (Map.Entry<String, String> entry : tableColumns.entrySet()) {
      if (entry.getKey().toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))) {
        return entry.getValue();
      }
    }
    return null;
  }

  /**
   * Whether the call partitions the TABLE argument itself ({@code PARTITION BY} or
   * {@code WITH SINGLE PARTITION}); the result of {@code analyze} may then not request a
   * partitioning of its own.
   */
  public boolean partitioned() {
    return partitioned;
  }

  /**
   * The call's PARTITION BY keys as SQL, for example {@code [user_id]} or {@code [(k % 2)]};
   * empty without PARTITION BY. A function whose result is only right per group checks here
   * that the call groups by what it needs.
   */
  public List<String> partitionBy() {
    return partitionBy;
  }

  /**
   * The call's ORDER BY as SQL sort expressions, for example {@code [ts ASC NULLS FIRST]}; empty
   * without ORDER BY.
   */
  public List<String> orderBy() {
    return orderBy;
  }

  /**
   * Whether the call's PARTITION BY keys are exactly these columns, in any order; names are
   * compared ignoring case and qualifiers ({@code t.user_id} is {@code user_id}).
   */
  public boolean partitionedBy(String... columns) {
    if (partitionBy.size() != columns.length) {
      return false;
    }
    List<String> keys = new ArrayList<>();
    for (String key : partitionBy) {
      keys.add(columnName(key));
    }
    for (String column : columns) {
      if (!keys.remove(column.toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the call's first ORDER BY key is this column, ascending. */
  public boolean orderedBy(String column) {
    if (orderBy.isEmpty()) {
      return false;
    }
    String first = orderBy.get(0);
    int space = first.indexOf(' ');
    return space > 0 && first.substring(space + 1).startsWith("ASC")
        && columnName(first.substring(0, space)).equals(column.toLowerCase(Locale.ROOT));
  }

  /** The column a key names, lower case, or its SQL unchanged when it is an expression. */
  private static String columnName(String sql) {
    String name = sql.strip();
    int dot = name.lastIndexOf('.');
    if (dot >= 0 && !name.contains("(")) {
      name = name.substring(dot + 1);
    }
    return name.replace("`", "").toLowerCase(Locale.ROOT);
  }

  /** The scalar arguments; {@link Arguments#isConstant} tells which values are known. */
  public Arguments arguments() {
    return arguments;
  }

  @Override
  public String toString() {
    return functionName + "(" + (hasTable() ? "TABLE(" + tableSchema + ")" : "")
        + (hasTable() && arguments.size() > 0 ? ", " : "") + arguments + ")";
  }
}

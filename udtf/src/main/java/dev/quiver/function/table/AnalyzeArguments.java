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

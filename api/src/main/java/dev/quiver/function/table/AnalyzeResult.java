package dev.quiver.function.table;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TableFunction#analyze} returns: the result schema, and optionally how the TABLE
 * argument must be partitioned and ordered, for calls that do not say so themselves. Immutable;
 * each method returns a new result.
 *
 * <pre>{@code
 * return AnalyzeResult.of("device_id int, mean double")
 *     .partitionBy("device_id")              // SQL expressions over the TABLE's columns
 *     .orderBy("ts", "seq DESC");            // SQL sort expressions
 * return AnalyzeResult.of("total bigint").withSinglePartition();
 * }</pre>
 */
public final class AnalyzeResult {
  private final String schema;
  private final List<String> partitionBy;
  private final List<String> orderBy;
  private final boolean singlePartition;

  private AnalyzeResult(String schema, List<String> partitionBy, List<String> orderBy,
      boolean singlePartition) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.partitionBy = List.copyOf(partitionBy);
    this.orderBy = List.copyOf(orderBy);
    this.singlePartition = singlePartition;
  }

  /** A result with this schema, as a Spark DDL string like {@code "id int, name string"}. */
  public static AnalyzeResult of(String schema) {
    return new AnalyzeResult(schema, List.of(), List.of(), false);
  }

  /**
   * Requests one group per distinct value of these SQL expressions over the TABLE argument's
   * columns, like {@code PARTITION BY (…)} in the call.
   */
  public AnalyzeResult partitionBy(String... expressions) {
    return new AnalyzeResult(schema, List.of(expressions), orderBy, singlePartition);
  }

  /** Requests this order within each group: SQL sort expressions like {@code "ts DESC"}. */
  public AnalyzeResult orderBy(String... sortExpressions) {
    return new AnalyzeResult(schema, partitionBy, List.of(sortExpressions), singlePartition);
  }

  /** Requests all rows in one group, like {@code WITH SINGLE PARTITION} in the call. */
  public AnalyzeResult withSinglePartition() {
    return new AnalyzeResult(schema, partitionBy, orderBy, true);
  }

  public String schema() {
    return schema;
  }

  public List<String> partitionByExpressions() {
    return partitionBy;
  }

  public List<String> orderByExpressions() {
    return orderBy;
  }

  public boolean singlePartition() {
    return singlePartition;
  }

  /** Whether this result asks for any partitioning or ordering. */
  public boolean requestsPartitioning() {
    return singlePartition || !partitionBy.isEmpty() || !orderBy.isEmpty();
  }
}

package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.Scala;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.MutableProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * The buffers of the built-in aggregates next to Quiver ones: they live in the value row of each
 * group in {@link GroupKeys}, after the group id, and are updated or merged row by row with
 * Spark's own generated update and merge expressions, then evaluated with Spark's result
 * expressions, as Spark's hash aggregation does.
 */
final class BuiltinBuffers {
  private final MutableProjection process;
  private final MutableProjection results;
  private final JoinedRow input = new JoinedRow();

  /**
   * @param processExpressions per value column (the group id first, as a no-op): its update or
   *     merge expression, bound to the value columns followed by the input row
   * @param resultExpressions per aggregate: a built-in's evaluation over the value columns, a
   *     no-op for Quiver's; null when the table emits buffers rather than results
   */
  BuiltinBuffers(List<Expression> processExpressions, List<Attribute> processInput,
      List<Expression> resultExpressions, List<Attribute> valueAttributes, int partition) {
    this.process = MutableProjection.create(Scala.seq(processExpressions),
        Scala.seq(processInput));
    this.process.initialize(partition);
    this.results = resultExpressions == null ? null : MutableProjection.create(
        Scala.seq(resultExpressions), Scala.seq(valueAttributes));
  }

  /** Adds an input row (or merges a row of buffers) into the group's value row. */
  void update(UnsafeRow value, InternalRow row) {
    process.target(value).apply(input.apply(value, row));
  }

  /** Writes the built-ins' results of the group into {@code target}. */
  void results(UnsafeRow value, InternalRow target) {
    results.target(target).apply(value);
  }
}

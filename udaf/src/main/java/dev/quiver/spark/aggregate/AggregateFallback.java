package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.DeclarativeAggregate;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.catalyst.util.UnsafeRowUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;

/**
 * Says when an aggregation with Quiver aggregates will run on Spark's row-by-row operators
 * instead of Quiver's vectorized ones, and why: {@link #reason} is the one place that decides
 * (the planner strategy declines exactly these aggregations), and as an optimizer rule this
 * class writes the reason into each Quiver call of such an aggregation, where {@code EXPLAIN}
 * shows it in Spark's operator ({@code summary_stats(v) [row by row: ...]}), and logs one
 * warning per query.
 */
public final class AggregateFallback extends Rule<LogicalPlan> {
  private static final Logger LOG = LoggerFactory.getLogger(AggregateFallback.class);
  /** Streaming queries are planned once per micro-batch: warn once per distinct message. */
  private static final Set<String> STREAMING_WARNED =
      java.util.Collections.synchronizedSet(new LinkedHashSet<>());

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return plan.transformUp(Transforms.everywhere(node -> {
      if (!(node instanceof Aggregate agg)) {
        return node;
      }
      List<AggregateExpression> aggregates = aggregatesOf(agg);
      List<AggregateCall> calls = new ArrayList<>();
      for (AggregateExpression ae : aggregates) {
        if (ae.aggregateFunction() instanceof AggregateCall call && call.fallback() == null) {
          calls.add(call);
        }
      }
      if (calls.isEmpty()) {
        return node;
      }
      String reason = reason(Scala.list(agg.groupingExpressions()), aggregates,
          agg.isStreaming());
      if (reason == null) {
        return node;
      }
      warn(calls, reason, agg.isStreaming());
      return agg.transformExpressions(Transforms.everywhere(e ->
          e instanceof AggregateCall call && call.fallback() == null
              ? call.withFallback(reason) : e));
    }));
  }

  private static void warn(List<AggregateCall> calls, String reason, boolean streaming) {
    String names = calls.stream().map(AggregateCall::name).distinct()
        .collect(Collectors.joining("', '", "'", "'"));
    String message = "Quiver aggregate " + names + " runs on Spark's row-by-row aggregate "
        + "operators, not Quiver's vectorized ones: " + reason + ".";
    if (!streaming || (STREAMING_WARNED.size() < 1000 && STREAMING_WARNED.add(message))) {
      LOG.warn(message);
    }
  }

  /** Every aggregate call of {@code agg}, once each. */
  private static List<AggregateExpression> aggregatesOf(Aggregate agg) {
    List<AggregateExpression> out = new ArrayList<>();
    for (Object e : Scala.list(agg.aggregateExpressions())) {
      collect((Expression) e, out);
    }
    return out;
  }

  private static void collect(Expression e, List<AggregateExpression> out) {
    if (e instanceof AggregateExpression ae) {
      if (!out.contains(ae)) {
        out.add(ae);
      }
      return;
    }
    for (Expression child : Scala.list(e.children())) {
      collect(child, out);
    }
  }

  /**
   * Why Quiver's operators cannot run an aggregation with these grouping keys and aggregates, or
   * null when they can.
   */
  static String reason(List<? extends Expression> grouping, List<AggregateExpression> aggregates,
      boolean streaming) {
    if (streaming) {
      return "a streaming aggregation runs on Spark's stateful operators";
    }
    if (!AggregateConf.operatorsEnabled()) {
      return AggregateConf.OPERATORS + " is false";
    }
    List<String> unsupported = new ArrayList<>();
    for (AggregateExpression ae : aggregates) {
      if (!supported(ae.aggregateFunction())) {
        unsupported.add(ae.aggregateFunction().prettyName());
      }
    }
    if (!unsupported.isEmpty()) {
      return "it is called next to " + String.join(", ", unsupported.stream().distinct().toList())
          + ", whose state Quiver's operators do not keep (only built-ins with fixed-width "
          + "buffers, such as sum, count, avg, min, max)";
    }
    for (Expression g : grouping) {
      if (!UnsafeRowUtils.isBinaryStable(g.dataType())) {
        return "the grouping key " + g.sql() + " has type " + g.dataType().simpleString()
            + ", whose equal values may differ in bytes";
      }
    }
    boolean anyDistinct = aggregates.stream().anyMatch(AggregateExpression::isDistinct);
    for (AggregateExpression ae : aggregates) {
      if (anyDistinct && ae.aggregateFunction() instanceof AggregateCall call
          && !call.mergeable()) {
        return "'" + call.name() + "' cannot merge partial states and the aggregation has "
            + "DISTINCT";
      }
    }
    return null;
  }

  /** Built-in aggregates whose buffers Quiver's operators keep next to Quiver states. */
  static boolean supported(AggregateFunction f) {
    if (f instanceof AggregateCall) {
      return true;
    }
    return f instanceof DeclarativeAggregate
        && Aggregate$.MODULE$.isAggregateBufferMutable(bufferSchema(f));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static org.apache.spark.sql.types.StructType bufferSchema(AggregateFunction f) {
    return DataTypeUtils.fromAttributes((Seq) f.aggBufferAttributes());
  }
}

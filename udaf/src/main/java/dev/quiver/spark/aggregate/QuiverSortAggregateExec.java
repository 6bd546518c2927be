package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SortOrder$;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * Single-phase aggregation over input clustered and sorted by the grouping keys, for Quiver
 * aggregates that cannot merge partial states. Every row of a group reaches one state, in Arrow
 * batches of at most {@code spark.quiver.batchSize} rows; a group is finished as soon as the
 * next one starts, so only the groups of one batch are in memory at a time, and the sort before
 * this operator spills as Spark's sorts do.
 */
public final class QuiverSortAggregateExec extends QuiverAggregateExec {

  public QuiverSortAggregateExec(Option<Seq<Expression>> requiredChildDistributionExpressions,
      boolean isStreaming, Option<Object> numShufflePartitions,
      Seq<NamedExpression> groupingExpressions, Seq<AggregateExpression> aggregateExpressions,
      Seq<Attribute> aggregateAttributes, int initialInputBufferOffset,
      Seq<NamedExpression> resultExpressions, SparkPlan child) {
    super(requiredChildDistributionExpressions, isStreaming, numShufflePartitions,
        groupingExpressions, aggregateExpressions, aggregateAttributes, initialInputBufferOffset,
        resultExpressions, child);
  }

  @Override
  protected boolean sortedInput() {
    return true;
  }

  @Override
  public String nodeName() {
    return "QuiverSortAggregate";
  }

  @Override
  public Seq<Seq<SortOrder>> requiredChildOrdering() {
    List<SortOrder> order = new ArrayList<>();
    for (NamedExpression g : Scala.list(groupingExpressions())) {
      Expression key = g instanceof Alias alias ? alias.child() : (Expression) g;
      order.add(SortOrder$.MODULE$.apply(key, Ascending$.MODULE$, Scala.seq()));
    }
    return Scala.seq(Scala.seq(order));
  }
}

package dev.quiver.spark.aggregate;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.execution.SparkPlan;
import dev.quiver.spark.catalyst.CaseClass;
import org.apache.spark.sql.execution.aggregate.ObjectHashAggregateExec;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * Hash aggregation with Quiver aggregates, in place of Spark's {@code ObjectHashAggregateExec}.
 *
 * <p>Groups are numbered in a hash table in Spark's managed memory ({@code BytesToBytesMap});
 * each Quiver function receives the batch's rows with a group number per row. When the table or
 * the functions' states outgrow the memory Spark grants (or {@code spark.quiver.aggregate.maxGroups}),
 * a partial aggregation emits its states early and starts afresh, which the final aggregation
 * merges; a final aggregation spills its states to disk sorted by key, and merges the sorted runs
 * group by group at the end.
 */
public final class QuiverHashAggregateExec extends QuiverAggregateExec {

  public QuiverHashAggregateExec(Option<Seq<Expression>> requiredChildDistributionExpressions,
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
    return false;
  }

  @Override
  public String nodeName() {
    return "QuiverHashAggregate";
  }

  /** Spark's operator with the same fields, which reads and writes the same rows. */
  public ObjectHashAggregateExec toSpark() {
    return CaseClass.twin(this, ObjectHashAggregateExec.class);
  }
}

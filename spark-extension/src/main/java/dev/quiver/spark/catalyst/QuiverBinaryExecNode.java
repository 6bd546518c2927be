package dev.quiver.spark.catalyst;

import dev.quiver.spark.execution.OperatorMetrics;
import java.util.Map;
import org.apache.spark.sql.execution.BinaryExecNode;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's physical operators with two children, written in Java: the physical twin of
 * {@link QuiverBinaryNode}, with the same constructor contract, and by default the standard
 * metrics of {@link OperatorMetrics} with the number of groups.
 */
public abstract class QuiverBinaryExecNode extends QuiverSparkPlan implements BinaryExecNode {
  private final SparkPlan left;
  private final SparkPlan right;

  protected QuiverBinaryExecNode(SparkPlan left, SparkPlan right) {
    this.left = left;
    this.right = right;
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    return standardMetrics(true);
  }

  @Override
  public SparkPlan left() {
    return left;
  }

  @Override
  public SparkPlan right() {
    return right;
  }

  @Override
  public Seq<SparkPlan> children() {
    return Scala.seq(left, right);
  }

  @Override
  public SparkPlan withNewChildrenInternal(SparkPlan newLeft, SparkPlan newRight) {
    return makeCopy(CaseClass.argsWithChildren(this, newLeft, newRight));
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return withNewChildrenInternal(newChildren.apply(0), newChildren.apply(1));
  }
}

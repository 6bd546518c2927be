package dev.quiver.spark.catalyst;

import dev.quiver.spark.execution.OperatorMetrics;
import org.apache.spark.sql.execution.BinaryExecNode;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's physical operators with two children, written in Java: the physical twin of
 * {@link QuiverBinaryNode}, with the same constructor contract, and the standard metrics of
 * {@link OperatorMetrics} with the number of groups.
 */
public abstract class QuiverBinaryExecNode extends SparkPlan
    implements BinaryExecNode, CaseClass {
  private final SparkPlan left;
  private final SparkPlan right;
  private transient scala.collection.immutable.Map<String, SQLMetric> metrics;

  protected QuiverBinaryExecNode(SparkPlan left, SparkPlan right) {
    this.left = left;
    this.right = right;
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    if (metrics == null) {
      metrics = Scala.map(OperatorMetrics.declare(sparkContext(), true));
    }
    return metrics;
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

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

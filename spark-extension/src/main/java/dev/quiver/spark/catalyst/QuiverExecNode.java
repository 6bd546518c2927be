package dev.quiver.spark.catalyst;

import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's physical operators with one child, written in Java; the physical twin of
 * {@link QuiverLogicalNode}, with the same constructor contract and the metrics of
 * {@link QuiverSparkPlan}.
 */
public abstract class QuiverExecNode extends QuiverSparkPlan implements UnaryExecNode {
  private final SparkPlan child;

  protected QuiverExecNode(SparkPlan child) {
    this.child = child;
  }

  /**
   * A copy of this operator over another child, through its constructor (see {@link CaseClass});
   * a subclass overrides this only to carry over state the constructor does not take.
   */
  protected SparkPlan withNewChild(SparkPlan newChild) {
    return makeCopy(CaseClass.argsWithChildren(this, newChild));
  }

  @Override
  public SparkPlan child() {
    return child;
  }

  @Override
  public Seq<SparkPlan> children() {
    return Scala.seq(child);
  }

  @Override
  public SparkPlan withNewChildInternal(SparkPlan newChild) {
    return withNewChild(newChild);
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return withNewChild(newChildren.head());
  }
}

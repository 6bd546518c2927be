package dev.quiver.spark.catalyst;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnaryNode;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's logical operators with one child, written in Java. A Java class that mixes
 * in {@link UnaryNode} must provide {@code children} and {@code withNewChildrenInternal} itself;
 * this does, through {@link #withNewChild}. Subclasses follow the constructor contract of
 * {@link CaseClass}.
 */
public abstract class QuiverLogicalNode extends LogicalPlan
    implements UnaryNode, CaseClass, java.io.Serializable {
  private final LogicalPlan child;

  protected QuiverLogicalNode(LogicalPlan child) {
    this.child = child;
  }

  /**
   * A copy of this node over another child, through its constructor (see {@link CaseClass});
   * a subclass overrides this only to carry over state the constructor does not take.
   */
  protected LogicalPlan withNewChild(LogicalPlan newChild) {
    return makeCopy(CaseClass.argsWithChildren(this, newChild));
  }

  @Override
  public LogicalPlan child() {
    return child;
  }

  @Override
  public Seq<LogicalPlan> children() {
    return Scala.seq(child);
  }

  @Override
  public LogicalPlan withNewChildInternal(LogicalPlan newChild) {
    return withNewChild(newChild);
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return withNewChild(newChildren.head());
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

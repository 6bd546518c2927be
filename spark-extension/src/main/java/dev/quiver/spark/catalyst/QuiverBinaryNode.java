package dev.quiver.spark.catalyst;

import org.apache.spark.sql.catalyst.plans.logical.BinaryNode;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's logical operators with two children, written in Java: the two-child
 * counterpart of {@link QuiverLogicalNode}, providing what a Java class that mixes in
 * {@link BinaryNode} must, copying through the constructor. Subclasses follow the constructor
 * contract of {@link CaseClass}.
 */
public abstract class QuiverBinaryNode extends LogicalPlan
    implements BinaryNode, CaseClass, java.io.Serializable {
  private final LogicalPlan left;
  private final LogicalPlan right;

  protected QuiverBinaryNode(LogicalPlan left, LogicalPlan right) {
    this.left = left;
    this.right = right;
  }

  @Override
  public LogicalPlan left() {
    return left;
  }

  @Override
  public LogicalPlan right() {
    return right;
  }

  @Override
  public Seq<LogicalPlan> children() {
    return Scala.seq(left, right);
  }

  @Override
  public LogicalPlan withNewChildrenInternal(LogicalPlan newLeft, LogicalPlan newRight) {
    return makeCopy(CaseClass.argsWithChildren(this, newLeft, newRight));
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return withNewChildrenInternal(newChildren.apply(0), newChildren.apply(1));
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

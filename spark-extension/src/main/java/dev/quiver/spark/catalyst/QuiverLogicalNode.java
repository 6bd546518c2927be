package dev.quiver.spark.catalyst;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnaryNode;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's logical operators with one child, written in Java.
 *
 * <p>Catalyst treats plan nodes as Scala case classes: it copies them through their constructor
 * with the values of {@code productElement} (see {@code TreeNode.makeCopy}), compares them by
 * those values, and a Java class that mixes in {@link UnaryNode} must provide {@code children}
 * and {@code withNewChildrenInternal} itself. Subclasses therefore list their constructor
 * arguments, in constructor order, from {@link #constructorArgs()}, and have exactly one public
 * constructor taking them.
 */
public abstract class QuiverLogicalNode extends LogicalPlan
    implements UnaryNode, java.io.Serializable {
  private final LogicalPlan child;

  protected QuiverLogicalNode(LogicalPlan child) {
    this.child = child;
  }

  /** The constructor arguments, in constructor order; the child among them. */
  protected abstract Object[] constructorArgs();

  /** A copy of this node over another child. */
  protected abstract LogicalPlan withNewChild(LogicalPlan newChild);

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
  public int productArity() {
    return constructorArgs().length;
  }

  @Override
  public Object productElement(int n) {
    return constructorArgs()[n];
  }

  @Override
  public boolean canEqual(Object that) {
    return that != null && that.getClass() == getClass();
  }

  @Override
  public boolean equals(Object that) {
    return this == that || (canEqual(that)
        && Arrays.equals(constructorArgs(), ((QuiverLogicalNode) that).constructorArgs()));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(constructorArgs());
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.QuiverLogicalNode;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.Seq;

/**
 * Evaluates Quiver scalar calls over its child's rows and appends one column per call: the
 * logical counterpart of Spark's {@code ArrowEvalPython}.
 */
public final class EvalScalar extends QuiverLogicalNode {
  private final Seq<ScalarCall> calls;
  private final Seq<Attribute> resultAttributes;

  public EvalScalar(Seq<ScalarCall> calls, Seq<Attribute> resultAttributes, LogicalPlan child) {
    super(child);
    this.calls = calls;
    this.resultAttributes = resultAttributes;
  }

  public Seq<ScalarCall> calls() {
    return calls;
  }

  public Seq<Attribute> resultAttributes() {
    return resultAttributes;
  }

  @Override
  protected Object[] constructorArgs() {
    return new Object[] {calls, resultAttributes, child()};
  }

  @Override
  protected LogicalPlan withNewChild(LogicalPlan newChild) {
    return new EvalScalar(calls, resultAttributes, newChild);
  }

  @Override
  public Seq<Attribute> output() {
    return child().output().appendedAll(resultAttributes).toList();
  }

  @Override
  public AttributeSet producedAttributes() {
    return Scala.attributeSet(resultAttributes);
  }

  @Override
  public AttributeSet references() {
    return Scala.attributeSet(calls);
  }
}

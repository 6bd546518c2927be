package dev.quiver.spark.scalar;

import dev.quiver.spark.shims.ScalaNames;
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
  private final Seq<Expression> guards;
  private final Seq<String> guardNotes;

  /**
   * @param guards for each call, the condition on the child's rows under which its value is
   *     needed; {@code true} for every row
   * @param guardNotes for each call, why its guard is wider than its conditional needs, or ""
   */
  public EvalScalar(Seq<ScalarCall> calls, Seq<Attribute> resultAttributes,
      Seq<Expression> guards, Seq<String> guardNotes, LogicalPlan child) {
    super(child);
    this.calls = calls;
    this.resultAttributes = resultAttributes;
    this.guards = guards;
    this.guardNotes = guardNotes;
  }

  public Seq<Expression> guards() {
    return guards;
  }

  public Seq<String> guardNotes() {
    return guardNotes;
  }

  public Seq<ScalarCall> calls() {
    return calls;
  }

  public Seq<Attribute> resultAttributes() {
    return resultAttributes;
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {calls, resultAttributes, guards, guardNotes, child()};
  }

  @Override
  protected LogicalPlan withNewChild(LogicalPlan newChild) {
    return new EvalScalar(calls, resultAttributes, guards, guardNotes, newChild);
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
    return ScalaNames.union(Scala.attributeSet(calls), Scala.attributeSet(guards));
  }
}

package dev.quiver.spark.table;

import dev.quiver.spark.catalyst.QuiverBinaryNode;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import org.apache.spark.sql.catalyst.analysis.MultiInstanceRelation;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.Seq;

/**
 * A {@code CoGroupFunction} over two inputs grouped by keys of the same types: the counterpart of
 * Spark's {@code FlatMapCoGroupsInArrow}; planned as {@link CoGroupExec}, which takes the same
 * constructor arguments (the contract of {@code CaseClass}).
 */
public final class CoGroupCall extends QuiverBinaryNode implements MultiInstanceRelation {
  private final FunctionHandle function;
  private final Seq<Expression> leftKeys;
  private final Seq<Expression> rightKeys;
  private final Seq<SortOrder> leftOrder;
  private final Seq<SortOrder> rightOrder;
  private final Seq<Attribute> resultAttributes;

  public CoGroupCall(FunctionHandle function, Seq<Expression> leftKeys, Seq<Expression> rightKeys,
      Seq<SortOrder> leftOrder, Seq<SortOrder> rightOrder, Seq<Attribute> resultAttributes,
      LogicalPlan left, LogicalPlan right) {
    super(left, right);
    this.function = function;
    this.leftKeys = leftKeys;
    this.rightKeys = rightKeys;
    this.leftOrder = leftOrder;
    this.rightOrder = rightOrder;
    this.resultAttributes = resultAttributes;
  }

  @Override
  public LogicalPlan newInstance() {
    return new CoGroupCall(function, leftKeys, rightKeys, leftOrder, rightOrder,
        Scala.withNewExprIds(resultAttributes), left(), right());
  }

  @Override
  public Seq<Attribute> output() {
    return resultAttributes;
  }

  @Override
  public AttributeSet producedAttributes() {
    return Scala.attributeSet(resultAttributes);
  }

  /** Both inputs' columns: the function receives them all. */
  @Override
  public AttributeSet references() {
    return Scala.attributeSet(left().output(), right().output(), leftKeys, rightKeys, leftOrder,
        rightOrder);
  }

  @Override
  public String simpleString(int maxFields) {
    return "QuiverCoGroupedMap " + CoGroupExec.describe(function, leftKeys, rightKeys,
        resultAttributes);
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {function, leftKeys, rightKeys, leftOrder, rightOrder, resultAttributes,
        left(), right()};
  }
}

package dev.quiver.spark.table;

import dev.quiver.spark.catalyst.QuiverBinaryNode;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.MultiInstanceRelation;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.Seq;

/**
 * A {@code CoGroupFunction} over two inputs grouped by keys of the same types: the counterpart of
 * Spark's {@code FlatMapCoGroupsInArrow}; planned as {@link CoGroupExec}. Follows the constructor
 * contract of {@code CaseClass}.
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

  public FunctionHandle function() {
    return function;
  }

  public Seq<Expression> leftKeys() {
    return leftKeys;
  }

  public Seq<Expression> rightKeys() {
    return rightKeys;
  }

  public Seq<SortOrder> leftOrder() {
    return leftOrder;
  }

  public Seq<SortOrder> rightOrder() {
    return rightOrder;
  }

  public Seq<Attribute> resultAttributes() {
    return resultAttributes;
  }

  @Override
  protected LogicalPlan withNewChildren(LogicalPlan newLeft, LogicalPlan newRight) {
    return new CoGroupCall(function, leftKeys, rightKeys, leftOrder, rightOrder,
        resultAttributes, newLeft, newRight);
  }

  @Override
  public LogicalPlan newInstance() {
    List<Attribute> fresh = new ArrayList<>();
    for (Attribute a : Scala.list(resultAttributes)) {
      fresh.add(a.withExprId(NamedExpression.newExprId()));
    }
    return new CoGroupCall(function, leftKeys, rightKeys, leftOrder, rightOrder,
        Scala.seq(fresh), left(), right());
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
    List<Expression> used = new ArrayList<>(Scala.list(left().output()));
    used.addAll(Scala.list(right().output()));
    used.addAll(Scala.list(leftKeys));
    used.addAll(Scala.list(rightKeys));
    used.addAll(Scala.list(leftOrder));
    used.addAll(Scala.list(rightOrder));
    return Scala.attributeSet(Scala.seq(used));
  }

  @Override
  public String simpleString(int maxFields) {
    return "QuiverCoGroupedMap " + function.name() + " " + Scala.list(leftKeys) + ", "
        + Scala.list(rightKeys) + ", " + Scala.list(resultAttributes);
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {function, leftKeys, rightKeys, leftOrder, rightOrder, resultAttributes,
        left(), right()};
  }
}

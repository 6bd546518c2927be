package dev.quiver.spark.table;

import dev.quiver.spark.catalyst.QuiverLogicalNode;
import dev.quiver.spark.catalyst.Scala;
import org.apache.spark.sql.catalyst.analysis.MultiInstanceRelation;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.Seq;

/**
 * A Quiver table function called with a TABLE argument: its child is the TABLE argument's plan,
 * its output the function's result columns. Partition keys and orderings come from the call
 * (or from the function's {@code analyze}) as written, and are resolved against the child by
 * Spark's generic reference resolution; planned as {@link TableFunctionExec}, which asks
 * {@code EnsureRequirements} for the clustering and order, and which takes the same constructor
 * arguments.
 *
 * <p>A {@link MultiInstanceRelation}, so that the same call on both sides of a self-join gets
 * distinct output attributes.
 */
public final class TableFunctionCall extends QuiverLogicalNode implements MultiInstanceRelation {
  private final TableCallSpec spec;
  private final Seq<Expression> arguments;
  private final Seq<Expression> partitionBy;
  private final Seq<SortOrder> orderBy;
  private final Seq<Attribute> resultAttributes;
  private final Seq<Attribute> tableColumns;

  /**
   * {@code tableColumns} are the TABLE argument's columns, the only ones the function receives:
   * rules that later compute keys below this node (a Quiver scalar call in PARTITION BY) widen
   * the child's output with columns the function must not see.
   */
  public TableFunctionCall(TableCallSpec spec, Seq<Expression> arguments,
      Seq<Expression> partitionBy, Seq<SortOrder> orderBy, Seq<Attribute> resultAttributes,
      Seq<Attribute> tableColumns, LogicalPlan child) {
    super(child);
    this.spec = spec;
    this.arguments = arguments;
    this.partitionBy = partitionBy;
    this.orderBy = orderBy;
    this.resultAttributes = resultAttributes;
    this.tableColumns = tableColumns;
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {spec, arguments, partitionBy, orderBy, resultAttributes, tableColumns,
        child()};
  }

  @Override
  public scala.collection.Iterator<Object> stringArgs() {
    return spec.stringArgs(arguments, partitionBy, orderBy, resultAttributes, tableColumns);
  }

  @Override
  public LogicalPlan newInstance() {
    return new TableFunctionCall(spec, arguments, partitionBy, orderBy,
        Scala.withNewExprIds(resultAttributes), tableColumns, child());
  }

  /**
   * A non-deterministic function makes its call non-deterministic, as rand() does its
   * projection: a CTE referring to it twice is not inlined (so it runs once), and Spark rejects
   * it as a LATERAL subquery over many rows.
   */
  @Override
  public boolean deterministic() {
    return spec.function().prototype().isDeterministic() && super.deterministic();
  }

  @Override
  public Seq<Attribute> output() {
    return resultAttributes;
  }

  @Override
  public AttributeSet producedAttributes() {
    return Scala.attributeSet(resultAttributes);
  }

  /** Every column of the TABLE argument: the function receives them all, so none may be pruned. */
  @Override
  public AttributeSet references() {
    return Scala.attributeSet(tableColumns, partitionBy, orderBy, arguments);
  }

  @Override
  public String simpleString(int maxFields) {
    return "QuiverTableFunction "
        + spec.describe(arguments, partitionBy, orderBy, resultAttributes);
  }
}

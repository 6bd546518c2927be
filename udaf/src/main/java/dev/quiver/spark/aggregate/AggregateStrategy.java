package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.CaseClass;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionSet;
import org.apache.spark.sql.catalyst.expressions.ExpressionSet$;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.optimizer.NormalizeFloatingNumbers$;
import org.apache.spark.sql.catalyst.planning.PhysicalAggregation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import org.apache.spark.sql.execution.aggregate.AggUtils;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.ObjectHashAggregateExec;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;
import scala.Option;
import scala.Tuple4;
import scala.collection.immutable.Seq;

/**
 * Plans aggregations that call Quiver aggregate functions onto Quiver's operators.
 *
 * <p>A planner strategy rather than an optimizer rule, so that the optimizer has already rewritten
 * several DISTINCT aggregates into one (with {@code Expand}), pushed filters and pruned columns,
 * and sees Spark's own {@code Aggregate}. Mergeable aggregations are planned by Spark's
 * {@link AggUtils} exactly as Spark would (partial aggregation, shuffle, final aggregation, and
 * the four steps of a single DISTINCT), and then each of Spark's operators that evaluates a Quiver
 * function is replaced by a {@link QuiverHashAggregateExec} with the same fields. Aggregations
 * with a function that cannot merge get one {@link QuiverSortAggregateExec} that sees every row
 * of a group, sorted by group. Anything else, such as built-in aggregates with object states
 * ({@code collect_list}, {@code percentile}) next to a Quiver one, is left to Spark, whose own
 * operators run {@link AggregateCall} correctly, only row by row; {@link AggregateFallback}
 * decides which and says why.
 */
public final class AggregateStrategy extends SparkStrategy {

  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (!AggregateConf.operatorsEnabled() || plan.isStreaming()) {
      return Scala.seq();
    }
    Option<Tuple4<Seq<NamedExpression>, Seq<AggregateExpression>, Seq<NamedExpression>,
        LogicalPlan>> matched = PhysicalAggregation.unapply(plan);
    if (matched.isEmpty()) {
      return Scala.seq();
    }
    List<NamedExpression> grouping = Scala.list(matched.get()._1());
    List<AggregateExpression> aggregates = Scala.list(matched.get()._2());
    Seq<NamedExpression> results = matched.get()._3();
    LogicalPlan child = matched.get()._4();
    List<Expression> groupingKeys = new ArrayList<>();
    for (NamedExpression g : grouping) {
      groupingKeys.add((Expression) g);
    }
    if (!aggregates.stream().anyMatch(ae -> ae.aggregateFunction() instanceof AggregateCall)
        || AggregateFallback.reason(groupingKeys, aggregates, false) != null) {
      return Scala.seq(); // AggregateFallback has said why, in EXPLAIN and the log
    }
    List<NamedExpression> normalized = new ArrayList<>();
    for (NamedExpression g : grouping) {
      normalized.add(normalize(g));
    }
    boolean anyDistinct = aggregates.stream().anyMatch(AggregateExpression::isDistinct);
    boolean allMergeable = aggregates.stream().allMatch(ae ->
        !(ae.aggregateFunction() instanceof AggregateCall call) || call.mergeable());
    if (!allMergeable) {
      // Not with DISTINCT, which AggregateFallback leaves to Spark: its planning needs partial
      // states, and Spark's operators buffer the rows of each group in its state.
      return Scala.seq(singlePhase(normalized, aggregates, results, planLater(child)));
    }
    Seq<SparkPlan> planned;
    if (!anyDistinct) {
      planned = AggUtils.planAggregateWithoutDistinct(Scala.seq(normalized),
          Scala.seq(aggregates), results, planLater(child));
    } else {
      planned = planWithOneDistinct(normalized, aggregates, results, child);
      if (planned == null) {
        return Scala.seq();
      }
    }
    List<SparkPlan> swapped = new ArrayList<>();
    for (SparkPlan p : Scala.list(planned)) {
      swapped.add(p.transformUp(Transforms.everywhere(AggregateStrategy::swap)));
    }
    return Scala.seq(swapped);
  }

  private static SparkPlan swap(SparkPlan node) {
    if ((node instanceof ObjectHashAggregateExec || node instanceof SortAggregateExec)
        && Scala.list(((BaseAggregateExec) node).aggregateExpressions()).stream()
            .anyMatch(ae -> ae.aggregateFunction() instanceof AggregateCall)) {
      return CaseClass.twin(node, QuiverHashAggregateExec.class);
    }
    return node;
  }

  /**
   * One operator in Complete mode that receives every row of a group, clustered and sorted by
   * the grouping keys: for functions that cannot merge.
   */
  private static SparkPlan singlePhase(List<NamedExpression> grouping,
      List<AggregateExpression> aggregates, Seq<NamedExpression> results, SparkPlan child) {
    List<Expression> keys = new ArrayList<>();
    for (NamedExpression g : grouping) {
      keys.add(g instanceof Alias alias ? alias.child() : (Expression) g);
    }
    List<AggregateExpression> complete = new ArrayList<>();
    List<Attribute> attributes = new ArrayList<>();
    for (AggregateExpression ae : aggregates) {
      complete.add(ae.copy(ae.aggregateFunction(), Complete$.MODULE$, ae.isDistinct(),
          ae.filter(), ae.resultId()));
      attributes.add(ae.resultAttribute());
    }
    return new QuiverSortAggregateExec(Option.apply(Scala.seq(keys)), false, Option.empty(),
        Scala.seq(grouping), Scala.seq(complete), Scala.seq(attributes), 0, results, child);
  }

  /** As Spark's Aggregation strategy plans one group of DISTINCT arguments. */
  private Seq<SparkPlan> planWithOneDistinct(List<NamedExpression> grouping,
      List<AggregateExpression> aggregates, Seq<NamedExpression> results, LogicalPlan child) {
    List<AggregateExpression> withDistinct = new ArrayList<>();
    List<AggregateExpression> withoutDistinct = new ArrayList<>();
    Set<ExpressionSet> distinctSets = new HashSet<>();
    for (AggregateExpression ae : aggregates) {
      if (ae.isDistinct()) {
        withDistinct.add(ae);
        List<Expression> args = new ArrayList<>();
        for (Expression e : Scala.list(ae.aggregateFunction().children())) {
          if (!e.foldable()) {
            args.add(e);
          }
        }
        distinctSets.add(ExpressionSet$.MODULE$.apply(Scala.seq(args)));
      } else {
        withoutDistinct.add(ae);
      }
    }
    if (distinctSets.size() > 1) {
      return null; // the optimizer rewrites these with Expand; leave the odd case to Spark
    }
    List<Expression> distinctExpressions = new ArrayList<>();
    List<NamedExpression> namedDistinct = new ArrayList<>();
    for (Expression e : Scala.list(withDistinct.get(0).aggregateFunction().children())) {
      if (e.foldable()) {
        continue;
      }
      Expression plain = e instanceof SortOrder order ? order.child() : e;
      distinctExpressions.add(plain);
      Expression normal = NormalizeFloatingNumbers$.MODULE$.normalize(plain);
      if (normal instanceof NamedExpression named) {
        namedDistinct.add(named);
      } else {
        String name = plain instanceof NamedExpression named ? named.name() : plain.toString();
        namedDistinct.add(alias(normal, name, NamedExpression.newExprId()));
      }
    }
    return AggUtils.planAggregateWithOneDistinct(Scala.seq(grouping), Scala.seq(withDistinct),
        Scala.seq(withoutDistinct), Scala.seq(distinctExpressions), Scala.seq(namedDistinct),
        results, planLater(child));
  }

  /** Grouping keys with floating-point NaN and -0.0 normalized, as Spark plans them. */
  private static NamedExpression normalize(NamedExpression e) {
    Expression normal = NormalizeFloatingNumbers$.MODULE$.normalize((Expression) e);
    if (normal instanceof NamedExpression named) {
      return named;
    }
    return alias(normal, e.name(), e.exprId());
  }

  private static Alias alias(Expression e, String name,
      org.apache.spark.sql.catalyst.expressions.ExprId id) {
    return new Alias(e, name, id, Scala.seq(), Option.empty(), Scala.seq());
  }
}

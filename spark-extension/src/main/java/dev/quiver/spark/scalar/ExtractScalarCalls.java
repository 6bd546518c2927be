package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.QuiverLogicalNode;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;

import dev.quiver.spark.QuiverErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Subquery;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;
import scala.collection.immutable.Seq;

/**
 * Moves Quiver scalar calls out of every operator into {@link EvalScalar} operators below it,
 * leaving attributes in their place; the counterpart of Spark's {@code ExtractPythonUDFs} and its
 * aggregate helpers. Runs once, late in optimization (as a pre-CBO rule), so that the optimizer
 * has already pushed filters and pruned columns around the calls. Calls in {@code EXISTS} and
 * {@code IN} subqueries are extracted from the joins those become ({@link JoinedCalls}).
 *
 * <p>Calls nested in calls are evaluated innermost first, each level in its own operator. Calls
 * over aggregate results ({@code f(sum(x))}) are evaluated in a projection above the aggregate;
 * calls in grouping keys in a projection below it.
 *
 * <p>Unlike {@code ExtractPythonUDFs}, a call inside a conditional ({@code CASE WHEN}, {@code IF},
 * {@code COALESCE}, {@code AND}, {@code OR}, ...) keeps its short-circuit: it carries a guard,
 * and is evaluated only on the rows where the guard holds (see {@link CallGuards}).
 */
public final class ExtractScalarCalls extends Rule<LogicalPlan> {

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (plan instanceof Subquery subquery && subquery.correlated()) {
      return plan; // extracted from the join it becomes, in the plan it belongs to (JoinedCalls)
    }
    plan = JoinedCalls.rewriteSubqueries(plan);
    if (!containsCall(plan)) {
      return plan;
    }
    plan = plan.transformUp(Transforms.everywhere(JoinedCalls::callsOfBothSidesAbove));
    LogicalPlan aggregatesDone = plan.transformUp(Transforms.everywhere(node ->
        node instanceof Aggregate agg ? groupingCallsBelow(callsOverAggregateAbove(agg)) : node));
    return aggregatesDone.transformUp(Transforms.everywhere(node ->
        node instanceof EvalScalar ? node : extract(node)));
  }

  static boolean containsCall(LogicalPlan plan) {
    return anyExpression(plan, ScalarCall.class::isInstance);
  }

  /** Whether an expression of {@code plan} or of a plan below it (not in subqueries) matches. */
  static boolean anyExpression(LogicalPlan plan, java.util.function.Predicate<Expression> p) {
    for (Expression e : Scala.list(plan.expressions())) {
      if (Transforms.exists(e, p)) {
        return true;
      }
    }
    for (LogicalPlan child : Scala.list(plan.children())) {
      if (anyExpression(child, p)) {
        return true;
      }
    }
    return false;
  }

  static boolean isCall(Expression e) {
    return e instanceof ScalarCall;
  }

  static boolean hasCall(Expression e) {
    return Transforms.exists(e, ExtractScalarCalls::isCall);
  }

  /** The calls whose arguments contain no further calls: they can be evaluated now. */
  private static void collectInnermost(Expression e, List<ScalarCall> out) {
    if (e instanceof ScalarCall call
        && Scala.list(call.children()).stream().noneMatch(ExtractScalarCalls::hasCall)) {
      out.add(call);
      return;
    }
    for (Expression child : Scala.list(e.children())) {
      collectInnermost(child, out);
    }
  }

  /** Deterministic calls with equal arguments are evaluated once; others each on their own. */
  private static Expression key(ScalarCall call) {
    return call.deterministic() ? call.canonicalized() : call;
  }

  private LogicalPlan extract(LogicalPlan plan) {
    List<CallGuards.Occurrence> found = new ArrayList<>();
    for (Expression e : Scala.list(plan.expressions())) {
      found.addAll(CallGuards.innermost(e));
    }
    Map<Expression, ScalarCall> distinct = new LinkedHashMap<>();
    Map<Expression, List<List<Expression>>> paths = new HashMap<>();
    Set<Expression> waiting = new HashSet<>();
    for (CallGuards.Occurrence occurrence : found) {
      ScalarCall call = occurrence.call();
      if (call.references().subsetOf(plan.inputSet())) {
        distinct.putIfAbsent(key(call), call);
        paths.computeIfAbsent(key(call), k -> new ArrayList<>()).add(occurrence.conditions());
        if (occurrence.dependsOnCalls()) {
          waiting.add(key(call));
        }
      }
    }
    if (distinct.isEmpty()) {
      for (CallGuards.Occurrence occurrence : found) {
        ScalarCall call = occurrence.call();
        throw QuiverErrors.raise(QuiverErrors.unsupportedCall(call.name(), call.sql()
            + " reads columns that no single input of " + plan.nodeName() + " provides. "
            + "Compute it in a projection of one side first, for example in a subquery."));
      }
      return plan;
    }
    // A call behind a condition that calls a Quiver function waits until that call is a column;
    // all of its places wait, since one evaluation serves them all. The first call in
    // evaluation order never waits, so a level with calls always extracts some.
    if (!waiting.containsAll(distinct.keySet())) {
      distinct.keySet().removeAll(waiting);
    }
    Map<Expression, Attribute> results = new LinkedHashMap<>();
    List<LogicalPlan> newChildren = new ArrayList<>();
    for (LogicalPlan child : Scala.list(plan.children())) {
      List<ScalarCall> here = new ArrayList<>();
      List<Attribute> attributes = new ArrayList<>();
      List<Expression> guards = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (Map.Entry<Expression, ScalarCall> entry : distinct.entrySet()) {
        ScalarCall call = entry.getValue();
        if (call.references().subsetOf(child.outputSet()) && !results.containsKey(entry.getKey())) {
          CallGuards.Guard guard = CallGuards.guard(paths.get(entry.getKey()), child.outputSet());
          // Rows the guard excludes get null, whatever the function declares.
          Attribute attribute = new AttributeReference(call.name(), call.dataType(),
              call.nullable() || guard.condition() != null, Metadata.empty(),
              NamedExpression.newExprId(), Scala.seq());
          here.add(call);
          attributes.add(attribute);
          guards.add(guard.condition() == null ? Literal.TrueLiteral() : guard.condition());
          notes.add(guard.note() == null ? "" : guard.note());
          results.put(entry.getKey(), attribute);
        }
      }
      newChildren.add(here.isEmpty() ? child : new EvalScalar(Scala.seq(here),
          Scala.seq(attributes), Scala.seq(guards), Scala.seq(notes), child));
    }
    for (Map.Entry<Expression, ScalarCall> entry : distinct.entrySet()) {
      if (!results.containsKey(entry.getKey())) {
        throw QuiverErrors.raise(QuiverErrors.unsupportedCall(entry.getValue().name(),
            entry.getValue().sql() + " reads columns of more than one input of "
            + plan.nodeName() + ". Compute it in a projection of its result instead."));
      }
    }
    LogicalPlan rewritten = plan.withNewChildren(Scala.seq(newChildren)).transformExpressions(
        Transforms.everywhere(e -> {
          if (e instanceof ScalarCall call) {
            Attribute attribute = results.get(key(call));
            return attribute != null ? attribute : e;
          }
          return e;
        }));
    LogicalPlan done = extract(rewritten); // the next level of nested calls
    if (!done.output().equals(plan.output())) {
      return project(plan.output(), done); // drop results used only by e.g. a filter
    }
    return done;
  }

  /** {@code f(sum(x))}: aggregate first, then evaluate the call in a projection above. */
  private static LogicalPlan callsOverAggregateAbove(Aggregate agg) {
    List<NamedExpression> aggregateExpressions = Scala.list(agg.aggregateExpressions());
    if (aggregateExpressions.stream().noneMatch(e -> hasCallOverAggregate((Expression) e, agg))) {
      return agg;
    }
    List<NamedExpression> projection = new ArrayList<>();
    List<NamedExpression> aggregates = new ArrayList<>();
    for (NamedExpression expr : aggregateExpressions) {
      if (hasCallOverAggregate((Expression) expr, agg)) {
        Expression rewritten = ((Expression) expr).transformDown(Transforms.everywhere(e -> {
          if (belongsToAggregate(e, agg)) {
            NamedExpression named = e instanceof NamedExpression n ? n : alias(e, "agg");
            aggregates.add(named);
            return named.toAttribute();
          }
          return e;
        }));
        projection.add((NamedExpression) rewritten);
      } else {
        aggregates.add(expr);
        projection.add(expr.toAttribute());
      }
    }
    return new Project(Scala.seq(projection), agg.copy(agg.groupingExpressions(),
        Scala.seq(aggregates), agg.child(), agg.hint()));
  }

  private static boolean belongsToAggregate(Expression e, Aggregate agg) {
    return e instanceof AggregateExpression
        || agg.groupingExpressions().exists(g -> g.semanticEquals(e));
  }

  private static boolean hasCallOverAggregate(Expression expr, Aggregate agg) {
    return Transforms.exists(expr, e -> isCall(e) && (e.references().isEmpty()
        || Transforms.exists(e, inner -> belongsToAggregate(inner, agg))));
  }

  /**
   * {@code GROUP BY f(x)}: evaluate the key in a projection below the aggregate. The whole key is
   * moved, not only its calls, so that a call inside a conditional of the key keeps its guard.
   */
  private static LogicalPlan groupingCallsBelow(LogicalPlan node) {
    if (!(node instanceof Aggregate agg)
        || !agg.groupingExpressions().exists(ExtractScalarCalls::hasCall)) {
      return node;
    }
    Map<Expression, Attribute> keys = new LinkedHashMap<>();
    List<NamedExpression> below = new ArrayList<>();
    for (Expression grouping : Scala.list(agg.groupingExpressions())) {
      // Grouping keys are deterministic: the analyzer pulls anything else out beforehand.
      if (hasCall(grouping) && !keys.containsKey(grouping.canonicalized())) {
        List<ScalarCall> calls = new ArrayList<>();
        collectInnermost(grouping, calls);
        Alias alias = alias(grouping, "group_" + calls.get(0).name());
        below.add(alias);
        keys.put(grouping.canonicalized(), alias.toAttribute());
      }
    }
    below.addAll(new ArrayList<NamedExpression>(Scala.list(agg.child().output())));
    LogicalPlan rewritten = agg.withNewChildren(Scala.seq(new Project(Scala.seq(below),
        agg.child())));
    return rewritten.transformExpressions(Transforms.everywhere(e -> {
      if (e.deterministic() && hasCall(e)) {
        Attribute key = keys.get(e.canonicalized());
        return key != null ? key : e;
      }
      return e;
    }));
  }

  static Alias alias(Expression e, String name) {
    return new Alias(e, name, NamedExpression.newExprId(), Scala.seq(), scala.Option.empty(),
        Scala.seq());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Project project(Seq<Attribute> output, LogicalPlan child) {
    return new Project((Seq) output, child);
  }
}

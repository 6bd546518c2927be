package dev.quiver.spark.scalar;

import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Exists;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ListQuery;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.optimizer.RewritePredicateSubquery$;
import org.apache.spark.sql.catalyst.plans.InnerLike;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Option;

/**
 * Prepares the joins that Quiver calls end up in for {@link ExtractScalarCalls}, the way Spark's
 * {@code RewritePredicateSubquery} and {@code ExtractPythonUDFFromJoinCondition} do for Python
 * UDFs.
 *
 * <p>Spark extracts Python UDFs after it has rewritten {@code EXISTS} and {@code IN} subqueries
 * into semi and anti joins; an extension's optimizer rules all run before that rewrite. So when
 * an {@code EXISTS} or {@code IN} subquery calls a Quiver function, in its plan or in its
 * correlated conditions, the rewrite is done here first (Spark's later run of it then finds
 * nothing left to do), and the calls are extracted from the joins it makes. Scalar and lateral
 * subqueries need nothing: Spark rewrites them into joins before extensions' rules run.
 */
final class JoinedCalls {
  private JoinedCalls() {}

  /** {@code plan} with its EXISTS and IN subqueries rewritten into joins if any calls Quiver. */
  static LogicalPlan rewriteSubqueries(LogicalPlan plan) {
    return callsInPredicateSubquery(plan) ? RewritePredicateSubquery$.MODULE$.apply(plan) : plan;
  }

  private static boolean callsInPredicateSubquery(LogicalPlan plan) {
    return ExtractScalarCalls.anyExpression(plan, x -> (x instanceof Exists
        || x instanceof ListQuery) && (ExtractScalarCalls.hasCall(x)
            || ExtractScalarCalls.containsCall(((SubqueryExpression) x).plan())));
  }

  /**
   * A join whose condition calls a Quiver function on columns of both sides: an inner join
   * applies those conjuncts in a filter above it instead; any other join cannot, since a filter
   * after the join does not mean the same, and fails at analysis (as Spark fails such a Python
   * UDF, with its own class there).
   */
  static LogicalPlan callsOfBothSidesAbove(LogicalPlan node) {
    if (!(node instanceof Join join) || join.condition().isEmpty()) {
      return node;
    }
    List<Expression> both = new ArrayList<>();
    List<Expression> rest = new ArrayList<>();
    for (Expression conjunct : conjuncts(join.condition().get())) {
      (bothSides(conjunct, join) ? both : rest).add(conjunct);
    }
    if (both.isEmpty()) {
      return node;
    }
    if (!(join.joinType() instanceof InnerLike)) {
      ScalarCall call = firstBothSided(both.get(0), join);
      throw QuiverErrors.raise(QuiverErrors.callInJoinCondition(call.name(), call.sql(),
          join.joinType().sql()));
    }
    Option<Expression> remaining = rest.isEmpty() ? Option.empty() : Option.apply(and(rest));
    Join inner = join.copy(join.left(), join.right(), join.joinType(), remaining, join.hint());
    return new Filter(and(both), inner);
  }

  private static boolean bothSides(Expression conjunct, Join join) {
    return firstBothSided(conjunct, join) != null;
  }

  private static ScalarCall firstBothSided(Expression conjunct, Join join) {
    List<ScalarCall> found = new ArrayList<>();
    Transforms.exists(conjunct, e -> {
      if (e instanceof ScalarCall call && !call.references().subsetOf(join.left().outputSet())
          && !call.references().subsetOf(join.right().outputSet())) {
        found.add(call);
        return true;
      }
      return false;
    });
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Expression> conjuncts(Expression e) {
    List<Expression> out = new ArrayList<>();
    if (e instanceof And and) {
      out.addAll(conjuncts(and.left()));
      out.addAll(conjuncts(and.right()));
    } else {
      out.add(e);
    }
    return out;
  }

  private static Expression and(List<Expression> conjuncts) {
    Expression result = conjuncts.get(0);
    for (int i = 1; i < conjuncts.size(); i++) {
      result = new And(result, conjuncts.get(i));
    }
    return result;
  }
}

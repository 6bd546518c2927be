package dev.quiver.spark.table;

import dev.quiver.spark.catalyst.Transforms;
import org.apache.spark.sql.catalyst.analysis.EliminateSubqueryAliases$;
import org.apache.spark.sql.catalyst.expressions.Generator;
import org.apache.spark.sql.catalyst.expressions.LateralSubquery;
import org.apache.spark.sql.catalyst.expressions.SubExprUtils$;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.internal.SQLConf;

/**
 * {@code FROM t, LATERAL f(t.x)} of a non-deterministic table function without a TABLE argument
 * becomes a {@code Generate} of the call over {@code t} already at analysis, which calls the
 * function once per row of {@code t}: what Spark's optimizer makes of every such call later
 * ({@code OptimizeOneRowRelationSubquery}).
 *
 * <p>Spark rejects a non-deterministic LATERAL subquery over more than one row
 * ({@code NON_DETERMINISTIC_LATERAL_SUBQUERIES}), since decorrelating one in general could change
 * its results, but exempts a Python table function in this shape, which decorrelates exactly;
 * its check names Python's expression class, so Quiver's calls get the same exemption this way,
 * under the same setting ({@code spark.sql.optimizer.optimizeOneRowRelationSubquery}). Calls
 * with a TABLE argument stay rejected, as Python's are.
 */
final class LateralCalls extends Rule<LogicalPlan> {
  private static final String ONE_ROW_SUBQUERIES =
      "spark.sql.optimizer.optimizeOneRowRelationSubquery";

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (!Boolean.parseBoolean(SQLConf.get().getConfString(ONE_ROW_SUBQUERIES, "true"))) {
      return plan;
    }
    return plan.transformUpWithSubqueries(Transforms.everywhere(LateralCalls::asGenerate));
  }

  private static LogicalPlan asGenerate(LogicalPlan node) {
    if (!(node instanceof LateralJoin join) || join.condition().isDefined()
        || join.joinType() != Inner$.MODULE$) {
      return node;
    }
    LateralSubquery right = join.right();
    if (!right.joinCond().isEmpty()
        || !(EliminateSubqueryAliases$.MODULE$.apply(right.plan()) instanceof Generate g)
        || !(g.child() instanceof OneRowRelation)
        || !(g.generator() instanceof TableFunctionGenerator call) || call.deterministic()
        || Transforms.exists(call, SubqueryExpression.class::isInstance)) {
      return node; // deterministic calls take the optimizer's way
    }
    Generator uncorrelated = (Generator) SubExprUtils$.MODULE$.stripOuterReference(call);
    return new Generate(uncorrelated, g.unrequiredChildIndex(), g.outer(), g.qualifier(),
        g.generatorOutput(), join.left());
  }
}

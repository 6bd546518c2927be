package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.Scala;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Plans {@link EvalScalar}, and a projection right above it, as {@link ScalarEvalExec}. */
public final class ScalarStrategy extends SparkStrategy {
  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    // A projection right above is evaluated by the operator itself: it then buffers and copies
    // only the columns that projection reads.
    if (plan instanceof Project project && project.child() instanceof EvalScalar eval
        && Scala.list(project.projectList()).stream()
            .noneMatch(e -> SubqueryExpression.hasSubquery((Expression) e))) {
      return Scala.seq(new ScalarEvalExec(eval.calls(), eval.resultAttributes(),
          eval.guards(), eval.guardNotes(), project.projectList(), planLater(eval.child())));
    }
    if (plan instanceof EvalScalar eval) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      Seq<NamedExpression> all = (Seq) eval.output();
      return Scala.seq(new ScalarEvalExec(eval.calls(), eval.resultAttributes(),
          eval.guards(), eval.guardNotes(), all,
          planLater(eval.child())));
    }
    return Scala.seq();
  }
}

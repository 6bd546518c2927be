package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.Scala;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Plans {@link EvalScalar} as {@link ScalarEvalExec}. */
public final class ScalarStrategy extends SparkStrategy {
  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof EvalScalar eval) {
      return Scala.seq(new ScalarEvalExec(eval.calls(), eval.resultAttributes(),
          planLater(eval.child())));
    }
    return Scala.seq();
  }
}

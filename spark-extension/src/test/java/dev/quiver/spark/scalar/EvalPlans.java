package dev.quiver.spark.scalar;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;

/** Where a query's plan evaluates Quiver calls. */
final class EvalPlans {
  private EvalPlans() {}

  /**
   * The {@link ScalarEvalExec} operators of the plan as it stands, also inside adaptive query
   * stages: the final plan once the query ran, the initial one before (this does not run it).
   */
  static List<SparkPlan> operators(Dataset<?> df) {
    List<SparkPlan> found = new ArrayList<>();
    collect(df.queryExecution().executedPlan(), found);
    return found;
  }

  private static void collect(SparkPlan plan, List<SparkPlan> found) {
    if (plan instanceof ScalarEvalExec) {
      found.add(plan);
    }
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), found);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), found);
    }
    for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
      collect(child, found);
    }
  }
}

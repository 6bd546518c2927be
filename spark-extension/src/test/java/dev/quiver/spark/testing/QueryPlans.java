package dev.quiver.spark.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;

/** What the tests of every kind read in a query's plan: EXPLAIN, operators and their metrics. */
public final class QueryPlans {
  private QueryPlans() {}

  /** {@code EXPLAIN} of the query in {@code mode}: simple, extended, formatted, ... */
  public static String explain(Dataset<?> df, String mode) {
    return df.queryExecution().explainString(ExplainMode.fromString(mode));
  }

  /**
   * The operators of a class in the plan as it stands, also inside adaptive query stages: the
   * final plan once the query ran, the initial one before (this does not run it).
   */
  public static <T> List<T> operators(Dataset<?> df, Class<T> cls) {
    return operators(df.queryExecution().executedPlan(), cls);
  }

  /** The operators of a class in {@code plan}, also inside adaptive query stages. */
  public static <T> List<T> operators(SparkPlan plan, Class<T> cls) {
    List<T> found = new ArrayList<>();
    collect(plan, cls, found);
    return found;
  }

  /** The value of an operator's SQL metric. */
  public static long metric(SparkPlan plan, String name) {
    return plan.metrics().apply(name).value();
  }

  private static <T> void collect(SparkPlan plan, Class<T> cls, List<T> found) {
    if (cls.isInstance(plan)) {
      found.add(cls.cast(plan));
    }
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), cls, found);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), cls, found);
    }
    for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
      collect(child, cls, found);
    }
  }
}

package dev.quiver.spark.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;

/** Helpers to look into executed plans and results. */
final class Plans {
  private Plans() {}

  /** The operators of a class in the plan a query ran, also inside adaptive query stages. */
  static <T> List<T> operators(Dataset<?> df, Class<T> cls) {
    return operators(df.queryExecution().executedPlan(), cls);
  }

  static <T> List<T> operators(SparkPlan plan, Class<T> cls) {
    List<T> out = new ArrayList<>();
    walk(plan, cls, out);
    return out;
  }

  private static <T> void walk(SparkPlan plan, Class<T> cls, List<T> out) {
    if (cls.isInstance(plan)) {
      out.add(cls.cast(plan));
    }
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      walk(adaptive.finalPhysicalPlan(), cls, out);
    } else if (plan instanceof QueryStageExec stage) {
      walk(stage.plan(), cls, out);
    }
    for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
      walk(child, cls, out);
    }
  }

  /**
   * The first of Quiver's hash aggregates in the plan a query ran that aggregates in the given
   * phase: the partial one before the shuffle, or the final one after it.
   */
  static QuiverHashAggregateExec hashAggregate(Dataset<?> df, boolean partial) {
    return operators(df, QuiverHashAggregateExec.class).stream()
        .filter(op -> op.partialOutput() == partial).findFirst().orElseThrow();
  }

  static List<String> rows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  static List<String> sortedRows(Dataset<Row> df) {
    return rows(df).stream().sorted().collect(Collectors.toList());
  }

  static long metric(SparkPlan plan, String name) {
    return plan.metrics().apply(name).value();
  }
}

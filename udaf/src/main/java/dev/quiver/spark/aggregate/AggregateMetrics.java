package dev.quiver.spark.aggregate;

import dev.quiver.spark.execution.OperatorMetrics;
import org.apache.spark.sql.execution.metric.SQLMetric;

/** The SQL metrics of a Quiver aggregate operator, shipped to its tasks. */
final class AggregateMetrics extends OperatorMetrics {
  private static final long serialVersionUID = 1L;

  final SQLMetric spills;
  final SQLMetric spillSize;
  final SQLMetric peakMemory;

  AggregateMetrics(scala.collection.immutable.Map<String, SQLMetric> metrics) {
    super(metrics);
    this.spills = metrics.apply("numSpills");
    this.spillSize = metrics.apply("spillSize");
    this.peakMemory = metrics.apply("peakMemory");
  }
}

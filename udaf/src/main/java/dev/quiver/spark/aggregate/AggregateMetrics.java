package dev.quiver.spark.aggregate;

import java.io.Serializable;
import org.apache.spark.sql.execution.metric.SQLMetric;

/** The SQL metrics of a Quiver aggregate operator, shipped to its tasks. */
final class AggregateMetrics implements Serializable {
  private static final long serialVersionUID = 1L;

  final SQLMetric inputRows;
  final SQLMetric outputRows;
  final SQLMetric batches;
  final SQLMetric functionTime;
  final SQLMetric groups;
  final SQLMetric spills;
  final SQLMetric spillSize;
  final SQLMetric peakMemory;

  AggregateMetrics(scala.collection.immutable.Map<String, SQLMetric> metrics) {
    this.inputRows = metrics.apply("numInputRows");
    this.outputRows = metrics.apply("numOutputRows");
    this.batches = metrics.apply("numBatches");
    this.functionTime = metrics.apply("functionTime");
    this.groups = metrics.apply("numGroups");
    this.spills = metrics.apply("numSpills");
    this.spillSize = metrics.apply("spillSize");
    this.peakMemory = metrics.apply("peakMemory");
  }
}

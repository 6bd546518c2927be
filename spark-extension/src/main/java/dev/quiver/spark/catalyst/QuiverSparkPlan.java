package dev.quiver.spark.catalyst;

import dev.quiver.spark.execution.OperatorMetrics;
import java.util.Map;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;

/**
 * What every physical operator of Quiver has, whatever its number of children: the constructor
 * contract of {@link CaseClass}, and the operator's SQL metrics, which the SQL tab of the Spark
 * UI shows. Operators extend {@link QuiverExecNode} or {@link QuiverBinaryExecNode}.
 */
public abstract class QuiverSparkPlan extends SparkPlan implements CaseClass {
  private transient scala.collection.immutable.Map<String, SQLMetric> metrics;

  QuiverSparkPlan() {}

  /**
   * The operator's metrics by key; called once on the driver. Use {@link #countMetric},
   * {@link #timingMetric} and {@link #sizeMetric}.
   */
  protected abstract Map<String, SQLMetric> createMetrics();

  protected SQLMetric countMetric(String description) {
    return SQLMetrics.createMetric(sparkContext(), description);
  }

  protected SQLMetric timingMetric(String description) {
    return SQLMetrics.createNanoTimingMetric(sparkContext(), description, -1L);
  }

  protected SQLMetric sizeMetric(String description) {
    return SQLMetrics.createSizeMetric(sparkContext(), description, -1L);
  }

  /** The standard metrics every Quiver operator reports. */
  protected Map<String, SQLMetric> standardMetrics() {
    return standardMetrics(false);
  }

  /** The standard metrics; with {@code grouped}, also the number of groups. */
  protected Map<String, SQLMetric> standardMetrics(boolean grouped) {
    return OperatorMetrics.declare(sparkContext(), grouped);
  }

  /** The standard metrics as one record, to ship to the operator's tasks. */
  protected OperatorMetrics operatorMetrics() {
    return new OperatorMetrics(metrics());
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    if (metrics == null) {
      metrics = Scala.map(createMetrics());
    }
    return metrics;
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

package dev.quiver.spark.execution;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;

/**
 * The SQL metrics every Quiver operator reports (the SQL tab of the Spark UI shows them), as one
 * record shipped to its tasks: rows in and out, Arrow batches, time in Quiver functions, and for
 * operators over groups of rows the number of groups. Operators with more metrics extend it.
 */
public class OperatorMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String INPUT_ROWS = "numInputRows";
  public static final String OUTPUT_ROWS = "numOutputRows";
  public static final String BATCHES = "numBatches";
  public static final String FUNCTION_TIME = "functionTime";
  public static final String GROUPS = "numGroups";

  public final SQLMetric inputRows;
  public final SQLMetric outputRows;
  public final SQLMetric batches;
  public final SQLMetric functionTime;
  /** Null for an operator without groups. */
  public final SQLMetric groups;

  /** The record of an operator's metrics, as {@link #declare} made them. */
  public OperatorMetrics(scala.collection.Map<String, SQLMetric> metrics) {
    this.inputRows = metrics.apply(INPUT_ROWS);
    this.outputRows = metrics.apply(OUTPUT_ROWS);
    this.batches = metrics.apply(BATCHES);
    this.functionTime = metrics.apply(FUNCTION_TIME);
    this.groups = metrics.contains(GROUPS) ? metrics.apply(GROUPS) : null;
  }

  /** The standard metrics by key, on the driver; with {@code grouped}, the number of groups. */
  public static Map<String, SQLMetric> declare(SparkContext context, boolean grouped) {
    Map<String, SQLMetric> m = new LinkedHashMap<>();
    m.put(INPUT_ROWS, SQLMetrics.createMetric(context, "number of input rows"));
    m.put(OUTPUT_ROWS, SQLMetrics.createMetric(context, "number of output rows"));
    m.put(BATCHES, SQLMetrics.createMetric(context, "number of Arrow batches"));
    m.put(FUNCTION_TIME, SQLMetrics.createNanoTimingMetric(context, "time in Quiver functions",
        -1L));
    if (grouped) {
      m.put(GROUPS, SQLMetrics.createMetric(context, "number of groups"));
    }
    return m;
  }
}

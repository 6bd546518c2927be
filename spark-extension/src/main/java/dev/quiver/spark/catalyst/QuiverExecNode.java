package dev.quiver.spark.catalyst;

import dev.quiver.spark.execution.OperatorMetrics;
import java.util.Map;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Base for Quiver's physical operators with one child, written in Java; the physical twin of
 * {@link QuiverLogicalNode}, with the same constructor contract. It also owns the operator's SQL
 * metrics, which the SQL tab of the Spark UI shows.
 */
public abstract class QuiverExecNode extends SparkPlan implements UnaryExecNode, CaseClass {
  private final SparkPlan child;
  private transient scala.collection.immutable.Map<String, SQLMetric> metrics;

  protected QuiverExecNode(SparkPlan child) {
    this.child = child;
  }

  /**
   * A copy of this operator over another child, through its constructor (see {@link CaseClass});
   * a subclass overrides this only to carry over state the constructor does not take.
   */
  protected SparkPlan withNewChild(SparkPlan newChild) {
    return makeCopy(CaseClass.argsWithChildren(this, newChild));
  }

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
  public SparkPlan child() {
    return child;
  }

  @Override
  public Seq<SparkPlan> children() {
    return Scala.seq(child);
  }

  @Override
  public SparkPlan withNewChildInternal(SparkPlan newChild) {
    return withNewChild(newChild);
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return withNewChild(newChildren.head());
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

package dev.quiver.spark.catalyst;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnaryExecNode;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Base for Quiver's physical operators with one child, written in Java; the physical twin of
 * {@link QuiverLogicalNode}, with the same constructor contract. It also owns the operator's SQL
 * metrics, which the SQL tab of the Spark UI shows.
 */
public abstract class QuiverExecNode extends SparkPlan implements UnaryExecNode {
  private final SparkPlan child;
  private transient scala.collection.immutable.Map<String, SQLMetric> metrics;

  protected QuiverExecNode(SparkPlan child) {
    this.child = child;
  }

  /** The constructor arguments, in constructor order; the child among them. */
  protected abstract Object[] constructorArgs();

  /** A copy of this operator over another child. */
  protected abstract SparkPlan withNewChild(SparkPlan newChild);

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
    Map<String, SQLMetric> m = new LinkedHashMap<>();
    m.put("numInputRows", countMetric("number of input rows"));
    m.put("numOutputRows", countMetric("number of output rows"));
    m.put("numBatches", countMetric("number of Arrow batches"));
    m.put("functionTime", timingMetric("time in Quiver functions"));
    return m;
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    if (metrics == null) {
      metrics = scala.collection.immutable.Map$.MODULE$.from(
          CollectionConverters.asScala(createMetrics()));
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
  public int productArity() {
    return constructorArgs().length;
  }

  @Override
  public Object productElement(int n) {
    return constructorArgs()[n];
  }

  @Override
  public boolean canEqual(Object that) {
    return that != null && that.getClass() == getClass();
  }

  @Override
  public boolean equals(Object that) {
    return this == that || (canEqual(that)
        && Arrays.equals(constructorArgs(), ((QuiverExecNode) that).constructorArgs()));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(constructorArgs());
  }
}

package dev.quiver.spark.aggregate;

import dev.quiver.spark.shims.ScalaNames;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.catalyst.QuiverExecNode;
import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateMode;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.catalyst.expressions.aggregate.PartialMerge$;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnspecifiedDistribution$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * Base of Quiver's aggregate operators. They have the fields and the contract of Spark's
 * aggregate operators ({@code BaseAggregateExec}): the same distribution requirements, the same
 * output, and, in the partial modes, the same buffer columns, holding the same state bytes as
 * Spark's {@code ObjectHashAggregateExec} writes. Quiver's and Spark's operators therefore
 * combine freely on the two sides of a shuffle.
 *
 * <p>Quiver functions get the rows of each group as Arrow batches; built-in aggregates next to
 * them keep their buffers in the same hash table and are updated row by row with Spark's own
 * update and merge expressions.
 */
public abstract class QuiverAggregateExec extends QuiverExecNode {
  private final Option<Seq<Expression>> requiredChildDistributionExpressions;
  private final boolean isStreaming;
  private final Option<Object> numShufflePartitions;
  private final Seq<NamedExpression> groupingExpressions;
  private final Seq<AggregateExpression> aggregateExpressions;
  private final Seq<Attribute> aggregateAttributes;
  private final int initialInputBufferOffset;
  private final Seq<NamedExpression> resultExpressions;

  protected QuiverAggregateExec(Option<Seq<Expression>> requiredChildDistributionExpressions,
      boolean isStreaming, Option<Object> numShufflePartitions,
      Seq<NamedExpression> groupingExpressions, Seq<AggregateExpression> aggregateExpressions,
      Seq<Attribute> aggregateAttributes, int initialInputBufferOffset,
      Seq<NamedExpression> resultExpressions, SparkPlan child) {
    super(child);
    this.requiredChildDistributionExpressions = requiredChildDistributionExpressions;
    this.isStreaming = isStreaming;
    this.numShufflePartitions = numShufflePartitions;
    this.groupingExpressions = groupingExpressions;
    this.aggregateExpressions = aggregateExpressions;
    this.aggregateAttributes = aggregateAttributes;
    this.initialInputBufferOffset = initialInputBufferOffset;
    this.resultExpressions = resultExpressions;
  }

  /** Whether the input arrives sorted by the grouping keys, so groups can be finished early. */
  protected abstract boolean sortedInput();

  @Override
  public Object[] constructorArgs() {
    return new Object[] {requiredChildDistributionExpressions, isStreaming,
        numShufflePartitions, groupingExpressions, aggregateExpressions, aggregateAttributes,
        initialInputBufferOffset, resultExpressions, child()};
  }

  public Option<Seq<Expression>> requiredChildDistributionExpressions() {
    return requiredChildDistributionExpressions;
  }

  public boolean isStreaming() {
    return isStreaming;
  }

  public Option<Object> numShufflePartitions() {
    return numShufflePartitions;
  }

  public Seq<NamedExpression> groupingExpressions() {
    return groupingExpressions;
  }

  public Seq<AggregateExpression> aggregateExpressions() {
    return aggregateExpressions;
  }

  public Seq<Attribute> aggregateAttributes() {
    return aggregateAttributes;
  }

  public int initialInputBufferOffset() {
    return initialInputBufferOffset;
  }

  public Seq<NamedExpression> resultExpressions() {
    return resultExpressions;
  }

  /** Whether this operator outputs aggregation buffers (Partial, PartialMerge) or results. */
  public boolean partialOutput() {
    return !Scala.list(aggregateExpressions).stream().map(AggregateExpression::mode)
        .anyMatch(m -> m == Final$.MODULE$
            || m == org.apache.spark.sql.catalyst.expressions.aggregate.Complete$.MODULE$);
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    Map<String, SQLMetric> m = standardMetrics();
    m.put("numGroups", countMetric("number of groups"));
    m.put("numSpills", countMetric("number of early flushes and spills"));
    m.put("spillSize", sizeMetric("spill size"));
    m.put("peakMemory", sizeMetric("peak memory"));
    return m;
  }

  @Override
  public Seq<Attribute> output() {
    List<Attribute> out = new ArrayList<>();
    for (NamedExpression e : Scala.list(resultExpressions)) {
      out.add(e.toAttribute());
    }
    return Scala.seq(out);
  }

  @Override
  public AttributeSet producedAttributes() {
    List<Expression> produced = new ArrayList<>(Scala.list(aggregateAttributes));
    List<Expression> grouping = new ArrayList<>();
    for (NamedExpression g : Scala.list(groupingExpressions)) {
      grouping.add((Expression) g);
    }
    for (NamedExpression e : Scala.list(resultExpressions)) {
      if (!grouping.contains(e)) {
        produced.add(e.toAttribute());
      }
    }
    for (AggregateExpression ae : Scala.list(aggregateExpressions)) {
      produced.addAll(Scala.list(ae.aggregateFunction().aggBufferAttributes()));
    }
    List<Attribute> childOutput = Scala.list(child().output());
    for (Attribute a : mergedBufferAttributes()) {
      if (!childOutput.contains(a)) {
        produced.add(a);
      }
    }
    return Scala.attributeSet(Scala.seq(produced));
  }

  @Override
  public Seq<Distribution> requiredChildDistribution() {
    if (requiredChildDistributionExpressions.isEmpty()) {
      return Scala.seq(UnspecifiedDistribution$.MODULE$);
    }
    Seq<Expression> exprs = requiredChildDistributionExpressions.get();
    if (exprs.isEmpty()) {
      return Scala.seq(AllTuples$.MODULE$);
    }
    return Scala.seq(ScalaNames.clusteredDistribution(exprs));
  }

  /** The child's partitioning, when it is still expressed in columns this operator outputs. */
  @Override
  public Partitioning outputPartitioning() {
    Partitioning partitioning = child().outputPartitioning();
    if (partitioning instanceof org.apache.spark.sql.catalyst.expressions.Expression e
        && !e.references().subsetOf(outputSet())) {
      return new UnknownPartitioning(partitioning.numPartitions());
    }
    return partitioning;
  }

  /**
   * The input attributes as Spark's aggregate operators bind them: the child's output, with the
   * buffer columns of merging functions taken from this operator's own function instances.
   */
  Seq<Attribute> inputAttributes() {
    List<Attribute> merged = mergedBufferAttributes();
    List<Attribute> childOutput = Scala.list(child().output());
    if (merged.isEmpty()) {
      return child().output();
    }
    List<Attribute> out = new ArrayList<>(childOutput.subList(0,
        Math.max(0, childOutput.size() - merged.size())));
    out.addAll(merged);
    return Scala.seq(out);
  }

  private List<Attribute> mergedBufferAttributes() {
    List<Attribute> merged = new ArrayList<>();
    for (AggregateExpression ae : Scala.list(aggregateExpressions)) {
      AggregateMode mode = ae.mode();
      if (mode == Final$.MODULE$ || mode == PartialMerge$.MODULE$) {
        merged.addAll(Scala.list(ae.aggregateFunction().inputAggBufferAttributes()));
      }
    }
    return merged;
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + "(keys=" + Scala.list(groupingExpressions) + ", functions="
        + Scala.list(aggregateExpressions).stream().map(Object::toString)
            .collect(Collectors.joining(", ", "[", "]")) + ")";
  }

  @Override
  public String verboseStringWithOperatorId() {
    return formattedNodeName() + "\nInput: " + Scala.list(child().output())
        + "\nKeys: " + Scala.list(groupingExpressions)
        + "\nFunctions: " + Scala.list(aggregateExpressions)
        + "\nAggregate Attributes: " + Scala.list(aggregateAttributes)
        + "\nResults: " + Scala.list(resultExpressions) + "\n";
  }

  @Override
  public RDD<InternalRow> doExecute() {
    SQLConf conf = SQLConf.get();
    AggregatePartitions partitions = new AggregatePartitions(groupingExpressions,
        aggregateExpressions, aggregateAttributes, initialInputBufferOffset, resultExpressions,
        inputAttributes(), partialOutput(), sortedInput(), QuiverConf.batchSize(),
        AggregateConf.maxGroups(), conf.sessionLocalTimeZone(),
        new AggregateMetrics(metrics()));
    return child().execute().mapPartitionsInternal(partitions, false,
        Scala.classTag(InternalRow.class));
  }
}

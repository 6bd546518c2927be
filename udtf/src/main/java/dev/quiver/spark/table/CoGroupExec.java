package dev.quiver.spark.table;

import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.arrow.TaskCompletion;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.execution.PartitionFunction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.execution.BinaryExecNode;
import org.apache.spark.sql.execution.CoGroupedIterator;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.Metadata;
import scala.Option;
import scala.Tuple3;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Runs a {@link CoGroupFunction} over two inputs clustered and sorted by their keys: the
 * counterpart of Spark's {@code FlatMapCoGroupsInArrowExec}. {@code EnsureRequirements}
 * co-partitions the inputs; groups of equal keys are matched with Spark's
 * {@link CoGroupedIterator} and streamed side by side through a fresh instance each.
 */
public final class CoGroupExec extends SparkPlan implements BinaryExecNode {
  private final FunctionHandle function;
  private final Seq<Expression> leftKeys;
  private final Seq<Expression> rightKeys;
  private final Seq<SortOrder> leftOrder;
  private final Seq<SortOrder> rightOrder;
  private final Seq<Attribute> resultAttributes;
  private final SparkPlan left;
  private final SparkPlan right;
  private transient scala.collection.immutable.Map<String, SQLMetric> metrics;

  public CoGroupExec(FunctionHandle function, Seq<Expression> leftKeys, Seq<Expression> rightKeys,
      Seq<SortOrder> leftOrder, Seq<SortOrder> rightOrder, Seq<Attribute> resultAttributes,
      SparkPlan left, SparkPlan right) {
    this.function = function;
    this.leftKeys = leftKeys;
    this.rightKeys = rightKeys;
    this.leftOrder = leftOrder;
    this.rightOrder = rightOrder;
    this.resultAttributes = resultAttributes;
    this.left = left;
    this.right = right;
  }

  @Override
  public SparkPlan left() {
    return left;
  }

  @Override
  public SparkPlan right() {
    return right;
  }

  @Override
  public Seq<SparkPlan> children() {
    return Scala.seq(left, right);
  }

  @Override
  public SparkPlan withNewChildrenInternal(SparkPlan newLeft, SparkPlan newRight) {
    return new CoGroupExec(function, leftKeys, rightKeys, leftOrder, rightOrder,
        resultAttributes, newLeft, newRight);
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return withNewChildrenInternal(newChildren.apply(0), newChildren.apply(1));
  }

  @Override
  public Seq<Attribute> output() {
    return resultAttributes;
  }

  @Override
  public String nodeName() {
    return "QuiverCoGroupedMap";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + function.name() + " " + Scala.list(leftKeys) + ", "
        + Scala.list(rightKeys) + ", " + Scala.list(resultAttributes);
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    if (metrics == null) {
      Map<String, SQLMetric> m = new LinkedHashMap<>();
      m.put("numInputRows", SQLMetrics.createMetric(sparkContext(), "number of input rows"));
      m.put("numOutputRows", SQLMetrics.createMetric(sparkContext(), "number of output rows"));
      m.put("numBatches", SQLMetrics.createMetric(sparkContext(), "number of Arrow batches"));
      m.put("functionTime", SQLMetrics.createNanoTimingMetric(sparkContext(),
          "time in Quiver functions", -1L));
      m.put("numGroups", SQLMetrics.createMetric(sparkContext(), "number of groups"));
      metrics = scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(m));
    }
    return metrics;
  }

  @Override
  public Seq<Distribution> requiredChildDistribution() {
    return Scala.seq(
        new ClusteredDistribution(leftKeys, ClusteredDistribution.apply$default$2(),
            Option.empty()),
        new ClusteredDistribution(rightKeys, ClusteredDistribution.apply$default$2(),
            Option.empty()));
  }

  @Override
  public Seq<Seq<SortOrder>> requiredChildOrdering() {
    return Scala.seq(ordering(leftKeys, leftOrder), ordering(rightKeys, rightOrder));
  }

  private static Seq<SortOrder> ordering(Seq<Expression> keys, Seq<SortOrder> order) {
    List<SortOrder> out = new ArrayList<>();
    for (Expression key : Scala.list(keys)) {
      out.add(TableFunctionExec.ascending(key));
    }
    out.addAll(Scala.list(order));
    return Scala.seq(out);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    List<Attribute> keySchema = new ArrayList<>();
    int i = 0;
    for (Expression key : Scala.list(leftKeys)) {
      keySchema.add(new AttributeReference("key" + i++, key.dataType(), true, Metadata.empty(),
          NamedExpression.newExprId(), Scala.seq()));
    }
    String timeZone = SQLConf.get().sessionLocalTimeZone();
    Evaluation evaluation = new Evaluation(function, leftKeys, rightKeys, left.output(),
        right.output(), Scala.seq(keySchema), TableFunctionExec.schemaOf(resultAttributes),
        timeZone, QuiverConf.batchSize(), metrics().apply("numInputRows"),
        metrics().apply("numOutputRows"), metrics().apply("numBatches"),
        metrics().apply("functionTime"), metrics().apply("numGroups"));
    return left.execute().zipPartitions(right.execute(), false, evaluation,
        ClassTag$.MODULE$.apply(InternalRow.class), ClassTag$.MODULE$.apply(InternalRow.class));
  }

  private Object[] constructorArgs() {
    return new Object[] {function, leftKeys, rightKeys, leftOrder, rightOrder, resultAttributes,
        left, right};
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
    return that instanceof CoGroupExec;
  }

  @Override
  public boolean equals(Object that) {
    return this == that || (that instanceof CoGroupExec other
        && Arrays.equals(constructorArgs(), other.constructorArgs()));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(constructorArgs());
  }

  /** The two-input counterpart of {@link PartitionFunction}. */
  private static final class Evaluation extends AbstractFunction2<Iterator<InternalRow>,
      Iterator<InternalRow>, Iterator<InternalRow>> implements Serializable {
    private static final long serialVersionUID = 1L;
    final FunctionHandle function;
    final Seq<Expression> leftKeys;
    final Seq<Expression> rightKeys;
    final Seq<Attribute> leftInput;
    final Seq<Attribute> rightInput;
    final Seq<Attribute> keySchema;
    final org.apache.spark.sql.types.StructType resultType;
    final String timeZone;
    final int batchSize;
    final SQLMetric inputRows;
    final SQLMetric outputRows;
    final SQLMetric batches;
    final SQLMetric functionTime;
    final SQLMetric groups;

    Evaluation(FunctionHandle function, Seq<Expression> leftKeys, Seq<Expression> rightKeys,
        Seq<Attribute> leftInput, Seq<Attribute> rightInput, Seq<Attribute> keySchema,
        org.apache.spark.sql.types.StructType resultType, String timeZone, int batchSize,
        SQLMetric inputRows, SQLMetric outputRows, SQLMetric batches, SQLMetric functionTime,
        SQLMetric groups) {
      this.function = function;
      this.leftKeys = leftKeys;
      this.rightKeys = rightKeys;
      this.leftInput = leftInput;
      this.rightInput = rightInput;
      this.keySchema = keySchema;
      this.resultType = resultType;
      this.timeZone = timeZone;
      this.batchSize = batchSize;
      this.inputRows = inputRows;
      this.outputRows = outputRows;
      this.batches = batches;
      this.functionTime = functionTime;
      this.groups = groups;
    }

    @Override
    public Iterator<InternalRow> apply(Iterator<InternalRow> leftRows,
        Iterator<InternalRow> rightRows) {
      return new Evaluator(this, leftRows, rightRows, TaskContext.get());
    }
  }

  /** Like the evaluator of {@link TableFunctionExec}, over the matched groups of both sides. */
  private static final class Evaluator extends AbstractIterator<InternalRow> {
    private final Evaluation plan;
    private final TaskContext task;
    private final Iterator<Tuple3<InternalRow, Iterator<InternalRow>, Iterator<InternalRow>>>
        groups;
    private final RowBatchWriter leftWriter;
    private final RowBatchWriter rightWriter;
    private final RowEmitter emitter;
    private final StreamedCalls calls;
    private final FunctionInstances<CoGroupFunction> instances;
    private Iterator<InternalRow> leftGroup;
    private Iterator<InternalRow> rightGroup;
    private boolean inGroup;
    private boolean finished;

    Evaluator(Evaluation plan, Iterator<InternalRow> leftRows, Iterator<InternalRow> rightRows,
        TaskContext task) {
      this.plan = plan;
      this.task = task;
      this.groups = new CoGroupedIterator(
          TableFunctionExec.groupsOf(leftRows, plan.leftKeys, plan.leftInput),
          TableFunctionExec.groupsOf(rightRows, plan.rightKeys, plan.rightInput), plan.keySchema);
      BufferAllocator allocator = QuiverMemory.taskAllocator(task);
      this.leftWriter = new RowBatchWriter(TableFunctionExec.schemaOf(plan.leftInput),
          plan.timeZone, allocator);
      this.rightWriter = new RowBatchWriter(TableFunctionExec.schemaOf(plan.rightInput),
          plan.timeZone, allocator);
      this.emitter = new RowEmitter(plan.function.name(), plan.resultType, plan.timeZone);
      this.calls = new StreamedCalls(plan.function.name(), task, plan.batchSize,
          plan.outputRows);
      emitter.sinkTo(row -> calls.add(row.copy()));
      this.instances = new FunctionInstances<>(plan.function, CoGroupFunction.class, task,
          emitter, plan.functionTime);
      task.addTaskCompletionListener(new TaskCompletion(this::release));
    }

    @Override
    public boolean hasNext() {
      while (!calls.hasRow()) {
        if (finished || !step()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return calls.next();
    }

    private boolean step() {
      // Sources such as range() do not check for kills themselves.
      task.killTaskIfInterrupted();
      if (!inGroup) {
        if (!groups.hasNext()) {
          finished = true;
          release();
          return false;
        }
        Tuple3<InternalRow, Iterator<InternalRow>, Iterator<InternalRow>> group = groups.next();
        leftGroup = group._2();
        rightGroup = group._3();
        inGroup = true;
        plan.groups.add(1);
        instances.open();
      } else if (leftGroup.hasNext()) {
        VectorSchemaRoot batch = fill(leftWriter, leftGroup);
        calls.start(() -> instances.eval("evalLeft", f -> f.evalLeft(batch, emitter)), more -> {
          if (!more) {
            leftGroup = scala.collection.Iterator$.MODULE$.empty();
          }
        });
      } else if (rightGroup.hasNext()) {
        VectorSchemaRoot batch = fill(rightWriter, rightGroup);
        calls.start(() -> instances.eval("evalRight", f -> f.evalRight(batch, emitter)),
            more -> {
              if (!more) {
                rightGroup = scala.collection.Iterator$.MODULE$.empty();
              }
            });
      } else {
        inGroup = false;
        calls.start(() -> instances.eval("terminate", f -> f.terminate(emitter)),
            done -> instances.closeCurrent());
      }
      return true;
    }

    private VectorSchemaRoot fill(RowBatchWriter writer, Iterator<InternalRow> rows) {
      writer.reset();
      int count = 0;
      while (count < plan.batchSize && rows.hasNext()) {
        writer.write(rows.next());
        count++;
      }
      plan.inputRows.add(count);
      plan.batches.add(1);
      return writer.finish();
    }

    private void release() {
      try {
        // The worker first, so that the instance and the input batches outlive its last call.
        calls.close();
        instances.close();
      } finally {
        leftWriter.close();
        rightWriter.close();
      }
    }
  }
}

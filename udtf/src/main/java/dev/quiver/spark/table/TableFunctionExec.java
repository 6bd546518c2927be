package dev.quiver.spark.table;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.arrow.TaskCompletion;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.QuiverExecNode;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.execution.PartitionFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.UnspecifiedDistribution$;
import org.apache.spark.sql.execution.GroupedIterator;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.Tuple2;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;

/**
 * Runs a Quiver table function over its TABLE argument: the counterpart of Spark's
 * {@code ArrowEvalPythonUDTFExec} and {@code FlatMapGroupsInArrowExec}. It requires its child to
 * be clustered by the partition keys (or in one partition for {@code WITH SINGLE PARTITION}) and
 * sorted by the keys and then the ORDER BY, so {@code EnsureRequirements} adds exactly the
 * shuffle and sort needed. Groups are runs of equal keys; each gets a fresh function instance,
 * its rows in Arrow batches of at most {@code spark.quiver.batchSize} rows, and one
 * {@code terminate}. Only one input batch and a few chunks of output are held at a time, so a
 * group of any size streams through, and so does the output of a call.
 */
public final class TableFunctionExec extends QuiverExecNode {
  private final FunctionHandle function;
  private final Seq<Expression> arguments;
  private final Seq<String> argumentNames;
  private final Seq<Expression> partitionBy;
  private final Seq<SortOrder> orderBy;
  private final boolean singlePartition;
  private final Seq<Attribute> resultAttributes;
  private final Seq<Attribute> tableColumns;

  public TableFunctionExec(FunctionHandle function, Seq<Expression> arguments,
      Seq<String> argumentNames, Seq<Expression> partitionBy, Seq<SortOrder> orderBy,
      boolean singlePartition, Seq<Attribute> resultAttributes, Seq<Attribute> tableColumns,
      SparkPlan child) {
    super(child);
    this.tableColumns = tableColumns;
    this.function = function;
    this.arguments = arguments;
    this.argumentNames = argumentNames;
    this.partitionBy = partitionBy;
    this.orderBy = orderBy;
    this.singlePartition = singlePartition;
    this.resultAttributes = resultAttributes;
  }

  @Override
  protected Object[] constructorArgs() {
    return new Object[] {function, arguments, argumentNames, partitionBy, orderBy,
        singlePartition, resultAttributes, tableColumns, child()};
  }

  @Override
  protected SparkPlan withNewChild(SparkPlan newChild) {
    return new TableFunctionExec(function, arguments, argumentNames, partitionBy, orderBy,
        singlePartition, resultAttributes, tableColumns, newChild);
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    Map<String, SQLMetric> metrics = standardMetrics();
    metrics.put("numGroups", countMetric("number of groups"));
    return metrics;
  }

  @Override
  public Seq<Attribute> output() {
    return resultAttributes;
  }

  @Override
  public String nodeName() {
    return "QuiverTableFunction";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + describe(function, arguments, argumentNames, partitionBy, orderBy,
        singlePartition) + ", " + Scala.list(resultAttributes);
  }

  static String describe(FunctionHandle function, Seq<Expression> arguments,
      Seq<String> argumentNames, Seq<Expression> partitionBy, Seq<SortOrder> orderBy,
      boolean singlePartition) {
    List<String> args = new ArrayList<>();
    args.add("TABLE");
    List<String> names = Scala.list(argumentNames);
    List<Expression> values = Scala.list(arguments);
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i).sql();
      args.add(names.get(i).isEmpty() ? value : names.get(i) + " => " + value);
    }
    String text = function.name() + "(" + String.join(", ", args) + ")";
    if (singlePartition) {
      text += " WITH SINGLE PARTITION";
    } else if (!partitionBy.isEmpty()) {
      text += " PARTITION BY " + Scala.list(partitionBy);
    }
    if (!orderBy.isEmpty()) {
      text += " ORDER BY " + Scala.list(orderBy);
    }
    return text;
  }

  @Override
  public Seq<Distribution> requiredChildDistribution() {
    Distribution required;
    if (!partitionBy.isEmpty()) {
      required = new ClusteredDistribution(partitionBy,
          ClusteredDistribution.apply$default$2(), Option.empty());
    } else if (singlePartition) {
      required = AllTuples$.MODULE$;
    } else {
      required = UnspecifiedDistribution$.MODULE$;
    }
    return Scala.seq(required);
  }

  @Override
  public Seq<Seq<SortOrder>> requiredChildOrdering() {
    List<SortOrder> ordering = new ArrayList<>();
    for (Expression key : Scala.list(partitionBy)) {
      ordering.add(ascending(key));
    }
    ordering.addAll(Scala.list(orderBy));
    return Scala.seq(Scala.seq(ordering));
  }

  static SortOrder ascending(Expression key) {
    return new SortOrder(key, Ascending$.MODULE$, Ascending$.MODULE$.defaultNullOrdering(),
        Scala.seq());
  }

  @Override
  public RDD<InternalRow> doExecute() {
    String timeZone = SQLConf.get().sessionLocalTimeZone();
    Evaluation evaluation = new Evaluation(function, arguments, argumentNames, partitionBy,
        child().output(), tableColumns, schemaOf(resultAttributes), timeZone,
        QuiverConf.batchSize(),
        metrics().apply("numInputRows"), metrics().apply("numOutputRows"),
        metrics().apply("numBatches"), metrics().apply("functionTime"),
        metrics().apply("numGroups"));
    return child().execute().mapPartitionsInternal(evaluation, false,
        ClassTag$.MODULE$.apply(InternalRow.class));
  }

  static StructType schemaOf(Seq<Attribute> attributes) {
    List<StructField> fields = new ArrayList<>();
    for (Attribute a : Scala.list(attributes)) {
      fields.add(new StructField(a.name(), a.dataType(), a.nullable(), Metadata.empty()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** Runs of rows with equal keys, each as an iterator over the group's rows. */
  static Iterator<Tuple2<InternalRow, Iterator<InternalRow>>> groupsOf(Iterator<InternalRow> rows,
      Seq<Expression> keys, Seq<Attribute> input) {
    return GroupedIterator.apply(rows, keys, input);
  }

  /** Constant scalar arguments as the function sees them. */
  static Arguments constantArguments(Seq<Expression> arguments, Seq<String> names) {
    Arguments.Builder builder = Arguments.builder();
    List<String> nameList = Scala.list(names);
    List<Expression> values = Scala.list(arguments);
    for (int i = 0; i < values.size(); i++) {
      Expression e = values.get(i);
      DataType type = e.dataType();
      builder.add(nameList.get(i).isEmpty() ? null : nameList.get(i),
          JavaValues.toJava(e.eval(null), type), type.simpleString(), true);
    }
    return builder.build();
  }

  /** What an executor needs to run the function over one partition. */
  private static final class Evaluation extends PartitionFunction {
    private static final long serialVersionUID = 1L;
    final FunctionHandle function;
    final Seq<Expression> arguments;
    final Seq<String> argumentNames;
    final Seq<Expression> partitionBy;
    final Seq<Attribute> input;
    final Seq<Attribute> tableColumns;
    final StructType resultType;
    final String timeZone;
    final int batchSize;
    final SQLMetric inputRows;
    final SQLMetric outputRows;
    final SQLMetric batches;
    final SQLMetric functionTime;
    final SQLMetric groups;

    Evaluation(FunctionHandle function, Seq<Expression> arguments, Seq<String> argumentNames,
        Seq<Expression> partitionBy, Seq<Attribute> input, Seq<Attribute> tableColumns,
        StructType resultType,
        String timeZone, int batchSize, SQLMetric inputRows, SQLMetric outputRows,
        SQLMetric batches, SQLMetric functionTime, SQLMetric groups) {
      this.function = function;
      this.arguments = arguments;
      this.argumentNames = argumentNames;
      this.partitionBy = partitionBy;
      this.input = input;
      this.tableColumns = tableColumns;
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
    public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
      return new Evaluator(this, rows, TaskContext.get());
    }
  }

  /**
   * Pulls the groups of one partition through the function: open, then eval per batch until the
   * group ends or the function skips the rest, then terminate and close. The calls run on the
   * worker of {@link StreamedCalls}, so rows come out as they are emitted; input batches are
   * filled, and task kills checked, on the task's thread between calls.
   */
  private static final class Evaluator extends AbstractIterator<InternalRow> {
    private final Evaluation plan;
    private final TaskContext task;
    private final Arguments arguments;
    private final RowBatchWriter writer;
    /** The TABLE argument's columns out of the child's rows; null when they are all it has. */
    private final UnsafeProjection tableRow;
    private final RowEmitter emitter;
    private final StreamedCalls calls;
    private final FunctionInstances<TableFunction> instances;
    private final Iterator<Tuple2<InternalRow, Iterator<InternalRow>>> keyedGroups;
    private Iterator<InternalRow> wholePartition;
    private Iterator<InternalRow> group;
    private boolean finished;

    Evaluator(Evaluation plan, Iterator<InternalRow> rows, TaskContext task) {
      this.plan = plan;
      this.task = task;
      this.arguments = constantArguments(plan.arguments, plan.argumentNames);
      if (plan.partitionBy.isEmpty()) {
        this.keyedGroups = null;
        this.wholePartition = rows;
      } else {
        this.keyedGroups = groupsOf(rows, plan.partitionBy, plan.input);
      }
      this.writer = new RowBatchWriter(TableFunctionExec.schemaOf(plan.tableColumns),
          plan.timeZone, QuiverMemory.taskAllocator(task));
      this.tableRow = plan.tableColumns.equals(plan.input) ? null
          : UnsafeProjection.create(
              Scala.seq(new ArrayList<Expression>(Scala.list(plan.tableColumns))), plan.input);
      this.emitter = new RowEmitter(plan.function.name(), plan.resultType, plan.timeZone);
      this.calls = new StreamedCalls(plan.function.name(), task, plan.batchSize,
          plan.outputRows);
      emitter.sinkTo(row -> calls.add(row.copy()));
      this.instances = new FunctionInstances<>(plan.function, TableFunction.class, task,
          emitter, plan.functionTime);
      // Runs before the task allocator's listener (registered earlier): the instance closes and
      // checks its own allocator, then the input batch is released.
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

    /** One unit of work: start a group, evaluate a batch, or end a group. */
    private boolean step() {
      // Sources such as range() do not check for kills themselves.
      task.killTaskIfInterrupted();
      if (group == null) {
        group = nextGroup();
        if (group == null) {
          finish();
          return false;
        }
        plan.groups.add(1);
        instances.open();
      } else if (group.hasNext()) {
        evalBatch();
      } else {
        group = null;
        calls.start(() -> instances.eval("terminate", f -> f.terminate(emitter)),
            done -> instances.closeCurrent());
      }
      return true;
    }

    private Iterator<InternalRow> nextGroup() {
      if (keyedGroups == null) {
        Iterator<InternalRow> all = wholePartition;
        wholePartition = null; // a partition without keys is one group, also when empty
        return all;
      }
      return keyedGroups.hasNext() ? keyedGroups.next()._2() : null;
    }

    private void evalBatch() {
      writer.reset();
      int rows = 0;
      while (rows < plan.batchSize && group.hasNext()) {
        InternalRow row = group.next();
        writer.write(tableRow == null ? row : tableRow.apply(row));
        rows++;
      }
      VectorSchemaRoot batch = writer.finish();
      plan.inputRows.add(rows);
      plan.batches.add(1);
      calls.start(() -> instances.eval("eval", f -> f.eval(batch, arguments, emitter)),
          more -> {
            if (!more) {
              // The grouped iterator skips the rest of the group when asked for the next one.
              group = scala.collection.Iterator$.MODULE$.empty();
            }
          });
    }

    /** End of the partition: close now, so that a leak fails this task rather than later. */
    private void finish() {
      finished = true;
      release();
    }

    private void release() {
      try {
        // The worker first, so that the instance and the input batch outlive its last call.
        calls.close();
        instances.close();
      } finally {
        writer.close();
      }
    }
  }
}

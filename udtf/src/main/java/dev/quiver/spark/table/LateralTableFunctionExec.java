package dev.quiver.spark.table;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.TaskCompletion;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.QuiverExecNode;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.execution.PartitionFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;

/**
 * Runs a Quiver table function called without a TABLE argument, once per input row, and joins
 * each row with what the function emitted for it: the physical form of
 * {@code Generate(TableFunctionGenerator)}, replacing Spark's {@code GenerateExec} with the same
 * semantics (one instance per partition, {@code terminate} at its end, joined with its last row;
 * {@code outer} keeps rows that produced nothing). For {@code f(5)} the input is Spark's single
 * row of {@code OneRowRelation}; for {@code FROM t, LATERAL f(t.x)}, after decorrelation, the
 * rows of {@code t}.
 */
public final class LateralTableFunctionExec extends QuiverExecNode {
  private final TableFunctionGenerator generator;
  private final Seq<Attribute> requiredChildOutput;
  private final boolean outer;
  private final Seq<Attribute> generatorOutput;

  public LateralTableFunctionExec(TableFunctionGenerator generator,
      Seq<Attribute> requiredChildOutput, boolean outer, Seq<Attribute> generatorOutput,
      SparkPlan child) {
    super(child);
    this.generator = generator;
    this.requiredChildOutput = requiredChildOutput;
    this.outer = outer;
    this.generatorOutput = generatorOutput;
  }

  @Override
  protected Object[] constructorArgs() {
    return new Object[] {generator, requiredChildOutput, outer, generatorOutput, child()};
  }

  @Override
  protected SparkPlan withNewChild(SparkPlan newChild) {
    return new LateralTableFunctionExec(generator, requiredChildOutput, outer, generatorOutput,
        newChild);
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    return standardMetrics();
  }

  @Override
  public Seq<Attribute> output() {
    return requiredChildOutput.appendedAll(generatorOutput).toList();
  }

  @Override
  public AttributeSet producedAttributes() {
    return Scala.attributeSet(generatorOutput);
  }

  @Override
  public String nodeName() {
    return "QuiverTableFunction";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + generator + (outer ? " OUTER" : "") + " per row, "
        + Scala.list(requiredChildOutput) + ", " + Scala.list(generatorOutput);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Evaluation evaluation = new Evaluation(generator.function(), generator.children(),
        generator.argumentNames(), requiredChildOutput, outer, child().output(),
        TableFunctionExec.schemaOf(generatorOutput), output(),
        SQLConf.get().sessionLocalTimeZone(), QuiverConf.batchSize(),
        metrics().apply("numInputRows"),
        metrics().apply("numOutputRows"), metrics().apply("numBatches"),
        metrics().apply("functionTime"));
    return child().execute().mapPartitionsInternal(evaluation, false,
        ClassTag$.MODULE$.apply(InternalRow.class));
  }

  private static final class Evaluation extends PartitionFunction {
    private static final long serialVersionUID = 1L;
    final FunctionHandle function;
    final Seq<Expression> arguments;
    final Seq<String> argumentNames;
    final Seq<Attribute> requiredChildOutput;
    final boolean outer;
    final Seq<Attribute> input;
    final StructType resultType;
    final Seq<Attribute> output;
    final String timeZone;
    final int batchSize;
    final SQLMetric inputRows;
    final SQLMetric outputRows;
    final SQLMetric batches;
    final SQLMetric functionTime;

    Evaluation(FunctionHandle function, Seq<Expression> arguments, Seq<String> argumentNames,
        Seq<Attribute> requiredChildOutput, boolean outer, Seq<Attribute> input,
        StructType resultType, Seq<Attribute> output, String timeZone, int batchSize,
        SQLMetric inputRows, SQLMetric outputRows, SQLMetric batches, SQLMetric functionTime) {
      this.function = function;
      this.arguments = arguments;
      this.argumentNames = argumentNames;
      this.requiredChildOutput = requiredChildOutput;
      this.outer = outer;
      this.input = input;
      this.resultType = resultType;
      this.output = output;
      this.timeZone = timeZone;
      this.batchSize = batchSize;
      this.inputRows = inputRows;
      this.outputRows = outputRows;
      this.batches = batches;
      this.functionTime = functionTime;
    }

    @Override
    public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
      return new Evaluator(this, rows, TaskContext.get());
    }
  }

  /**
   * One call of the function per input row, on the worker of {@link StreamedCalls}, which joins
   * each emitted row with the input row it came from as it is emitted; the input is read, and
   * task kills are checked, on the task's thread between calls.
   */
  private static final class Evaluator extends AbstractIterator<InternalRow> {
    private final Evaluation plan;
    private final TaskContext task;
    private final Iterator<InternalRow> input;
    private final UnsafeProjection argumentProjection;
    private final UnsafeProjection leftProjection;
    private final UnsafeProjection outputProjection;
    private final DataType[] argumentTypes;
    private final List<String> argumentNames;
    private final RowEmitter emitter;
    private final StreamedCalls calls;
    private final FunctionInstances<TableFunction> instances;
    private final VectorSchemaRoot oneRow = new VectorSchemaRoot(List.<Field>of(),
        List.<FieldVector>of(), 1);
    private final JoinedRow joined = new JoinedRow();
    private final InternalRow nullResult;
    private InternalRow left;
    private boolean started;
    private boolean skipping;
    private boolean pendingOuterRow;
    private boolean finished;

    Evaluator(Evaluation plan, Iterator<InternalRow> input, TaskContext task) {
      this.plan = plan;
      this.task = task;
      this.input = input;
      this.argumentProjection = UnsafeProjection.create(plan.arguments, plan.input);
      this.leftProjection = UnsafeProjection.create(
          Scala.seq(new ArrayList<Expression>(Scala.list(plan.requiredChildOutput))), plan.input);
      this.outputProjection = UnsafeProjection.create(
          Scala.seq(new ArrayList<Expression>(Scala.list(plan.output))), plan.output);
      // Arguments may be non-deterministic (rand()): their state is per partition.
      argumentProjection.initialize(task.partitionId());
      leftProjection.initialize(task.partitionId());
      outputProjection.initialize(task.partitionId());
      List<Expression> args = Scala.list(plan.arguments);
      this.argumentTypes = new DataType[args.size()];
      for (int i = 0; i < argumentTypes.length; i++) {
        argumentTypes[i] = args.get(i).dataType();
      }
      this.argumentNames = Scala.list(plan.argumentNames);
      this.nullResult = new GenericInternalRow(plan.resultType.length());
      this.left = new GenericInternalRow(plan.requiredChildOutput.length());
      this.emitter = new RowEmitter(plan.function.name(), plan.resultType, plan.timeZone);
      this.calls = new StreamedCalls(plan.function.name(), task, plan.batchSize,
          plan.outputRows);
      // On the worker, while the task's thread waits: left is the row being evaluated.
      emitter.sinkTo(row -> calls.add(joinWithLeft(row)));
      this.instances = new FunctionInstances<>(plan.function, TableFunction.class, task,
          emitter, plan.functionTime);
      // The task allocator's listener must be registered first, so that it runs last, after
      // this one closed the instance and its allocator.
      QuiverMemory.taskAllocator(task);
      task.addTaskCompletionListener(new TaskCompletion(this::release));
    }

    @Override
    public boolean hasNext() {
      while (!pendingOuterRow && !calls.hasRow()) {
        if (finished) {
          release();
          return false;
        }
        step();
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      if (pendingOuterRow) {
        pendingOuterRow = false;
        return joinWithLeft(nullResult);
      }
      return calls.next();
    }

    private InternalRow joinWithLeft(InternalRow result) {
      return outputProjection.apply(joined.apply(left, result)).copy();
    }

    private void step() {
      // Sources such as range() do not check for kills themselves.
      task.killTaskIfInterrupted();
      if (!started) {
        started = true;
        instances.open();
      } else if (input.hasNext()) {
        InternalRow row = input.next();
        plan.inputRows.add(1);
        left = leftProjection.apply(row).copy();
        if (skipping) {
          pendingOuterRow = plan.outer;
          plan.outputRows.add(pendingOuterRow ? 1 : 0);
          return;
        }
        Arguments arguments = arguments(argumentProjection.apply(row));
        plan.batches.add(1);
        calls.start(() -> {
          emitter.takeEmittedCount();
          boolean more = instances.eval("eval", f -> f.eval(oneRow, arguments, emitter));
          if (plan.outer && emitter.takeEmittedCount() == 0) {
            calls.add(joinWithLeft(nullResult));
          }
          return more;
        }, more -> skipping = !more);
      } else {
        calls.start(() -> instances.eval("terminate", f -> f.terminate(emitter)), done -> {
          instances.closeCurrent();
          finished = true;
        });
      }
    }

    private Arguments arguments(InternalRow values) {
      Arguments.Builder builder = Arguments.builder();
      for (int i = 0; i < argumentTypes.length; i++) {
        Object value = values.isNullAt(i) ? null
            : JavaValues.toJava(values.get(i, argumentTypes[i]), argumentTypes[i]);
        String name = argumentNames.get(i);
        builder.add(name.isEmpty() ? null : name, value, argumentTypes[i].simpleString(), true);
      }
      return builder.build();
    }

    private void release() {
      try {
        // The worker first, so that the instance outlives its last call.
        calls.close();
        instances.close();
      } finally {
        oneRow.close();
      }
    }
  }
}

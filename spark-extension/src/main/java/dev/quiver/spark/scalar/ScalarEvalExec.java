package dev.quiver.spark.scalar;

import dev.quiver.spark.execution.PartitionFunction;
import dev.quiver.spark.execution.TaskFunction;

import dev.quiver.function.ScalarFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.arrow.ArrowTypes;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.arrow.TaskCompletion;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.QuiverExecNode;
import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;

/**
 * Evaluates Quiver scalar calls on Arrow batches of the child's rows and appends their results:
 * the counterpart of Spark's {@code ArrowEvalPythonExec}, without a Python worker. Rows are
 * gathered into batches of {@code spark.quiver.batchSize}; each distinct argument is written once
 * per batch, every call sees its arguments as Arrow vectors, and the result vectors are read back
 * in place through {@link ArrowColumnVector}.
 */
public final class ScalarEvalExec extends QuiverExecNode {
  private final Seq<ScalarCall> calls;
  private final Seq<Attribute> resultAttributes;
  private final Seq<NamedExpression> projectList;

  /**
   * @param projectList what the operator outputs, over the child's columns and the results: the
   *     child's columns followed by the results, or the list of a projection above that the
   *     planner fused in, so that columns nobody reads are neither buffered nor copied
   */
  public ScalarEvalExec(Seq<ScalarCall> calls, Seq<Attribute> resultAttributes,
      Seq<NamedExpression> projectList, SparkPlan child) {
    super(child);
    this.calls = calls;
    this.resultAttributes = resultAttributes;
    this.projectList = projectList;
  }

  @Override
  protected Object[] constructorArgs() {
    return new Object[] {calls, resultAttributes, projectList, child()};
  }

  @Override
  protected SparkPlan withNewChild(SparkPlan newChild) {
    return new ScalarEvalExec(calls, resultAttributes, projectList, newChild);
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    return standardMetrics();
  }

  @Override
  public Seq<Attribute> output() {
    List<Attribute> out = new ArrayList<>();
    for (NamedExpression e : Scala.list(projectList)) {
      out.add(e.toAttribute());
    }
    return Scala.seq(out);
  }

  @Override
  public String nodeName() {
    return "QuiverScalarEval";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + Scala.list(calls) + ", " + Scala.list(resultAttributes);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    List<ScalarCall> callList = Scala.list(calls);
    List<Attribute> input = Scala.list(child().output());
    // Each distinct argument is written once per batch. Plain columns are read straight from the
    // input row; anything else is computed by a projection first.
    List<Expression> arguments = new ArrayList<>();
    int[][] argumentIndexes = new int[callList.size()][];
    for (int c = 0; c < callList.size(); c++) {
      List<Expression> children = Scala.list(callList.get(c).children());
      argumentIndexes[c] = new int[children.size()];
      for (int a = 0; a < children.size(); a++) {
        argumentIndexes[c][a] = indexOf(arguments, children.get(a));
      }
    }
    List<Expression> computed = new ArrayList<>();
    int[] argumentOrdinals = new int[arguments.size()];
    boolean[] argumentComputed = new boolean[arguments.size()];
    for (int i = 0; i < arguments.size(); i++) {
      int ordinal = arguments.get(i) instanceof Attribute a ? ordinalOf(input, a) : -1;
      if (ordinal >= 0) {
        argumentOrdinals[i] = ordinal;
      } else {
        argumentComputed[i] = true;
        argumentOrdinals[i] = computed.size();
        computed.add(arguments.get(i));
      }
    }
    String timeZone = SQLConf.get().sessionLocalTimeZone();
    StructField[] argumentFields = new StructField[arguments.size()];
    for (int i = 0; i < arguments.size(); i++) {
      Expression arg = arguments.get(i);
      String name = arg instanceof AttributeReference ref ? ref.name() : "arg" + i;
      argumentFields[i] = new StructField(name, arg.dataType(), arg.nullable(), Metadata.empty());
    }
    FunctionHandle[] functions = new FunctionHandle[callList.size()];
    StructField[] resultFields = new StructField[callList.size()];
    for (int c = 0; c < callList.size(); c++) {
      ScalarCall call = callList.get(c);
      functions[c] = call.function();
      resultFields[c] = new StructField(call.name(), call.dataType(), call.nullable(),
          Metadata.empty());
    }
    // The input rows are kept for the batch only if the output reads any of their columns.
    boolean keepInput = Scala.attributeSet(projectList).intersect(child().outputSet()).nonEmpty();
    Evaluation evaluation = new Evaluation(functions, new StructType(resultFields),
        new StructType(argumentFields), argumentIndexes, argumentOrdinals, argumentComputed,
        Scala.seq(computed), child().output(), resultAttributes, projectList, keepInput,
        timeZone, QuiverConf.batchSize(), metrics().apply("numInputRows"),
        metrics().apply("numOutputRows"), metrics().apply("numBatches"),
        metrics().apply("functionTime"));
    return child().execute().mapPartitionsInternal(evaluation, false,
        ClassTag$.MODULE$.apply(InternalRow.class));
  }

  /** Position of {@code e} among {@code distinct}, adding it if no equal argument is there. */
  private static int indexOf(List<Expression> distinct, Expression e) {
    for (int i = 0; i < distinct.size(); i++) {
      if (distinct.get(i).semanticEquals(e)) {
        return i;
      }
    }
    distinct.add(e);
    return distinct.size() - 1;
  }

  private static int ordinalOf(List<Attribute> input, Attribute a) {
    for (int i = 0; i < input.size(); i++) {
      if (input.get(i).exprId().equals(a.exprId())) {
        return i;
      }
    }
    return -1;
  }

  /** What an executor needs to evaluate the calls over one partition. */
  private static final class Evaluation extends PartitionFunction {
    private static final long serialVersionUID = 1L;
    final FunctionHandle[] functions;
    final StructType resultSchema;
    final StructType argumentSchema;
    final int[][] argumentIndexes;
    final int[] argumentOrdinals;
    final boolean[] argumentComputed;
    final Seq<Expression> computed;
    final Seq<Attribute> input;
    final Seq<Attribute> results;
    final Seq<NamedExpression> projectList;
    final boolean keepInput;
    final String timeZone;
    final int batchSize;
    final SQLMetric inputRows;
    final SQLMetric outputRows;
    final SQLMetric batches;
    final SQLMetric functionTime;

    Evaluation(FunctionHandle[] functions, StructType resultSchema, StructType argumentSchema,
        int[][] argumentIndexes, int[] argumentOrdinals, boolean[] argumentComputed,
        Seq<Expression> computed, Seq<Attribute> input, Seq<Attribute> results,
        Seq<NamedExpression> projectList, boolean keepInput, String timeZone, int batchSize,
        SQLMetric inputRows, SQLMetric outputRows, SQLMetric batches, SQLMetric functionTime) {
      this.functions = functions;
      this.resultSchema = resultSchema;
      this.argumentSchema = argumentSchema;
      this.argumentIndexes = argumentIndexes;
      this.argumentOrdinals = argumentOrdinals;
      this.argumentComputed = argumentComputed;
      this.computed = computed;
      this.input = input;
      this.results = results;
      this.projectList = projectList;
      this.keepInput = keepInput;
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

  /** Pulls batches from the child, evaluates the calls, and returns the projected rows. */
  private static final class Evaluator extends AbstractIterator<InternalRow> {
    private final Evaluation plan;
    private final Iterator<InternalRow> input;
    private final UnsafeProjection computedProjection;
    private final UnsafeProjection outputProjection;
    private final JoinedRow joined = new JoinedRow();
    private final List<TaskFunction<ScalarFunction>> functions = new ArrayList<>();
    private final VectorSchemaRoot[] callArguments;
    private final RowBatchWriter writer;
    private final InternalRow[] bufferedRows;
    private final FieldVector[] results;
    private final List<Field> resultFields;
    private ColumnarBatch resultBatch;
    private int position;
    private int batchRows;
    private boolean finished;

    Evaluator(Evaluation plan, Iterator<InternalRow> input, TaskContext task) {
      this.plan = plan;
      this.input = input;
      this.computedProjection = plan.computed.isEmpty() ? null
          : UnsafeProjection.create(plan.computed, plan.input);
      if (computedProjection != null) {
        computedProjection.initialize(task.partitionId());
      }
      @SuppressWarnings({"unchecked", "rawtypes"})
      Seq<Expression> outputExpressions = (Seq) plan.projectList;
      this.outputProjection = UnsafeProjection.create(outputExpressions,
          plan.keepInput ? plan.input.appendedAll(plan.results).toList() : plan.results);
      outputProjection.initialize(task.partitionId());
      this.bufferedRows = plan.keepInput ? new InternalRow[plan.batchSize] : null;
      this.results = new FieldVector[plan.functions.length];
      this.resultFields = ArrowTypes.schema(plan.resultSchema, plan.timeZone).getFields();
      BufferAllocator allocator = QuiverMemory.taskAllocator(task);
      this.writer = new RowBatchWriter(plan.argumentSchema, plan.timeZone, allocator);
      List<FieldVector> all = writer.root().getFieldVectors();
      this.callArguments = new VectorSchemaRoot[plan.functions.length];
      for (int c = 0; c < plan.functions.length; c++) {
        List<FieldVector> vectors = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        for (int index : plan.argumentIndexes[c]) {
          vectors.add(all.get(index));
          fields.add(all.get(index).getField());
        }
        callArguments[c] = new VectorSchemaRoot(fields, vectors, 0);
      }
      try {
        for (FunctionHandle handle : plan.functions) {
          functions.add(TaskFunction.open(handle, ScalarFunction.class, task));
        }
      } finally {
        // Listeners run last-registered first: results and batches are closed before the
        // functions check that their allocators are empty.
        task.addTaskCompletionListener(new TaskCompletion(this::release));
      }
    }

    @Override
    public boolean hasNext() {
      if (position < batchRows) {
        return true;
      }
      if (finished) {
        return false;
      }
      closeResults();
      if (!input.hasNext()) {
        finish();
        return false;
      }
      evaluateNextBatch();
      return position < batchRows;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      InternalRow resultRow = resultBatch.getRow(position);
      InternalRow result = outputProjection.apply(plan.keepInput
          ? joined.apply(bufferedRows[position], resultRow) : resultRow);
      position++;
      return result;
    }

    private void evaluateNextBatch() {
      writer.reset();
      int rows = 0;
      int[] ordinals = plan.argumentOrdinals;
      boolean[] fromComputed = plan.argumentComputed;
      while (rows < plan.batchSize && input.hasNext()) {
        InternalRow row = input.next();
        if (bufferedRows != null) {
          bufferedRows[rows] = row.copy();
        }
        InternalRow computedRow = computedProjection == null ? null
            : computedProjection.apply(row);
        for (int i = 0; i < ordinals.length; i++) {
          writer.write(i, fromComputed[i] ? computedRow : row, ordinals[i]);
        }
        writer.next();
        rows++;
      }
      writer.finish();
      ColumnVector[] columns = new ColumnVector[functions.size()];
      for (int c = 0; c < functions.size(); c++) {
        TaskFunction<ScalarFunction> function = functions.get(c);
        VectorSchemaRoot args = callArguments[c];
        args.setRowCount(rows);
        long start = System.nanoTime();
        FieldVector result = function.call("eval",
            () -> function.function().eval(args, function.allocator()));
        plan.functionTime.add(System.nanoTime() - start);
        results[c] = result;
        ArrowTypes.checkResult(function.name(), result, resultFields.get(c), rows);
        columns[c] = new ArrowColumnVector(result);
      }
      resultBatch = new ColumnarBatch(columns, rows);
      batchRows = rows;
      position = 0;
      plan.inputRows.add(rows);
      plan.outputRows.add(rows);
      plan.batches.add(1);
    }

    private void closeResults() {
      List<FieldVector> open = new ArrayList<>();
      for (int c = 0; c < results.length; c++) {
        open.add(results[c]);
        results[c] = null;
      }
      if (bufferedRows != null) {
        Arrays.fill(bufferedRows, 0, batchRows, null);
      }
      resultBatch = null;
      batchRows = 0;
      position = 0;
      ArrowTypes.closeAll(open);
    }

    /** End of input: close the functions now, so a leak fails this task rather than later. */
    private void finish() {
      finished = true;
      release();
      ArrowTypes.closeAll(functions);
    }

    private void release() {
      closeResults();
      writer.close();
    }
  }
}

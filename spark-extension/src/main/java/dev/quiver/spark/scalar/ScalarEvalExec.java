package dev.quiver.spark.scalar;

import dev.quiver.spark.execution.OperatorMetrics;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.shims.JavaCodegenNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.execution.CodegenSupport;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.Function1;

/**
 * Evaluates Quiver scalar calls on Arrow batches of the child's rows and appends their results:
 * the counterpart of Spark's {@code ArrowEvalPythonExec}, without a Python worker. Rows are
 * gathered into batches of {@code spark.quiver.batchSize}; each distinct argument is written once
 * per batch, every call sees its arguments as Arrow vectors, and the checked result vectors are
 * read back in place: numbers, dates, timestamps, strings and binary straight from their memory
 * ({@link dev.quiver.spark.arrow.CheckedFixedWidthVector}, {@link
 * dev.quiver.spark.arrow.CheckedBytesVector}), booleans, bytes and shorts copied once per batch
 * into off-heap Spark vectors, other types through {@code ArrowColumnVector}. Over row input the
 * operator is part of Spark's generated code where its child allows (see {@link ScalarCodegen}).
 */
public final class ScalarEvalExec extends JavaCodegenNode {
  private final Seq<ScalarCall> calls;
  private final Seq<Attribute> resultAttributes;
  private final Seq<Expression> guards;
  private final Seq<String> guardNotes;
  private final Seq<NamedExpression> projectList;
  /** The code being generated for this operator, while it is. */
  private transient ScalarCodegen codegen;

  /**
   * @param guards for each call, the condition on the child's rows under which it is evaluated
   *     ({@code true}: every row); see {@link CallGuards}
   * @param guardNotes for each call, why it runs on more rows than its conditional needs, or ""
   * @param projectList what the operator outputs, over the child's columns and the results: the
   *     child's columns followed by the results, or the list of a projection above that the
   *     planner fused in, so that columns nobody reads are neither buffered nor copied
   */
  public ScalarEvalExec(Seq<ScalarCall> calls, Seq<Attribute> resultAttributes,
      Seq<Expression> guards, Seq<String> guardNotes, Seq<NamedExpression> projectList,
      SparkPlan child) {
    super(child);
    this.calls = calls;
    this.resultAttributes = resultAttributes;
    this.guards = guards;
    this.guardNotes = guardNotes;
    this.projectList = projectList;
  }

  Seq<Attribute> resultAttributes() {
    return resultAttributes;
  }

  Seq<NamedExpression> projectList() {
    return projectList;
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {calls, resultAttributes, guards, guardNotes, projectList, child()};
  }

  @Override
  protected SparkPlan withNewChild(SparkPlan newChild) {
    return new ScalarEvalExec(calls, resultAttributes, guards, guardNotes, projectList,
        newChild);
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
    List<ScalarCall> callList = Scala.list(calls);
    List<Expression> guardList = Scala.list(guards);
    List<String> notes = Scala.list(guardNotes);
    List<String> shown = new ArrayList<>();
    for (int c = 0; c < callList.size(); c++) {
      Expression guard = guardList.get(c);
      String call = callList.get(c).toString();
      if (!(guard instanceof Literal literal && Boolean.TRUE.equals(literal.value()))) {
        call += " WHEN " + guard;
      }
      shown.add(notes.get(c).isEmpty() ? call : call + " (" + notes.get(c) + ")");
    }
    return nodeName() + " " + shown + ", " + Scala.list(resultAttributes);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    return child().execute().mapPartitionsInternal(evaluation(Scala.list(child().output())),
        false,
        Scala.classTag(InternalRow.class));
  }

  /**
   * Columnar when the child is (a Parquet, ORC or cached scan) and the calls and the output only
   * read plain columns: then batches pass through without ever becoming rows.
   */
  @Override
  public boolean supportsColumnar() {
    return columnarInput() && Scala.list(projectList).stream().allMatch(e -> column(e) != null);
  }

  /** Whether the child is columnar and every call argument is one of its columns. */
  private boolean columnarInput() {
    return child().supportsColumnar() && plainArguments();
  }

  /** Whether every call argument is one of the child's columns. */
  private boolean plainArguments() {
    List<Attribute> input = Scala.list(child().output());
    for (ScalarCall call : Scala.list(calls)) {
      for (Expression arg : Scala.list(call.children())) {
        if (!(arg instanceof Attribute a) || inputOrdinal(input, a) < 0) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The ordinal of {@code a} in the child's output, or -1. A canonicalized plan (as adaptive
   * execution compares stages by) has its expressions' ids replaced by their input ordinals, and
   * must answer {@link #supportsColumnar} as the plan did: Spark's columnar-to-row transition
   * above it insists.
   */
  private int inputOrdinal(List<Attribute> input, Attribute a) {
    int ordinal = Scala.ordinalOf(input, a);
    if (ordinal < 0 && isCanonicalizedPlan()) {
      long id = a.exprId().id();
      return id >= 0 && id < input.size() ? (int) id : -1;
    }
    return ordinal;
  }

  /**
   * This operator, or, when its input could be columnar but its output list computes
   * something, a projection of that list over this operator returning the columns the list reads
   * and the results: columnar, so that the input's batches never become rows here and the
   * projection runs in Spark's generated code (see {@link ScalarColumnarRule}).
   */
  SparkPlan columnarUnderProjection() {
    // Guarded calls read the scan's rows in generated code instead, where Spark puts a
    // transition under the operator for the rule to replace: not over a child that also gives
    // rows (a cached table).
    if (supportsColumnar() || !columnarInput()
        || guarded() && !child().supportsRowBased() && overColumnarScan(child()) != this) {
      return this;
    }
    List<NamedExpression> columns = new ArrayList<>(keptColumns());
    columns.addAll(Scala.list(resultAttributes));
    return new ProjectExec(projectList, new ScalarEvalExec(calls, resultAttributes, guards,
        guardNotes, Scala.seq(columns), child()));
  }

  /**
   * Over the columnar plan {@code scan}, this operator reading the scan's rows in its generated
   * code ({@link ColumnarScanRowsExec}), when it has guarded calls or computed arguments and the
   * code can be generated; else this operator. Columnar evaluation is best for plain arguments;
   * guards and computed arguments are evaluated row by row, best on the generated code's
   * values. Put in place of Spark's transition under the operator, once Spark has put it there.
   */
  SparkPlan overColumnarScan(SparkPlan scan) {
    SQLConf conf = SQLConf.get();
    if (!QuiverConf.codegen() || !conf.wholeStageEnabled() || plainArguments() && !guarded()
        || scan.output().size() > conf.wholeStageMaxNumFields()
        || output().size() > conf.wholeStageMaxNumFields()) {
      return this;
    }
    ScalarEvalExec exec = (ScalarEvalExec) withNewChild(new ColumnarScanRowsExec(scan));
    return exec.supportCodegen() ? exec : this;
  }

  /** Whether a call runs on some rows only. */
  private boolean guarded() {
    return Scala.list(guards).stream()
        .anyMatch(g -> !(g instanceof Literal literal && Boolean.TRUE.equals(literal.value())));
  }

  /** The column an output is, renamed or not; null for a computed output. */
  private static Attribute column(NamedExpression e) {
    if (e instanceof Attribute a) {
      return a;
    }
    if (e instanceof Alias alias && alias.child() instanceof Attribute a) {
      return a;
    }
    return null;
  }

  @Override
  public RDD<ColumnarBatch> doExecuteColumnar() {
    return child().executeColumnar().mapPartitionsInternal(
        new ColumnarEvaluator.PerPartition(evaluation(Scala.list(child().output()))), false,
        Scala.classTag(ColumnarBatch.class));
  }

  /** The child's columns the output list reads, kept for a batch while its calls run. */
  List<Attribute> keptColumns() {
    return columnsRead(Scala.list(projectList));
  }

  /** The child's columns {@code outputs} read. */
  private List<Attribute> columnsRead(List<NamedExpression> outputs) {
    AttributeSet read = Scala.attributeSet(Scala.seq(outputs));
    List<Attribute> kept = new ArrayList<>();
    for (Attribute a : Scala.list(child().output())) {
      if (read.contains(a)) {
        kept.add(a);
      }
    }
    return kept;
  }

  /** The operator's work over rows of {@code input} (the child's, or some of its columns). */
  private Evaluation evaluation(List<Attribute> input) {
    return evaluation(input, keptColumns());
  }

  /** Likewise, keeping the columns {@code kept} of the input beside each batch. */
  private Evaluation evaluation(List<Attribute> input, List<Attribute> kept) {
    return evaluation(callGroups(input), input, kept);
  }

  private Evaluation evaluation(CallGroup[] groups, List<Attribute> input, List<Attribute> kept) {
    int[] keptOrdinals = kept.stream().mapToInt(a -> Scala.ordinalOf(input, a)).toArray();
    // For the columnar path: where each output column comes from, a child column (>= 0) or the
    // result of call -source - 1.
    List<NamedExpression> outputs = Scala.list(projectList);
    List<Attribute> resultList = Scala.list(resultAttributes);
    int[] outputSources = new int[outputs.size()];
    for (int i = 0; i < outputs.size(); i++) {
      Attribute a = column(outputs.get(i));
      if (a != null) {
        int ordinal = Scala.ordinalOf(input, a);
        outputSources[i] = ordinal >= 0 ? ordinal : -Scala.ordinalOf(resultList, a) - 1;
      }
    }
    return new Evaluation(groups, Scala.seq(input), resultAttributes, projectList,
        Scala.seq(kept), keptOrdinals, KeptColumns.arrowSchema(kept),
        outputSources, QuiverConf.batchSize(), operatorMetrics());
  }

  /** The calls gathered by guard, their arguments bound to {@code input}. */
  private CallGroup[] callGroups(List<Attribute> input) {
    return CallGroup.of(Scala.list(calls), Scala.list(guards), input,
        SQLConf.get().sessionLocalTimeZone(), QuiverConf.batchSize(),
        metrics().apply("functionTime"));
  }

  @Override
  public boolean supportCodegen() {
    return ScalarCodegen.supports(this, keptColumns());
  }

  @Override
  public Seq<RDD<InternalRow>> inputRDDs() {
    return ((CodegenSupport) child()).inputRDDs();
  }

  @Override
  public String doProduce(CodegenContext ctx) {
    List<Attribute> written = ScalarCodegen.written(this);
    CallGroup[] groups = callGroups(written);
    HeldGuards held = HeldGuards.of(Scala.list(projectList), groups);
    List<Attribute> kept = columnsRead(held.output());
    // Over a columnar scan, the generated code reads the kept columns from the scan's batch.
    codegen = new ScalarCodegen(this, ctx, evaluation(groups, written,
        child() instanceof ColumnarScanRowsExec ? List.of() : kept), held, kept);
    return codegen.produce(ctx);
  }

  @Override
  public String doConsume(CodegenContext ctx, Seq<ExprCode> input, ExprCode row) {
    return codegen.consume(ctx, input);
  }

  /** Rows are buffered in the batch: the child's need no copy, and no stop check. */
  @Override
  public boolean needCopyResult() {
    return false;
  }

  @Override
  public boolean needStopCheck() {
    return false;
  }

  /** The child's loop stops when the batch is full (see {@link ScalarCodegen}). */
  @Override
  public Seq<String> limitNotReachedChecks() {
    return Scala.seq(codegen.hasRoom());
  }

  @Override
  public boolean canCheckLimitNotReached() {
    return true;
  }

  /**
   * What an executor needs to evaluate the calls over one partition: a record, shipped without
   * the operator and its driver-side state.
   *
   * @param kept the input columns the output reads, with their ordinals in the input
   * @param keptSchema the kept columns' schema when Arrow can hold them all, else null: rows are
   *     copied
   */
  record Evaluation(CallGroup[] groups, Seq<Attribute> input, Seq<Attribute> results,
      Seq<NamedExpression> projectList, Seq<Attribute> kept, int[] keptOrdinals,
      StructType keptSchema, int[] outputSources, int batchSize, OperatorMetrics metrics)
      implements Function1<Iterator<InternalRow>, Iterator<InternalRow>>, Serializable {
    @Override
    public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
      return new RowEvaluator(this, rows, TaskContext.get());
    }
  }

  /**
   * Gathers the child's rows into batches, evaluates the calls, returns projected rows. The input
   * columns the output reads are kept for the batch as Arrow columns, in the task's accounted
   * memory, beside the results; only where Arrow cannot hold one of them are the rows copied.
   */
  private static final class RowEvaluator extends AbstractIterator<InternalRow> {
    private final Evaluation plan;
    private final Iterator<InternalRow> input;
    private final RowBatches batches;
    private final UnsafeProjection outputProjection;
    private final JoinedRow joined = new JoinedRow();
    private InternalRow[] copiedRows;
    private ColumnarBatch resultBatch;
    private int position;
    private int batchRows;
    private boolean finished;

    RowEvaluator(Evaluation plan, Iterator<InternalRow> input, TaskContext task) {
      this.plan = plan;
      this.input = input;
      @SuppressWarnings({"unchecked", "rawtypes"})
      Seq<Expression> outputExpressions = (Seq) plan.projectList;
      // Over the kept columns and the results, or over whole copied input rows and the results.
      Seq<Attribute> before = plan.keptSchema != null ? plan.kept : plan.input;
      this.outputProjection = UnsafeProjection.create(outputExpressions,
          plan.kept.isEmpty() ? plan.results : before.appendedAll(plan.results).toList());
      outputProjection.initialize(task.partitionId());
      this.batches = new RowBatches(plan, task);
      // Grown with the rows a batch really holds: a large batch size costs nothing on small input.
      this.copiedRows = !plan.kept.isEmpty() && plan.keptSchema == null
          ? new InternalRow[Math.min(plan.batchSize, 1024)] : null;
    }

    @Override
    public boolean hasNext() {
      if (position < batchRows) {
        return true;
      }
      if (finished) {
        return false;
      }
      if (copiedRows != null) {
        Arrays.fill(copiedRows, 0, batchRows, null);
      }
      if (!batches.nextBatch(input)) {
        finished = true;
        return false;
      }
      int rows = 0;
      while (batches.hasRoom() && input.hasNext()) {
        InternalRow row = input.next();
        if (copiedRows != null) {
          if (rows == copiedRows.length) {
            copiedRows = Arrays.copyOf(copiedRows, (int) Math.min(plan.batchSize, 2L * rows));
          }
          copiedRows[rows] = row.copy();
        }
        batches.write(row);
        rows++;
      }
      resultBatch = batches.evaluate();
      batchRows = rows;
      position = 0;
      return rows > 0;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      InternalRow resultRow = resultBatch.getRow(position);
      InternalRow result = outputProjection.apply(copiedRows != null
          ? joined.apply(copiedRows[position], resultRow) : resultRow);
      position++;
      return result;
    }
  }
}

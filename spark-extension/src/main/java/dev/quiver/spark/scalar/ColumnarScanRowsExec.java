package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.shims.JavaCodegenNode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.ColumnarToRowTransition;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The rows of a columnar child (a Parquet, ORC or cached scan) for a Quiver scalar operator in
 * Spark's generated code: Spark's {@code ColumnarToRowExec}, with a loop that can be left after
 * any row and resumed there. The operator stops its child's loop whenever its batch is full
 * (see {@link ScalarCodegen}); Spark's own loop checks that condition only between the scan's
 * batches, and releases the batch it holds when the condition ends it.
 *
 * <p>Put in place of Spark's transition under an operator with guarded calls or computed
 * arguments (see {@link ScalarEvalExec#overColumnarScan}): the guards and the arguments are then
 * evaluated in the generated code, on the values read from the scan's vectors, instead of row
 * by row through a batch's row view. Without whole-stage code generation it is Spark's
 * transition: each batch's rows, as unsafe rows.
 */
public final class ColumnarScanRowsExec extends JavaCodegenNode
    implements ColumnarToRowTransition {
  /** Fields of the generated class, once this node's code is being generated. */
  private transient String batch;
  private transient String position;
  private transient String rows;
  private transient String[] vectors;

  public ColumnarScanRowsExec(SparkPlan child) {
    super(child);
  }

  /** Whether rows of the current scan batch are left. */
  String batchLeft() {
    return "(" + position + " < " + rows + ")";
  }

  /** Whether the input is done. */
  String exhausted() {
    return "(" + batch + " == null)";
  }

  /** The position in the current scan batch of the row the loop takes next. */
  String position() {
    return position;
  }

  /** The current scan batch's vector of output column {@code ordinal}. */
  String vector(int ordinal) {
    return vectors[ordinal];
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {child()};
  }

  @Override
  public String nodeName() {
    return "QuiverColumnarToRow";
  }

  @Override
  public Seq<Attribute> output() {
    return child().output();
  }

  @Override
  public Partitioning outputPartitioning() {
    return child().outputPartitioning();
  }

  @Override
  public Seq<SortOrder> outputOrdering() {
    return child().outputOrdering();
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    return Map.of("numOutputRows", countMetric("number of output rows"),
        "numInputBatches", countMetric("number of input batches"));
  }

  @Override
  public RDD<InternalRow> doExecute() {
    return child().executeColumnar().mapPartitionsInternal(new Rows(child().output(),
        longMetric("numOutputRows"), longMetric("numInputBatches")), false,
        Scala.classTag(InternalRow.class));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Override
  public Seq<RDD<InternalRow>> inputRDDs() {
    // The batches go through the stage's row iterators as they are (Spark's own trick).
    return Scala.seq((RDD) child().executeColumnar());
  }

  /** The stage's loop starts here, so this node checks the limit conditions. */
  @Override
  public boolean canCheckLimitNotReached() {
    return true;
  }

  @Override
  public boolean needCopyResult() {
    return false;
  }

  /**
   * One row per pass of the loop: the conditions before each row, the next batch when this one
   * is done; the batch and the position in it are fields, so a return keeps both.
   */
  @Override
  public String doProduce(CodegenContext ctx) {
    String input = addField(ctx, "scala.collection.Iterator", "quiverInput", "%s = inputs[0];");
    String batchClass = ColumnarBatch.class.getName();
    batch = addField(ctx, batchClass, "quiverScanBatch", "");
    position = addField(ctx, "int", "quiverScanRow", "");
    rows = addField(ctx, "int", "quiverScanRows", "");
    String outputRows = metricTerm(ctx, "numOutputRows");
    String inputBatches = metricTerm(ctx, "numInputBatches");
    List<Attribute> output = Scala.list(output());
    // The scan's vector classes, when it says them, make the reads monomorphic.
    List<String> vectorTypes = child().vectorTypes().isDefined()
        ? Scala.list(child().vectorTypes().get())
        : Collections.nCopies(output.size(), "org.apache.spark.sql.vectorized.ColumnVector");
    StringBuilder assign = new StringBuilder();
    vectors = new String[output.size()];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = addField(ctx, vectorTypes.get(i), "quiverScanColumn", "");
      assign.append(vectors[i]).append(" = (").append(vectorTypes.get(i)).append(") ")
          .append(batch).append(".column(").append(i).append(");\n");
    }
    String next = ctx.freshName("quiverNextScanBatch");
    next = ctx.addNewFunction(next, """
        private boolean %1$s() throws java.io.IOException {
          if (%2$s != null) {
            %2$s.closeIfFreeable();
            %2$s = null;
          }
          while (%3$s.hasNext()) {
            %2$s = (%4$s) %3$s.next();
            %5$s.add(1);
            %6$s.add(%2$s.numRows());
            %7$s = 0;
            %8$s = %2$s.numRows();
            %9$s
            if (%8$s > 0) {
              return true;
            }
            %2$s.closeIfFreeable();
          }
          %2$s = null;
          %8$s = 0;
          return false;
        }
        """.formatted(next, batch, input, batchClass, inputBatches, outputRows, position, rows,
        assign), false);
    String row = ctx.freshName("quiverScanRowId");
    ExprCode[] columns = new ExprCode[vectors.length];
    for (int i = 0; i < vectors.length; i++) {
      Attribute a = output.get(i);
      columns[i] = ScalarCodegen.read(ctx, vectors[i], row, a.dataType(), a.nullable());
    }
    ctx.currentVars_$eq(null);
    String consume = consumeVariables(ctx, Scala.seq(columns));
    String stop = parent().needStopCheck() ? "if (shouldStop()) return;" : "";
    return """
        while (%1$s (%2$s < %3$s || %4$s())) {
          int %5$s = %2$s++;
          %6$s
          %7$s
        }
        """.formatted(limitNotReachedCond(), position, rows, next, row, consume.trim(), stop);
  }

  /** Without generated code: each batch's rows as unsafe rows, as Spark's transition does. */
  private static final class Rows
      extends AbstractFunction1<Iterator<ColumnarBatch>, Iterator<InternalRow>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final Seq<Attribute> output;
    private final SQLMetric outputRows;
    private final SQLMetric inputBatches;

    Rows(Seq<Attribute> output, SQLMetric outputRows, SQLMetric inputBatches) {
      this.output = output;
      this.outputRows = outputRows;
      this.inputBatches = inputBatches;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Iterator<InternalRow> apply(Iterator<ColumnarBatch> batches) {
      UnsafeProjection toUnsafe = UnsafeProjection.create((Seq) output, output);
      return new AbstractIterator<>() {
        private java.util.Iterator<InternalRow> current = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!current.hasNext()) {
            if (!batches.hasNext()) {
              return false;
            }
            ColumnarBatch batch = batches.next();
            inputBatches.add(1);
            outputRows.add(batch.numRows());
            current = batch.rowIterator();
          }
          return true;
        }

        @Override
        public InternalRow next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return toUnsafe.apply(current.next());
        }
      };
    }
  }
}

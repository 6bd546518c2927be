package dev.quiver.spark.scalar;

import dev.quiver.spark.arrow.RowBatchWriter;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * One task's batches of row input to a scalar operator: rows are written one at a time (the
 * calls' arguments, and the input columns the output reads, kept beside them as Arrow columns),
 * then the calls are evaluated and the batch is read back as columns: the kept ones followed by
 * one per call. The operator's row iterator uses it, and so does the code Spark generates for the
 * operator inside a whole-stage stage (see {@link ScalarCodegen}), which is why it is public.
 */
public final class RowBatches {
  private final ConditionalCalls calls;
  private final KeptColumns kept;
  private final int batchSize;
  private int rows;
  /** The last batch's result columns, one per call. */
  private ColumnVector[] results;

  RowBatches(ScalarEvalExec.Evaluation plan, TaskContext task) {
    this.calls = new ConditionalCalls(plan, task);
    this.kept = plan.keptSchema() == null ? null : calls.keep(plan);
    this.batchSize = plan.batchSize();
  }

  /** For generated code: the current task's batches of the operator {@code evaluation} is of. */
  public static RowBatches open(Object evaluation) {
    return new RowBatches((ScalarEvalExec.Evaluation) evaluation, TaskContext.get());
  }

  /** Forgets the previous batch, whose columns are then invalid; fails a cancelled task. */
  public void start() {
    calls.startBatch();
    rows = 0;
  }

  /** {@link #start}s a batch if {@code input} has more rows; at its end closes the calls. */
  boolean nextBatch(scala.collection.Iterator<?> input) {
    rows = 0;
    return calls.nextBatch(input);
  }

  public void write(InternalRow row) {
    calls.write(row);
    rows++;
  }

  /**
   * For generated code that writes each row's values itself (flat types only): the argument
   * batch of group {@code g} of calls (see {@link CallGroup}), checked once to take typed writes.
   * After a row's arguments, {@link #gathered} where the group's guard holds, else
   * {@link #skipped}; after the row, {@link #rowWritten}.
   */
  public RowBatchWriter arguments(int g) {
    return typed(calls.argumentWriter(g));
  }

  public void gathered(int g) {
    calls.gathered(g);
  }

  public void skipped(int g) {
    calls.skipped(g);
  }

  /** Likewise the kept input columns' batch, or null when the output reads none. */
  public RowBatchWriter kept() {
    return kept == null ? null : typed(calls.keptWriter());
  }

  private static RowBatchWriter typed(RowBatchWriter writer) {
    for (int c = 0; c < writer.root().getFieldVectors().size(); c++) {
      if (!writer.takesTypedWrites(c)) {
        throw new IllegalStateException("Column " + c + " of "
            + writer.root().getSchema() + " is not written value by value");
      }
    }
    return writer;
  }

  /** Completes a row whose values were written into {@link #arguments} and {@link #kept}. */
  public void rowWritten() {
    calls.rowWritten();
    rows++;
  }

  /** What a typed write that ran out of the task's Arrow memory fails the query with. */
  public RuntimeException argumentsTooLarge(int g, OutOfMemoryException e) {
    return calls.argumentsTooLarge(g, e);
  }

  public RuntimeException keptTooLarge(OutOfMemoryException e) {
    return calls.keptTooLarge(e);
  }

  /**
   * Whether the batch has fewer rows than {@code spark.quiver.batchSize}. A batch may end up
   * with more: a source asked to stop may finish the run of rows it has started.
   */
  public boolean hasRoom() {
    return rows < batchSize;
  }

  public int rows() {
    return rows;
  }

  /**
   * For generated code, after {@link #evaluate}: for each row of the batch, its position among
   * the rows gathered for guarded group {@code g}, or -1 where the guard did not hold.
   */
  public int[] positions(int g) {
    return calls.positions(g);
  }

  /**
   * For generated code, after {@link #evaluate}: the results of guarded call {@code call} on the
   * rows gathered for it, at their {@link #positions}, or null when no row was gathered. Read
   * there directly, a result costs one array read instead of the scattered column's two calls.
   */
  public ColumnVector dense(int call) {
    return ((ScatteredVector) results[call]).dense();
  }

  /** Evaluates the calls on the rows written since {@link #start}. */
  public ColumnarBatch evaluate() {
    results = calls.evaluate();
    return new ColumnarBatch(kept == null ? results : kept.withResults(results), rows);
  }

  /** End of input: closes the calls now, so that a leak fails this task (idempotent). */
  public void close() {
    calls.close();
  }
}

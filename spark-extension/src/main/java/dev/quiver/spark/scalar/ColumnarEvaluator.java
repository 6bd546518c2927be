package dev.quiver.spark.scalar;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The columnar path: evaluates the calls on each batch of a columnar child (a Parquet, ORC or
 * cached scan) and returns batches that hold the child's columns as they are plus the result
 * vectors, so no row is ever materialized here.
 */
final class ColumnarEvaluator extends AbstractIterator<ColumnarBatch> {
  private final Iterator<ColumnarBatch> input;
  private final ConditionalCalls calls;
  private final int[] outputSources;
  private boolean finished;

  ColumnarEvaluator(ScalarEvalExec.Evaluation plan, Iterator<ColumnarBatch> input,
      TaskContext task) {
    this.input = input;
    this.outputSources = plan.outputSources();
    this.calls = new ConditionalCalls(plan, task);
  }

  @Override
  public boolean hasNext() {
    if (finished) {
      return false;
    }
    finished = !calls.nextBatch(input);
    return !finished;
  }

  @Override
  public ColumnarBatch next() {
    if (!hasNext()) {
      throw new java.util.NoSuchElementException();
    }
    ColumnarBatch batch = input.next();
    int rows = batch.numRows();
    calls.write(batch);
    ColumnVector[] results = calls.evaluate();
    ColumnVector[] columns = new ColumnVector[outputSources.length];
    for (int i = 0; i < columns.length; i++) {
      int source = outputSources[i];
      columns[i] = source >= 0 ? batch.column(source) : results[-source - 1];
    }
    return new ColumnarBatch(columns, rows);
  }

  /** The per-partition work, shipped without the operator. */
  static final class PerPartition extends AbstractFunction1<
      Iterator<ColumnarBatch>, Iterator<ColumnarBatch>> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final ScalarEvalExec.Evaluation plan;

    PerPartition(ScalarEvalExec.Evaluation plan) {
      this.plan = plan;
    }

    @Override
    public Iterator<ColumnarBatch> apply(Iterator<ColumnarBatch> batches) {
      return new ColumnarEvaluator(plan, batches, TaskContext.get());
    }
  }
}

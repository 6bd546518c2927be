package dev.quiver.spark.table;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.execution.OperatorMetrics;
import dev.quiver.spark.execution.TaskScope;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.collection.AbstractIterator;

/**
 * What the table-valued operators do in a task: pull the partition through one function
 * instance ({@link GroupedFunction}) whose calls run on the worker of {@link StreamedCalls}, so
 * that rows come out as they are emitted; input batches are filled, groups started and task
 * kills checked on the task's thread, between calls ({@link #step}).
 *
 * <p>Everything lives in one {@link TaskScope}, in this order of closing: the worker first, so
 * that the instance and the input batches outlive its last call; then the instance; then the
 * input batches ({@link #inputs}). The scope closes at the end of the partition, so that a leak
 * fails this task rather than later, or else when the task ends.
 *
 * @param <F> the function's kind
 */
abstract class StreamedEvaluator<F extends QuiverFunction> extends AbstractIterator<InternalRow> {
  final TaskContext task;
  final OperatorMetrics metrics;
  final int batchSize;
  private final TaskScope scope;
  /** Where the operator's input batches go: they close last. */
  final TaskScope inputs;
  final RowEmitter emitter;
  final GroupedFunction<F> function;
  final StreamedCalls calls;
  /** A row to return before the calls' next ones, or null. */
  InternalRow pending;
  private boolean finished;

  StreamedEvaluator(TaskContext task, StreamedCall call, Class<F> kind,
      GroupedFunction.UserCall<F> startGroup) {
    FunctionHandle handle = call.function();
    this.task = task;
    this.metrics = call.metrics();
    this.batchSize = call.batchSize();
    this.scope = TaskScope.open(task);
    this.inputs = scope.nested();
    this.emitter = new RowEmitter(handle.name(), call.resultType(), call.timeZone(),
        scope.allocator());
    this.function = new GroupedFunction<>(scope.nested(), handle, kind, startGroup, emitter,
        metrics.functionTime);
    this.calls = scope.add(new StreamedCalls(handle.name(), task, batchSize,
        metrics.outputRows));
  }

  /** One unit of work on the task's thread (start a group, a call, ...); false when done. */
  abstract boolean step();

  @Override
  public boolean hasNext() {
    while (pending == null && !calls.hasRow()) {
      if (finished) {
        return false;
      }
      // Sources such as range() do not check for kills themselves.
      task.killTaskIfInterrupted();
      if (!step()) {
        finished = true;
        scope.close();
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
    if (pending != null) {
      InternalRow row = pending;
      pending = null;
      return row;
    }
    return calls.next();
  }
}

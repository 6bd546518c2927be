package dev.quiver.spark.table;

import dev.quiver.function.QuiverFunction;
import dev.quiver.function.table.SkipRestOfInputTableException;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.execution.TaskFunction;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The function instances of one task of a table-valued operator, one at a time: a fresh
 * instance per group, opened when the group starts and closed when it ends, and closed by the
 * operator's completion listener when the task fails in between. User code runs through here,
 * timed, with failures naming the function: open and close on the task's thread, {@link #eval}
 * on the worker of {@link StreamedCalls}, never both at once.
 *
 * @param <F> the function's kind
 */
final class FunctionInstances<F extends QuiverFunction> implements AutoCloseable {
  private final FunctionHandle handle;
  private final Class<F> kind;
  private final TaskContext task;
  private final RowEmitter emitter;
  private final SQLMetric functionTime;
  private TaskFunction<F> current;

  /** A call into the running instance. */
  @FunctionalInterface
  interface UserCall<F> {
    void run(F function) throws Exception;
  }

  FunctionInstances(FunctionHandle handle, Class<F> kind, TaskContext task, RowEmitter emitter,
      SQLMetric functionTime) {
    this.handle = handle;
    this.kind = kind;
    this.task = task;
    this.emitter = emitter;
    this.functionTime = functionTime;
  }

  /** Creates and opens the instance for the next group. */
  void open() {
    closeCurrent();
    long start = System.nanoTime();
    try {
      current = TaskFunction.open(handle, kind, task, false);
      emitter.useAllocator(current.allocator());
    } finally {
      functionTime.add(System.nanoTime() - start);
    }
  }

  /**
   * Runs {@code eval}-like code of the current instance.
   *
   * @return false when the function threw {@link SkipRestOfInputTableException}
   */
  boolean eval(String phase, UserCall<F> call) {
    TaskFunction<F> function = current;
    long start = System.nanoTime();
    try {
      return function.call(phase, () -> {
        try {
          call.run(function.function());
          return true;
        } catch (SkipRestOfInputTableException skip) {
          return false;
        }
      });
    } finally {
      functionTime.add(System.nanoTime() - start);
    }
  }

  /** Closes the current instance, if any: its {@code close}, then the check for leaks. */
  void closeCurrent() {
    TaskFunction<F> function = current;
    if (function == null) {
      return;
    }
    current = null;
    emitter.useAllocator(null);
    long start = System.nanoTime();
    try {
      function.close();
    } finally {
      functionTime.add(System.nanoTime() - start);
    }
  }

  @Override
  public void close() {
    closeCurrent();
  }
}

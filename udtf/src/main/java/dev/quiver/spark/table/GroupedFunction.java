package dev.quiver.spark.table;

import dev.quiver.function.QuiverFunction;
import dev.quiver.function.table.SkipRestOfInputTableException;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.execution.TaskFunction;
import dev.quiver.spark.execution.TaskScope;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The one instance of a table or cogroup function in one task, over the task's groups: opened
 * when the first group starts, then for every group {@code startGroup}, the group's calls and
 * {@code terminate}; closed by its scope when the task's operator ends. User code runs through
 * here, timed, with failures naming the function: open and {@code startGroup} on the task's
 * thread, {@link #eval} on the worker of {@link StreamedCalls}, never both at once.
 *
 * @param <F> the function's kind
 */
final class GroupedFunction<F extends QuiverFunction> {
  private final TaskScope scope;
  private final FunctionHandle handle;
  private final Class<F> kind;
  private final UserCall<F> startGroup;
  private final RowEmitter emitter;
  private final SQLMetric functionTime;
  private TaskFunction<F> function;

  /** A call into the instance. */
  @FunctionalInterface
  interface UserCall<F> {
    void run(F function) throws Exception;
  }

  /**
   * @param scope where the instance lives, closed after the calls' worker stopped
   * @param startGroup the kind's per-group hook
   */
  GroupedFunction(TaskScope scope, FunctionHandle handle, Class<F> kind, UserCall<F> startGroup,
      RowEmitter emitter, SQLMetric functionTime) {
    this.scope = scope;
    this.handle = handle;
    this.kind = kind;
    this.startGroup = startGroup;
    this.emitter = emitter;
    this.functionTime = functionTime;
  }

  /** Starts a group: opens the instance before the first one, then calls its startGroup. */
  void startGroup() {
    if (function == null) {
      function = scope.function(handle, kind, functionTime);
      emitter.useAllocator(function.allocator());
    }
    eval("startGroup", startGroup);
  }

  /**
   * Runs a call of the instance.
   *
   * @return false when the function threw {@link SkipRestOfInputTableException}
   */
  boolean eval(String phase, UserCall<F> call) {
    TaskFunction<F> f = function;
    long start = System.nanoTime();
    try {
      return f.call(phase, () -> {
        try {
          call.run(f.function());
          return true;
        } catch (SkipRestOfInputTableException skip) {
          return false;
        }
      });
    } finally {
      functionTime.add(System.nanoTime() - start);
    }
  }
}

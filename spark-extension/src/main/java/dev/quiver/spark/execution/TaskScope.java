package dev.quiver.spark.execution;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.arrow.TaskCompletion;
import dev.quiver.spark.catalog.FunctionHandle;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructType;

/**
 * What one operator holds for one task: its function instances, its Arrow writers and anything
 * else it must release, closed in one declared order, the reverse of their adding, so that
 * whatever uses a resource closes before it (a worker thread before the instance it calls, an
 * instance's results before the instance checks its allocator for leaks).
 *
 * <p>An operator opens its scope when its task starts on the partition, adds to it as it
 * creates things, and closes it when its input is done, so that a leak or a failing
 * {@code close} fails that task; the scope also closes itself when the task ends (success,
 * failure or cancellation), from the one completion listener it registers. Closing is
 * idempotent, and every resource is closed even when an earlier one fails: the first failure is
 * thrown with the others suppressed. The task's allocator ({@link QuiverMemory#taskAllocator})
 * is created before the scope's listener is registered, so it outlives everything in the scope.
 */
public final class TaskScope implements AutoCloseable {
  private final TaskContext task;
  private final BufferAllocator allocator;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;

  private TaskScope(TaskContext task, BufferAllocator allocator) {
    this.task = task;
    this.allocator = allocator;
  }

  /** Opens a scope for the running task's part of an operator. */
  public static TaskScope open(TaskContext task) {
    TaskScope scope = new TaskScope(task, QuiverMemory.taskAllocator(task));
    // Listeners run last-registered first: this one before the task allocator's.
    task.addTaskCompletionListener(new TaskCompletion(scope::close));
    return scope;
  }

  public TaskContext task() {
    return task;
  }

  /** The task's allocator, for the operator's own batches. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** Adds a resource, to be closed before everything added earlier; returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    if (closed) {
      closeQuietly(resource);
      throw new IllegalStateException("the task's Quiver operator has already ended");
    }
    resources.push(resource);
    return resource;
  }

  /**
   * A scope within this one, in this one's order where it is created: what is added to it later
   * closes after everything added here later, and before everything added here earlier. For
   * resources created later than others that must outlive them (an instance opened at the first
   * group, used by a worker thread created before it).
   */
  public TaskScope nested() {
    return add(new TaskScope(task, allocator));
  }

  /**
   * Creates the function's instance for this task and opens it. The instance is in the scope
   * before {@code open} runs, so its {@code close} runs also when {@code open} threw.
   */
  public <F extends QuiverFunction> TaskFunction<F> function(FunctionHandle handle,
      Class<F> kind) {
    return function(handle, kind, null);
  }

  /** Like {@link #function(FunctionHandle, Class)}, adding the time of open and close to a metric. */
  public <F extends QuiverFunction> TaskFunction<F> function(FunctionHandle handle,
      Class<F> kind, SQLMetric lifecycleTime) {
    TaskFunction<F> function = add(TaskFunction.create(handle, kind, task, lifecycleTime));
    function.open(task);
    return function;
  }

  /** An Arrow writer of rows of {@code schema} into batches of the task's allocator. */
  public RowBatchWriter writer(StructType schema, String timeZone) {
    return add(new RowBatchWriter(schema, timeZone, allocator));
  }

  /** Closes everything in the scope, last added first; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = closeAll(resources);
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Closes every one of {@code resources}, in their order, whatever the others throw; returns
   * the first failure, with the later ones suppressed in it, or null. For owners of several
   * resources that must all be released.
   */
  public static RuntimeException closeAll(Iterable<? extends AutoCloseable> resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        RuntimeException unchecked = e instanceof RuntimeException r ? r
            : new IllegalStateException(e);
        if (failure == null) {
          failure = unchecked;
        } else {
          failure.addSuppressed(unchecked);
        }
      }
    }
    return failure;
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception ignored) {
      // the caller's failure says more
    }
  }
}

package dev.quiver.spark.execution;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.SecretSettings;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.catalog.FunctionHandle;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * One function instance for one task and call site, with the lifecycle of
 * {@code dev.quiver.function}'s package documentation: created and opened through
 * {@link TaskScope#function} before its first use, closed exactly once by its scope, when the
 * operator finishes or, failing that, when the task ends (also after {@code open} threw). Calls
 * into user code go through {@link #call}, which turns any exception into a
 * {@link QuiverException} naming the function.
 *
 * @param <F> the function's kind
 */
public final class TaskFunction<F extends QuiverFunction> implements AutoCloseable {
  private final String name;
  private final F function;
  private final BufferAllocator allocator;
  /** Where the time of open and close is added; null when the operator does not count it. */
  private final SQLMetric lifecycleTime;
  private boolean closed;

  private TaskFunction(String name, F function, BufferAllocator allocator,
      SQLMetric lifecycleTime) {
    this.name = name;
    this.function = function;
    this.allocator = allocator;
    this.lifecycleTime = lifecycleTime;
  }

  /** A user callback that may throw anything. */
  @FunctionalInterface
  public interface Body<T> {
    T run() throws Exception;
  }

  /**
   * Creates the function's instance for the running task, with its own child allocator of the
   * task's; {@link #open} it next. Operators get their instances from {@link TaskScope#function},
   * which closes them.
   */
  static <F extends QuiverFunction> TaskFunction<F> create(FunctionHandle handle,
      Class<F> kind, TaskContext task, SQLMetric lifecycleTime) {
    QuiverFunction instance;
    try {
      instance = handle.newInstance();
    } catch (Throwable e) {
      throw QuiverException.functionFailed(handle.name(), "its constructor", e);
    }
    if (!kind.isInstance(instance)) {
      throw new QuiverException("Quiver function '" + handle.name() + "' ("
          + instance.getClass().getName() + ") is not a " + kind.getSimpleName());
    }
    BufferAllocator allocator = QuiverMemory.taskAllocator(task).newChildAllocator(
        "quiver-function-" + handle.name(), 0, Long.MAX_VALUE);
    return new TaskFunction<>(handle.name(), kind.cast(instance), allocator, lifecycleTime);
  }

  /** Calls the function's {@code open}; {@link #close} is due also when this throws. */
  void open(TaskContext task) {
    long start = System.nanoTime();
    try {
      call("open", () -> {
        function.open(new Context(name, allocator, task));
        return null;
      });
    } finally {
      addTime(start);
    }
  }

  private void addTime(long start) {
    if (lifecycleTime != null) {
      lifecycleTime.add(System.nanoTime() - start);
    }
  }

  public String name() {
    return name;
  }

  public F function() {
    return function;
  }

  /** The function's own allocator: its results and anything it keeps across batches. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /**
   * Runs user code, naming the function and the phase in any failure. Every throwable is caught,
   * errors too: a fatal one is handed to Spark as a copy that Spark does not take for fatal
   * (see {@link QuiverException}), so the function's query fails and the executor lives on.
   */
  public <T> T call(String phase, Body<T> body) {
    try {
      return body.run();
    } catch (Throwable e) {
      throw QuiverException.functionFailed(name, phase, e);
    }
  }

  /** Calls the function's close and checks that it released its memory. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    try {
      call("close", () -> {
        function.close();
        return null;
      });
    } finally {
      addTime(start);
      QuiverMemory.closeChecked(allocator, "Quiver function '" + name + "'");
    }
  }

  private record Context(String functionName, BufferAllocator allocator, TaskContext task)
      implements FunctionContext {
    @Override
    public int partitionId() {
      return task.partitionId();
    }

    @Override
    public int attemptNumber() {
      return task.attemptNumber();
    }

    @Override
    public String conf(String key, String defaultValue) {
      // Session settings arrive as the job's local properties; secrets never come from there.
      String local = SecretSettings.isSecret(key) ? null : task.getLocalProperty(key);
      if (local != null) {
        return local;
      }
      SparkEnv env = SparkEnv.get();
      return env == null ? defaultValue : env.conf().get(key, defaultValue);
    }

    @Override
    public String secret(String secretName) {
      String value = System.getenv(SecretSettings.environmentVariable(functionName,
          secretName));
      return value != null ? value : conf(SecretSettings.key(functionName, secretName), null);
    }
  }
}

package dev.quiver.spark.arrow;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.QuiverException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.AllocationOutcome;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * Arrow memory of Quiver in this JVM: one root allocator, and under it one child allocator per
 * running task, closed when the task ends. Everything a Quiver operator or function allocates
 * comes from its task's allocator, so a task that ends with memory still allocated is a leak, and
 * {@link #allocatedBytes()} returns to zero once no task runs.
 *
 * <p>Memory is bounded twice, so that no function can exhaust the JVM's direct memory (which
 * ends the executor): each task's allocator by {@value QuiverConf#TASK_MEMORY_LIMIT}, and the root
 * by three quarters of the JVM's direct memory, leaving the rest to Spark's network buffers.
 * Where Spark's off-heap memory is enabled, every allocation is also acquired from Spark's
 * memory manager by an off-heap {@link MemoryConsumer} of the task, so Spark sees it and can
 * spill its own operators to make room.
 */
public final class QuiverMemory {
  private static final long ROOT_LIMIT = maxDirectMemory() / 4 * 3;
  private static final RootAllocator ROOT = new RootAllocator(ROOT_LIMIT);
  private static final Map<Long, TaskMemory> TASKS = new ConcurrentHashMap<>();

  private QuiverMemory() {}

  /** Bytes Quiver holds in this JVM right now. */
  public static long allocatedBytes() {
    return ROOT.getAllocatedMemory();
  }

  /** The most bytes Quiver held at once in this JVM since it started. */
  public static long peakAllocatedBytes() {
    return ROOT.getPeakMemoryAllocation();
  }

  /**
   * The allocator of the running task, created on first use. It is closed when the task ends,
   * after everything that registered a completion listener later (operators, functions) closed.
   */
  public static BufferAllocator taskAllocator(TaskContext task) {
    long id = task.taskAttemptId();
    TaskMemory existing = TASKS.get(id);
    if (existing != null) {
      return existing.allocator;
    }
    TaskMemory memory = new TaskMemory(task);
    TASKS.put(id, memory);
    task.addTaskCompletionListener(new TaskCompletion(() -> {
      TASKS.remove(id);
      closeChecked(memory.allocator, "task " + id);
    }));
    return memory.allocator;
  }

  /**
   * What a user reads when Arrow refused an allocation of the running task: the bytes asked
   * for, the limit that refused them and the setting to raise.
   */
  public static String describeFailure(OutOfMemoryException e) {
    TaskContext task = TaskContext.get();
    TaskMemory memory = task == null ? null : TASKS.get(task.taskAttemptId());
    if (memory == null || memory.lastRefused == 0) {
      return "Arrow refused an allocation: " + e.getMessage();
    }
    if (memory.refusedBySpark) {
      return "it asked for " + memory.lastRefused + " bytes of Arrow memory, but Spark's "
          + "off-heap execution memory had no more to give (spark.memory.offHeap.size); raise "
          + "spark.memory.offHeap.size or have the function hold less memory at once";
    }
    long limit = Math.min(memory.allocator.getLimit(), ROOT_LIMIT);
    String setting = memory.allocator.getLimit() <= ROOT_LIMIT ? QuiverConf.TASK_MEMORY_LIMIT
        : "-XX:MaxDirectMemorySize (Quiver may use three quarters of it)";
    return "it asked for " + memory.lastRefused + " bytes of Arrow memory with "
        + memory.allocator.getAllocatedMemory() + " bytes already in use by its task, over the "
        + "limit of " + limit + " bytes; raise " + setting
        + " or have the function hold less memory at once";
  }

  /** The per-task limit in force for {@code task}: the setting, or derived from the executor's. */
  static long taskLimit(TaskContext task) {
    SparkConf conf = SparkEnv.get() == null ? new SparkConf(false) : SparkEnv.get().conf();
    String explicit = task.getLocalProperty(QuiverConf.TASK_MEMORY_LIMIT);
    if (explicit == null) {
      explicit = conf.get(QuiverConf.TASK_MEMORY_LIMIT, null);
    }
    if (explicit != null) {
      return QuiverConf.bytes(QuiverConf.TASK_MEMORY_LIMIT, explicit, 1L << 20, Long.MAX_VALUE);
    }
    return QuiverConf.defaultTaskMemoryLimit(conf);
  }

  /** Closes an allocator; memory still allocated is reported as a leak of {@code owner}. */
  public static void closeChecked(BufferAllocator allocator, String owner) {
    long leaked = allocator.getAllocatedMemory();
    if (leaked == 0) {
      allocator.close();
      return;
    }
    String detail = allocator.toVerboseString();
    try {
      allocator.close();
    } catch (IllegalStateException expected) {
      // Arrow refuses to close an allocator with outstanding buffers; the message below says
      // more than its own does.
    }
    throw new QuiverException("Arrow memory leaked by " + owner + ": " + leaked
        + " bytes still allocated when it ended. Every vector a function creates must be "
        + "returned to Quiver or closed by the function. " + firstLines(detail, 12));
  }

  private static String firstLines(String text, int lines) {
    String[] split = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOf(split, Math.min(lines, split.length)));
  }

  /** The JVM's direct memory limit, which by default is its maximum heap. */
  private static long maxDirectMemory() {
    try {
      var bean = ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      long configured = QuiverConf.bytes("-XX:MaxDirectMemorySize",
          bean.getVMOption("MaxDirectMemorySize").getValue(), 0, Long.MAX_VALUE);
      if (configured > 0) {
        return configured;
      }
    } catch (RuntimeException | LinkageError notHotSpot) {
      // fall back to the default rule
    }
    return Runtime.getRuntime().maxMemory();
  }

  /**
   * One task's allocator and its accounting. The listener is inherited by every child allocator
   * (one per function instance), and Arrow reports a release to the listener of the allocator
   * that owns the buffer, so what is acquired and released matches within the task.
   */
  private static final class TaskMemory implements AllocationListener {
    final BufferAllocator allocator;
    private final SparkOffHeap spark;
    volatile long lastRefused;
    volatile boolean refusedBySpark;

    TaskMemory(TaskContext task) {
      TaskMemoryManager manager = task.taskMemoryManager();
      SparkConf conf = SparkEnv.get() == null ? null : SparkEnv.get().conf();
      boolean offHeap = conf != null && conf.getBoolean("spark.memory.offHeap.enabled", false)
          && manager != null;
      this.spark = offHeap ? new SparkOffHeap(manager) : null;
      this.allocator = ROOT.newChildAllocator("quiver-task-" + task.taskAttemptId(), this, 0,
          taskLimit(task));
    }

    // Synchronized: a table function's worker allocates while the task's thread releases, and
    // a MemoryConsumer counts what it holds in a plain field.
    @Override
    public synchronized void onPreAllocation(long size) {
      if (spark == null) {
        return;
      }
      long granted = spark.acquireMemory(size);
      if (granted < size) {
        spark.freeMemory(granted);
        lastRefused = size;
        refusedBySpark = true;
        throw new OutOfMemoryException("Spark's memory manager granted " + granted + " of "
            + size + " bytes of off-heap execution memory");
      }
    }

    @Override
    public synchronized boolean onFailedAllocation(long size, AllocationOutcome outcome) {
      lastRefused = size;
      refusedBySpark = false;
      if (spark != null) {
        spark.freeMemory(size);
      }
      return false;
    }

    @Override
    public synchronized void onRelease(long size) {
      if (spark != null) {
        spark.freeMemory(size);
      }
    }
  }

  /** Quiver's Arrow memory as Spark's memory manager sees it. It cannot spill. */
  private static final class SparkOffHeap extends MemoryConsumer {
    SparkOffHeap(TaskMemoryManager manager) {
      super(manager, manager.pageSizeBytes(), MemoryMode.OFF_HEAP);
    }

    @Override
    public long spill(long size, MemoryConsumer trigger) {
      return 0;
    }

    @Override
    public String toString() {
      return "Quiver Arrow memory";
    }
  }
}

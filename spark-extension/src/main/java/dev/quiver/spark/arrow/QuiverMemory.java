package dev.quiver.spark.arrow;

import dev.quiver.spark.QuiverException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.TaskContext;

/**
 * Arrow memory of Quiver in this JVM: one root allocator, and under it one child allocator per
 * running task, closed when the task ends. Everything a Quiver operator or function allocates
 * comes from its task's allocator, so a task that ends with memory still allocated is a leak, and
 * {@link #allocatedBytes()} returns to zero once no task runs.
 */
public final class QuiverMemory {
  private static final RootAllocator ROOT = new RootAllocator(Long.MAX_VALUE);
  private static final Map<Long, BufferAllocator> TASKS = new ConcurrentHashMap<>();

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
    BufferAllocator existing = TASKS.get(id);
    if (existing != null) {
      return existing;
    }
    BufferAllocator allocator = ROOT.newChildAllocator("quiver-task-" + id, 0, Long.MAX_VALUE);
    TASKS.put(id, allocator);
    task.addTaskCompletionListener(new TaskCompletion(() -> {
      TASKS.remove(id);
      closeChecked(allocator, "task " + id);
    }));
    return allocator;
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
}

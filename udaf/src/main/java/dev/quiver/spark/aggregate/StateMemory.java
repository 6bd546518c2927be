package dev.quiver.spark.aggregate;

import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * The heap the functions' states take, reserved from Spark's execution memory so that the
 * memory manager can refuse it and make the table flush or spill.
 */
final class StateMemory extends MemoryConsumer {
  StateMemory(TaskMemoryManager manager) {
    super(manager, manager.pageSizeBytes(), MemoryMode.ON_HEAP);
  }

  // Only getUsed(): the field behind it is a long in Spark 4.1 and an AtomicLong in 4.2.

  /** Reserves up to {@code bytes} in total; false if Spark granted less. */
  boolean reserve(long bytes) {
    long used = getUsed();
    if (bytes > used) {
      long wanted = bytes - used;
      return acquireMemory(wanted) >= wanted;
    }
    if (bytes < used) {
      freeMemory(used - bytes);
    }
    return true;
  }

  void release() {
    long used = getUsed();
    if (used > 0) {
      freeMemory(used);
    }
  }

  /** States live on the heap as the functions keep them; the table spills them as a whole. */
  @Override
  public long spill(long size, MemoryConsumer trigger) {
    return 0L;
  }
}

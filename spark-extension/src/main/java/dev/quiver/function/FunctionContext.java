package dev.quiver.function;

import org.apache.arrow.memory.BufferAllocator;

/**
 * What a function may know about the task that runs it; handed to
 * {@link QuiverFunction#open(FunctionContext)}.
 */
public interface FunctionContext {

  /** The name the function was called by. */
  String functionName();

  /**
   * The allocator for memory the function keeps across batches. Quiver closes it when the task
   * ends and reports anything still allocated as a leak of this function.
   */
  BufferAllocator allocator();

  /** The index of the Spark partition this task processes. */
  int partitionId();

  /** How many times this task was attempted before; 0 on the first attempt. */
  int attemptNumber();

  /**
   * A value of the Spark configuration, or {@code defaultValue} when it is not set. Functions read
   * their own settings from here, conventionally under {@code spark.quiver.function.<name>.*}.
   */
  String conf(String key, String defaultValue);
}

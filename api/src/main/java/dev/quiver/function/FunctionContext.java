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

  /**
   * A secret of this function (a password, a token), or null when none is provided. Spark writes
   * settings in clear to the event log in places, so a secret is never read from the session
   * (Quiver refuses queries of a session that sets one) but on the executor, from the first of:
   * <ol>
   *   <li>the environment variable {@code QUIVER_SECRET_<FUNCTION>_<NAME>} (upper case, other
   *       characters as {@code _}), e.g. {@code QUIVER_SECRET_SFTP_UPLOAD_PASSWORD}: set it with
   *       {@code spark.executorEnv.QUIVER_SECRET_...}, a Kubernetes secret
   *       ({@code spark.kubernetes.executor.secretKeyRef.QUIVER_SECRET_...}) or the cluster's
   *       environment;</li>
   *   <li>the application's configuration key {@code spark.quiver.function.<function>.secret.<name>},
   *       from spark-submit {@code --conf} or {@code spark-defaults.conf}, which Spark redacts
   *       wherever it shows the configuration.</li>
   * </ol>
   */
  default String secret(String name) {
    return null;
  }
}

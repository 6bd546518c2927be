package dev.quiver.spark;

import dev.quiver.spark.arrow.QuiverMemory;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.SparkThrowable;

/**
 * A problem a user can act on: a function registered twice, a result of the wrong length or type,
 * an exception thrown by a function. The message always names the function.
 *
 * <p>It is a {@link SparkThrowable} with one of Quiver's error conditions, so that clients catch
 * it the way they catch Spark's own errors (PySpark and Spark Connect read
 * {@link #getCondition()} and {@link #getSqlState()}):
 *
 * <ul>
 *   <li>{@value #FUNCTION_FAILED}: the function's own code threw;
 *   <li>{@value #INVALID_RESULT}: what it returned or emitted breaks its contract;
 *   <li>{@value #MEMORY_LIMIT}: it needed more Arrow memory than the task may use;
 *   <li>{@value #INVALID_SETTING}: a {@code spark.quiver.*} setting is out of range;
 *   <li>{@value #FUNCTION_ERROR}: any other misuse of a function.
 * </ul>
 *
 * <p>A failure of user code never carries a fatal JVM error as its cause: Spark kills the whole
 * executor when it finds a {@link VirtualMachineError} in a task failure's cause chain, so such
 * errors are replaced by a {@link UserError} that keeps their class name, message and stack.
 */
public class QuiverException extends RuntimeException implements SparkThrowable {
  private static final long serialVersionUID = 1L;

  public static final String FUNCTION_FAILED = "QUIVER_FUNCTION_FAILED";
  public static final String INVALID_RESULT = "QUIVER_INVALID_RESULT";
  public static final String MEMORY_LIMIT = "QUIVER_MEMORY_LIMIT_EXCEEDED";
  public static final String INVALID_SETTING = "QUIVER_INVALID_SETTING";
  public static final String FUNCTION_ERROR = "QUIVER_FUNCTION_ERROR";

  private static final Map<String, String> SQL_STATES = Map.of(
      FUNCTION_FAILED, "39000", INVALID_RESULT, "39000", MEMORY_LIMIT, "53200",
      INVALID_SETTING, "22022", FUNCTION_ERROR, "39000");

  /** Frames kept of a fatal error's stack: a stack overflow repeats the same few frames. */
  private static final int MAX_FRAMES = 64;

  private final String condition;

  public QuiverException(String message) {
    this(FUNCTION_ERROR, message, null);
  }

  public QuiverException(String message, Throwable cause) {
    this(FUNCTION_ERROR, message, cause);
  }

  public QuiverException(String condition, String message, Throwable cause) {
    super(message, cause == null ? null : safeCause(cause));
    this.condition = condition;
  }

  @Override
  public String getCondition() {
    return condition;
  }

  @Override
  public String getSqlState() {
    return SQL_STATES.get(condition);
  }

  /** A result that breaks the function's contract: wrong length, type, nulls, buffers. */
  public static QuiverException invalidResult(String message) {
    return new QuiverException(INVALID_RESULT, message, null);
  }

  /** A {@code spark.quiver.*} setting out of its range. */
  public static QuiverException invalidSetting(String message) {
    return new QuiverException(INVALID_SETTING, message, null);
  }

  /**
   * The standard wording for a failure inside a function's own code. Arrow's refusal to
   * allocate past the task's limit becomes a {@value #MEMORY_LIMIT} error that says which
   * setting to raise.
   */
  public static QuiverException functionFailed(String function, String phase, Throwable cause) {
    if (cause instanceof QuiverException q) {
      return q;
    }
    org.apache.arrow.memory.OutOfMemoryException arrow = arrowOutOfMemory(cause);
    if (arrow != null) {
      return new QuiverException(MEMORY_LIMIT, "Quiver function '" + function + "' failed in "
          + phase + ": " + QuiverMemory.describeFailure(arrow), cause);
    }
    String detail = cause.getMessage() == null ? cause.getClass().getName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new QuiverException(FUNCTION_FAILED,
        "Quiver function '" + function + "' failed in " + phase + ": " + detail, cause);
  }

  private static org.apache.arrow.memory.OutOfMemoryException arrowOutOfMemory(Throwable t) {
    for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof org.apache.arrow.memory.OutOfMemoryException e) {
        return e;
      }
    }
    return null;
  }

  /** Whether Spark would take {@code t} for a fatal JVM error and stop the executor. */
  static boolean fatal(Throwable t) {
    return t instanceof VirtualMachineError || t instanceof ThreadDeath;
  }

  /**
   * {@code cause} itself when nothing fatal is in its chain and it serializes, otherwise a copy
   * of the chain in which every throwable is a {@link UserError}: a cause cannot be replaced in
   * place, so the links above a fatal error are copied too. Spark drops a task failure's
   * exception that does not serialize (Arrow's {@code OutOfMemoryException} holds an
   * {@code Optional}), and clients then see no error condition.
   */
  static Throwable safeCause(Throwable cause) {
    boolean anyFatal = false;
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 32; t = t.getCause(), depth++) {
      anyFatal |= fatal(t);
    }
    return anyFatal || !serializes(cause) ? copy(cause, 0) : cause;
  }

  private static boolean serializes(Throwable t) {
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(
        java.io.OutputStream.nullOutputStream())) {
      out.writeObject(t);
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  private static Throwable copy(Throwable t, int depth) {
    Throwable cause = t.getCause() == null || t.getCause() == t || depth >= 32 ? null
        : copy(t.getCause(), depth + 1);
    UserError copy = new UserError(t.getClass().getName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage()), cause);
    StackTraceElement[] stack = t.getStackTrace();
    copy.setStackTrace(stack.length <= MAX_FRAMES ? stack : Arrays.copyOf(stack, MAX_FRAMES));
    return copy;
  }

  /**
   * Stands in for a throwable of the function's, usually a fatal JVM error, in a failure's cause
   * chain: the message starts with the original class name, the stack is the original one (cut
   * to its first frames).
   */
  public static final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

package dev.quiver.spark;

/**
 * A problem a user can act on: a function registered twice, a result of the wrong length or type,
 * an exception thrown by a function. The message always names the function.
 */
public class QuiverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QuiverException(String message) {
    super(message);
  }

  public QuiverException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The standard wording for a failure inside a function's own code. */
  public static QuiverException functionFailed(String function, String phase, Throwable cause) {
    String detail = cause.getMessage() == null ? cause.getClass().getName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new QuiverException(
        "Quiver function '" + function + "' failed in " + phase + ": " + detail, cause);
  }
}

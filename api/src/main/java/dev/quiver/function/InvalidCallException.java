package dev.quiver.function;

/**
 * Thrown by a function's analysis-time checks (a table function's {@code analyze}) when a call
 * cannot work: a missing column, a column of the wrong type, a missing PARTITION BY, an argument
 * that must be a constant. The query fails at analysis with the Spark error class
 * {@code QUIVER_INVALID_CALL} and this message, naming the function, instead of failing in a
 * task or giving a wrong result. Any other exception from {@code analyze} is reported as a failure
 * of the function.
 */
public class InvalidCallException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param problem what is wrong with the call and how to call it, as one sentence */
  public InvalidCallException(String problem) {
    super(problem);
  }
}

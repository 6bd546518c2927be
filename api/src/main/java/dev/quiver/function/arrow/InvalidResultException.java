package dev.quiver.function.arrow;

/**
 * What a function returned or emitted breaks its contract: a vector of the wrong Arrow type or
 * row count, malformed buffers, a null where the declared type allows none. Thrown by
 * {@link ResultChecks}; on a Spark executor the query then fails with the error class
 * {@code QUIVER_INVALID_RESULT} and this message, which names the function.
 */
public class InvalidResultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidResultException(String message) {
    super(message);
  }
}

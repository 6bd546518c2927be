package dev.quiver.spark.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.quiver.spark.QuiverException;

/** What the fatal-error tests of every function kind share. */
public final class FatalErrors {
  private FatalErrors() {}

  /** Overflows the calling thread's stack: a real {@link StackOverflowError}, not a thrown one. */
  public static long overflowStack() {
    return recurse(0);
  }

  private static long recurse(long depth) {
    return recurse(depth + 1) + 1;
  }

  /**
   * The {@link QuiverException} in {@code failure}'s cause chain, after checking that the chain
   * holds no fatal JVM error: Spark would have stopped the executor for one.
   */
  public static QuiverException quiverCause(Throwable failure) {
    QuiverException quiver = null;
    for (Throwable c = failure; c != null; c = c.getCause()) {
      assertFalse(c instanceof VirtualMachineError, "fatal error handed to Spark: " + c);
      if (quiver == null && c instanceof QuiverException q) {
        quiver = q;
      }
    }
    if (quiver == null) {
      throw new AssertionError("no QuiverException in " + QuiverSession.messages(failure));
    }
    return quiver;
  }
}

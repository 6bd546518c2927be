package dev.quiver.it.functions;

import dev.quiver.function.scalar.LongFunction;

/**
 * {@code it_overflow(bigint) -> bigint}: never returns; its eval recurses without bound until the
 * executor's task thread throws a real {@link StackOverflowError}. The cluster test uses it to
 * show that a fatal JVM error of user code fails only its query: Spark would otherwise stop the
 * executor JVM.
 */
public final class Overflow extends LongFunction {

  public Overflow() {
    super("it_overflow", (in, out) -> {
      long first = in.getValueCount() == 0 || in.isNull(0) ? 0 : in.get(0);
      for (int i = 0; i < in.getValueCount(); i++) {
        out.getDataBuffer().setLong(8L * i, descend(first + i));
      }
    });
  }

  @Override
  public String description() {
    return "Recurses without bound: always fails with a StackOverflowError.";
  }

  /** Each call adds a frame and uses the result of the next one: nothing can unwind it early. */
  private static long descend(long n) {
    return Mix.mix(n) ^ descend(n + 1) + 1;
  }
}

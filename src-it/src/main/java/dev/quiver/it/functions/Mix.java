package dev.quiver.it.functions;

import dev.quiver.function.scalar.LongFunction;

/**
 * {@code it_mix(bigint) -> bigint}: SplitMix64's finalizer, so results cover the whole range of
 * {@code bigint} and any lost, duplicated or misplaced row changes them.
 */
public final class Mix extends LongFunction {
  public Mix() {
    super("it_mix", Mix::mix);
  }

  /** The function itself, also used by the tests to compute the expected results. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public String description() {
    return "SplitMix64's finalizer of a bigint.";
  }
}

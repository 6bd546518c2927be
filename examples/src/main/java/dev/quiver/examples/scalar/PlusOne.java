package dev.quiver.examples.scalar;

import dev.quiver.function.scalar.DoubleFunction;

/**
 * The README's quick start, exactly as printed there: a scalar function on the short path.
 * {@code DoubleFunction} allocates the result, passes nulls through and sets the value count;
 * the lambda runs on every non-null value.
 */
public final class PlusOne extends DoubleFunction {
  public PlusOne() {
    super("plus_one", v -> v + 1);
  }
}

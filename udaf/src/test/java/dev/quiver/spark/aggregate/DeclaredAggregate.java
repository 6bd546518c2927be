package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.spark.testing.TypedFixture;
import java.util.List;

/**
 * A test aggregate declared in its constructor ({@link TypedFixture}: name, result type and
 * argument types). Subclasses that merge by type add {@code implements
 * MergeableAggregateFunction}; the ones META-INF/services lists keep a public no-argument
 * constructor.
 *
 * @param <S> the state class
 */
abstract class DeclaredAggregate<S> extends TypedFixture implements AggregateFunction<S> {
  private static final long serialVersionUID = 1L;

  /** Without {@code argumentTypes} the function takes any arguments as they are. */
  DeclaredAggregate(String name, String resultType, String... argumentTypes) {
    super(name, resultType, argumentTypes.length == 0 ? null : List.of(argumentTypes));
  }
}

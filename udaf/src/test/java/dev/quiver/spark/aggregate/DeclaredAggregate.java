package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.AggregateFunction;
import java.util.List;

/**
 * The declaration of a test aggregate, given once in its constructor: name, result type and
 * argument types. Subclasses that merge by type add {@code implements MergeableAggregateFunction};
 * the ones META-INF/services lists keep a public no-argument constructor.
 *
 * @param <S> the state class
 */
abstract class DeclaredAggregate<S> implements AggregateFunction<S> {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final String resultType;
  private final List<String> argumentTypes;

  /** Without {@code argumentTypes} the function takes any arguments as they are. */
  DeclaredAggregate(String name, String resultType, String... argumentTypes) {
    this.name = name;
    this.resultType = resultType;
    this.argumentTypes = argumentTypes.length == 0 ? null : List.of(argumentTypes);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String resultType() {
    return resultType;
  }

  @Override
  public List<String> argumentTypes() {
    return argumentTypes;
  }
}

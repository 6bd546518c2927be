package dev.quiver.function;

import java.util.List;
import java.util.Objects;

/**
 * The declaration that {@code scalar.AbstractScalarFunction} and
 * {@code aggregate.AbstractAggregateFunction} take in their constructors, kept in one place: a
 * name, a result type and the argument types, all fixed when the function is created. Extend
 * one of those two, which add the kind's interface:
 *
 * <pre>{@code
 * public final class PlusOne extends AbstractScalarFunction {
 *   public PlusOne() {
 *     super("plus_one", "double", "double");   // name, result type, argument types
 *   }
 *   // eval as in ScalarFunction's example
 * }
 * }</pre>
 *
 * The methods implement those of {@link ScalarFunction} and {@code AggregateFunction} of the
 * same names.
 */
public abstract class DeclaredFunction implements QuiverFunction {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String resultType;
  private final List<String> argumentTypes;

  /**
   * A function called {@code name} that returns {@code resultType} and takes arguments of
   * {@code argumentTypes}, all Spark DDL type strings such as {@code "double"}.
   */
  protected DeclaredFunction(String name, String resultType, String... argumentTypes) {
    this.name = Objects.requireNonNull(name, "name");
    this.resultType = Objects.requireNonNull(resultType, "resultType");
    this.argumentTypes = List.of(argumentTypes);
  }

  @Override
  public String name() {
    return name;
  }

  /** The result type given to the constructor. */
  public final String resultType() {
    return resultType;
  }

  /** The argument types given to the constructor, in order. */
  public final List<String> argumentTypes() {
    return argumentTypes;
  }
}

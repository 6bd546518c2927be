package dev.quiver.spark.testing;

import dev.quiver.function.QuiverFunction;
import java.util.List;

/**
 * The declaration every test function has, whatever its kind: its name and, for the fixtures
 * that take arguments by name, its parameters. Each kind's fixture base adds only what that kind
 * declares besides: {@link TypedFixture} the result and argument types of scalar and aggregate
 * fixtures, the table tests' base a result schema. Fixtures that META-INF/services lists keep a
 * public no-argument constructor.
 *
 * <pre>{@code
 * public static final class Scaled extends FixtureFunction {
 *   public Scaled() {
 *     super("scaled", "double", List.of("double", "double"));
 *     namedParameters(1, "value", "factor"); // scaled(value => 2), factor NULL
 *   }
 *   ...
 * }
 * }</pre>
 */
public abstract class DeclaredFixture implements QuiverFunction {
  private static final long serialVersionUID = 1L;

  private final String name;
  private List<String> parameterNames = List.of();
  private int requiredParameters;

  protected DeclaredFixture(String name) {
    this.name = name;
  }

  /**
   * Lets calls pass arguments by name: {@code names} in order, of which a call must pass the
   * first {@code required}; the others are NULL when left out. For a subclass's constructor.
   */
  protected final void namedParameters(int required, String... names) {
    this.parameterNames = List.of(names);
    this.requiredParameters = required;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> parameterNames() {
    return parameterNames;
  }

  @Override
  public int requiredParameters() {
    return requiredParameters;
  }
}

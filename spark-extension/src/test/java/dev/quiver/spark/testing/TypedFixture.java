package dev.quiver.spark.testing;

import java.util.List;

/**
 * The declaration of a scalar or aggregate test function: besides its name, the Spark DDL type
 * of its result and of its arguments. {@link FixtureFunction} is the scalar fixtures' base; the
 * aggregate tests' base adds only the state class.
 */
public abstract class TypedFixture extends DeclaredFixture {
  private static final long serialVersionUID = 1L;

  private final String resultType;
  private final List<String> argumentTypes;

  /** A null {@code argumentTypes} takes any arguments as they are. */
  protected TypedFixture(String name, String resultType, List<String> argumentTypes) {
    super(name);
    this.resultType = resultType;
    this.argumentTypes = argumentTypes;
  }

  public String resultType() {
    return resultType;
  }

  public List<String> argumentTypes() {
    return argumentTypes;
  }
}

package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;

/**
 * A {@link FunctionKind} named by its public interface and its label, given once to the
 * constructor. Implementations keep the public no-argument constructor that
 * {@link java.util.ServiceLoader} needs.
 */
public abstract class AbstractFunctionKind implements FunctionKind {
  private final Class<? extends QuiverFunction> api;
  private final String label;

  protected AbstractFunctionKind(Class<? extends QuiverFunction> api, String label) {
    this.api = api;
    this.label = label;
  }

  @Override
  public final Class<? extends QuiverFunction> api() {
    return api;
  }

  @Override
  public final String label() {
    return label;
  }
}

package dev.quiver.spark.catalog;

import dev.quiver.spark.shims.SparkShims;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import scala.Option;

/**
 * Registry keys of functions, which differ between Spark versions: up to 4.1 a function is
 * registered under its bare name; from 4.2 the registry requires three-part names, with
 * built-in (and extension-injected) functions under {@code system.builtin} and temporary ones
 * under {@code system.session}. One jar serves both: {@link SparkShims#qualifiedFunctionNames()}.
 */
final class FunctionNames {
  private static final boolean QUALIFIED = SparkShims.qualifiedFunctionNames();

  private FunctionNames() {}

  /** The key of a built-in function in the built-in registry. */
  static FunctionIdentifier builtin(String name) {
    return QUALIFIED ? new FunctionIdentifier(name, Option.apply("builtin"), Option.apply("system"))
        : FunctionIdentifier.apply(name);
  }

  /** The key of a temporary function in a session's registry. */
  static FunctionIdentifier temporary(String name) {
    return QUALIFIED ? new FunctionIdentifier(name, Option.apply("session"), Option.apply("system"))
        : FunctionIdentifier.apply(name);
  }

  /** The key under which extension-injected functions are registered (bare: Spark qualifies). */
  static FunctionIdentifier injected(String name) {
    return FunctionIdentifier.apply(name);
  }
}

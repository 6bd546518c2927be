package dev.quiver.function;

import java.io.Serializable;
import java.util.List;

/**
 * What every Quiver function has in common: a name, a description, and a per-task lifecycle.
 *
 * <p>Quiver functions are plain Java classes written against Arrow Java. There are three kinds,
 * each with its own interface: {@link ScalarFunction} (a batch in, a column out),
 * {@code dev.quiver.function.table.TableFunction} (table and scalar arguments in, batches of rows
 * out) and {@code dev.quiver.function.aggregate.AggregateFunction} (the batches of a group in,
 * one value out).
 *
 * <h2>Lifecycle</h2>
 * On each executor, every task gets its own instance for each call of the function, opened once
 * with {@link #open(FunctionContext)} before its first use and closed once with {@link #close()}
 * when the task ends, always. The precise contract, the same for every kind, is stated once in the
 * <a href="package-summary.html#lifecycle">package documentation</a>.
 *
 * <h2>Registration</h2>
 * A jar declares its functions for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.quiver.function.QuiverFunction}, one class name a line; every
 * Spark session started with {@code spark.sql.extensions=dev.quiver.spark.QuiverExtensions} then
 * has them, like built-ins. {@code spark.quiver.functions} lists more class names, and
 * {@code dev.quiver.spark.Quiver.register(spark, name, function)} adds a temporary function to one
 * session.
 */
public interface QuiverFunction extends Serializable {

  /** The SQL name the function is registered under, for example {@code "normal_cdf"}. */
  String name();

  /**
   * What the function does and how to call it; {@code DESCRIBE FUNCTION} prints this. The first
   * line is the summary, further lines may show usage examples.
   */
  default String description() {
    return "";
  }

  /**
   * Whether the function returns the same output for the same input every time. A
   * non-deterministic function (random numbers, the current time, a network call) is never
   * collapsed, duplicated or reordered by the optimizer, and is evaluated exactly once per row.
   */
  default boolean isDeterministic() {
    return true;
  }

  /**
   * The names of the parameters in order, for example {@code List.of("value", "scale")}. When
   * declared, a call may pass arguments by name, as Spark's own functions take them:
   * {@code round_to(scale => 2, value => x)}, or positional ones first and named ones after
   * them. Spark's rules and error classes apply: a positional argument after a named one
   * ({@code UNEXPECTED_POSITIONAL_ARGUMENT}), a parameter passed twice
   * ({@code DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT}), an unknown name
   * ({@code UNRECOGNIZED_PARAMETER_NAME}), a required parameter left out
   * ({@code REQUIRED_PARAMETER_NOT_FOUND}). When empty (the default), scalar and aggregate
   * functions take positional arguments only ({@code NAMED_PARAMETERS_NOT_SUPPORTED}); table
   * functions take any names, read with {@code Arguments.get(String)}. For a scalar or aggregate
   * function that declares {@code argumentTypes()}, there is one name per type.
   */
  default List<String> parameterNames() {
    return List.of();
  }

  /**
   * How many of the leading {@link #parameterNames()} a call must pass; the others are optional
   * and NULL when not passed. All of them by default.
   */
  default int requiredParameters() {
    return parameterNames().size();
  }

  /**
   * Called once per task and call, before the first use of the instance; see the
   * <a href="package-summary.html#lifecycle">lifecycle</a>.
   */
  default void open(FunctionContext context) throws Exception {}

  /**
   * Called once when the task ends, always: after success, failure or cancellation, and also when
   * {@link #open} threw; see the <a href="package-summary.html#lifecycle">lifecycle</a>.
   */
  default void close() throws Exception {}
}

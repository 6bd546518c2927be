package dev.quiver.function;

import java.io.Serializable;

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
 * On the driver, Quiver creates one instance to read the function's metadata ({@link #name()},
 * {@link #description()}, result type). On each executor, every task that evaluates the function
 * gets its own fresh instance, either through the public no-argument constructor (functions
 * registered by class name) or by deserializing the registered instance (functions registered as
 * an instance through {@code dev.quiver.spark.Quiver#register}). For that task Quiver then calls:
 * <ol>
 *   <li>{@link #open(FunctionContext)} once, before the first batch: open connections, load
 *       models, allocate buffers;</li>
 *   <li>the kind's evaluation method, once per batch;</li>
 *   <li>{@link #close()} once, when the task ends, whether it succeeded or failed.</li>
 * </ol>
 * An instance is never used by two threads at once, so it may keep state in plain fields.
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

  /** Called once per task before the first batch. */
  default void open(FunctionContext context) throws Exception {}

  /** Called once per task after the last batch, also when the task failed. */
  default void close() throws Exception {}
}

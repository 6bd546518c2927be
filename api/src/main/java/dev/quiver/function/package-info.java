/**
 * Quiver's function API: {@link dev.quiver.function.ScalarFunction},
 * {@link dev.quiver.function.table.TableFunction} (and
 * {@link dev.quiver.function.table.CoGroupFunction}) and
 * {@link dev.quiver.function.aggregate.AggregateFunction}, all of them
 * {@link dev.quiver.function.QuiverFunction}s.
 *
 * <h2 id="lifecycle">Lifecycle</h2>
 * The same for every kind of function.
 *
 * <p><b>On the driver</b>, Quiver creates an instance to read the function's metadata
 * ({@code name()}, {@code description()}, the result type or schema) and, for a table function,
 * to call {@code analyze} while a query is analyzed. That instance is never opened and never
 * evaluates anything.
 *
 * <p><b>On the executors</b>, every task gets one instance of its own for each call of the
 * function in the query ({@code f(a) + f(b)} is two calls, and two instances), created through
 * the public no-argument constructor (functions registered by class name) or by deserializing the
 * registered instance ({@code Quiver.register(spark, name, function)}). For that task and call,
 * Quiver calls:
 * <ol>
 *   <li>{@code open(FunctionContext)} once, before the first use: open connections, load models,
 *       allocate buffers from {@link dev.quiver.function.FunctionContext#allocator()}. A task with
 *       nothing for the function to do may not create an instance at all;</li>
 *   <li>the calls of its kind, any number of times:
 *       <ul>
 *         <li>scalar: {@code eval} once per batch;</li>
 *         <li>aggregate: {@code createState} per group, {@code update} per batch of a group,
 *             {@code merge}, {@code finish}, {@code serialize} and {@code deserialize} as the
 *             aggregation needs them;</li>
 *         <li>table and cogroup: for every group of rows (a {@code PARTITION BY} key, the single
 *             partition, a Spark partition of the input, or the input rows of a call without a
 *             TABLE argument), {@code startGroup()} first, then {@code eval} (or
 *             {@code evalLeft} and {@code evalRight}) once per batch of the group's rows, then
 *             {@code terminate} once. State that belongs to a group lives in fields that
 *             {@code startGroup} resets; what {@code open} built serves all the groups of the
 *             task;</li>
 *       </ul></li>
 *   <li>{@code close()} once, when the task ends, always: after success, after any call threw
 *       (which fails the query with a message naming the function), when the task is cancelled
 *       or stops reading early (a {@code LIMIT}), and also when {@code open} itself threw, in
 *       which case no other call came in between. Memory of the function's allocator that is
 *       still allocated after {@code close} fails the query as a leak.</li>
 * </ol>
 * An instance is never used by two threads at once, so it may keep state in plain fields. It is
 * not always used by the same thread: the calls of a table function run on a thread of their own
 * within the task (where {@code TaskContext.get()} works as usual), so that what they emit
 * streams on to Spark while they run; do not keep per-thread state across calls.
 */
package dev.quiver.function;

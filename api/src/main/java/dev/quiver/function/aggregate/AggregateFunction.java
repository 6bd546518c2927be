package dev.quiver.function.aggregate;

import dev.quiver.function.QuiverFunction;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An aggregate function: folds the rows of each group into a state, fed with Arrow batches of
 * that group's argument columns, and turns the state into one value per group. The JVM
 * counterpart of PySpark's grouped-aggregate {@code @pandas_udf}, with partial aggregation
 * before the shuffle. Modelled on DataFusion's {@code Accumulator}; functions that aggregate many
 * small groups may add the vectorized form, {@link GroupsAccumulator}. The short way to write a
 * two-phase aggregate is {@link MergeableAggregateFunction}: mergeable by its type, with states
 * serialized by the {@linkplain StateCodec#standard() standard codec}, so the example below
 * needs neither {@code serialize} nor {@code deserialize} there. This interface, with
 * hand-written codecs, is the full form.
 *
 * <pre>{@code
 * public final class LongSum implements AggregateFunction<long[]> {
 *   public String name() { return "long_sum"; }
 *   public String resultType() { return "bigint"; }
 *   public List<String> argumentTypes() { return List.of("bigint"); }
 *
 *   // state[0] = the sum, state[1] = how many non-null values were added
 *   public long[] createState() { return new long[2]; }
 *
 *   public void update(long[] state, VectorSchemaRoot args) {
 *     BigIntVector values = (BigIntVector) args.getVector(0);
 *     for (int i = 0; i < args.getRowCount(); i++) {
 *       if (!values.isNull(i)) {
 *         state[0] += values.get(i);
 *         state[1]++;
 *       }
 *     }
 *   }
 *
 *   public long[] merge(long[] state, long[] other) {
 *     state[0] += other[0];
 *     state[1] += other[1];
 *     return state;
 *   }
 *
 *   public Object finish(long[] state) { return state[1] == 0 ? null : state[0]; }
 *
 *   public byte[] serialize(long[] state) {
 *     return ByteBuffer.allocate(16).putLong(state[0]).putLong(state[1]).array();
 *   }
 *
 *   public long[] deserialize(byte[] bytes) {
 *     ByteBuffer in = ByteBuffer.wrap(bytes);
 *     return new long[] {in.getLong(), in.getLong()};
 *   }
 * }
 * }</pre>
 *
 * <pre>{@code
 * SELECT store, long_sum(quantity) FROM sales GROUP BY store HAVING long_sum(quantity) > 100
 * SELECT long_sum(quantity) FILTER (WHERE returned = false), sum(price) FROM sales
 * SELECT day, long_sum(quantity) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
 *   FROM sales
 * sales.groupBy("store").agg(Quiver.call("long_sum", col("quantity")))
 * }</pre>
 *
 * <p>A Quiver aggregate works wherever Spark accepts a built-in aggregate: with or without
 * {@code GROUP BY}, next to built-in aggregates, with {@code DISTINCT}, {@code FILTER (WHERE
 * ...)}, in {@code HAVING}, and as a window function over any frame.
 *
 * <h2>Lifecycle</h2>
 * Every task that aggregates gets its own instance (see the
 * <a href="../package-summary.html#lifecycle">lifecycle</a>) and calls
 * {@link #open} once before anything else and {@link #close} once at the end. In between it calls,
 * for each group it aggregates:
 * <ol>
 *   <li>{@link #createState()} once, to start the group;</li>
 *   <li>{@link #update} zero or more times, each time with a batch of at most
 *       {@code spark.quiver.batchSize} rows (10,000 by default), all of this group. A group with
 *       millions of rows streams through many batches; a group whose rows are all filtered out
 *       by {@code FILTER (WHERE ...)} gets none;</li>
 *   <li>{@link #merge} to combine the state with another state of the same group, built by
 *       another task or earlier in the same task;</li>
 *   <li>{@link #finish} to produce the group's value; or {@link #serialize} to send the state
 *       through a shuffle or spill it to disk, after which another task calls
 *       {@link #deserialize} and goes on with {@code update}, {@code merge} or {@code finish}.</li>
 * </ol>
 * Mergeable functions aggregate in two phases: each task folds its input partition into one
 * partial state per group, the states cross the shuffle serialized, and a second task merges the
 * states of each group and finishes it. So the rows of a group may be split over any number of
 * states, in any order, and {@code merge} must be associative and commutative.
 *
 * <p>States are plain Java objects on the heap. Quiver drops a state without notice once it has
 * been finished or serialized for the last time, so a state must not hold Arrow memory or other
 * resources that need closing. A state that can grow (a list, a sketch) should report its size
 * through {@link #stateSize} so that Quiver can spill before the heap runs out.
 *
 * <p>{@link #finish} must leave the state as it is: in a window, Quiver finishes the same state
 * once per row of the frame and goes on updating it afterwards.
 *
 * <h2>Functions that cannot merge</h2>
 * An exact median needs all values of a group at once, so two partial states cannot be combined.
 * Such a function returns {@code false} from {@link #isMergeable()}: Quiver then shuffles the
 * rows of each group to one task and feeds them all into a single state, in batches, before
 * finishing it. {@code merge}, {@code serialize} and {@code deserialize} are never called and may
 * keep their default implementations.
 *
 * <h2>Arguments</h2>
 * {@code args} holds one vector per argument, in call order, with the Arrow types listed for
 * {@link dev.quiver.function.ScalarFunction}; SQL nulls are Arrow nulls. By SQL convention an
 * aggregate skips null values and returns null for a group without any other. The vectors belong
 * to Quiver and are refilled for the next batch: read them, copy what the state needs, and do not
 * keep or close them. Rows arrive in no particular order.
 *
 * <h2>Result</h2>
 * {@link #finish} returns the group's value as a plain Java object, or {@code null} for SQL NULL:
 *
 * <table>
 *   <caption>Result types and the Java values finish returns</caption>
 *   <tr><th>Spark type</th><th>Java value</th></tr>
 *   <tr><td>boolean, tinyint, smallint, int, bigint</td>
 *       <td>Boolean, Byte, Short, Integer, Long</td></tr>
 *   <tr><td>float, double, decimal(p,s)</td><td>Float, Double, java.math.BigDecimal</td></tr>
 *   <tr><td>string, binary</td><td>String, byte[]</td></tr>
 *   <tr><td>date, timestamp, timestamp_ntz</td>
 *       <td>java.time.LocalDate, java.time.Instant, java.time.LocalDateTime</td></tr>
 *   <tr><td>array&lt;T&gt;</td><td>java.util.List or a Java array of T's values</td></tr>
 *   <tr><td>map&lt;K,V&gt;</td><td>java.util.Map</td></tr>
 *   <tr><td>struct&lt;...&gt;</td>
 *       <td>Object[] or java.util.List in field order, or a java.util.Map by field name</td></tr>
 * </table>
 *
 * A value of another class fails the query with a message naming the function. The vectorized
 * form returns the values of many groups at once as an Arrow vector instead, see
 * {@link GroupsAccumulator#evaluate}.
 *
 * <h2>Errors</h2>
 * An exception thrown by any method fails the query with a
 * {@code dev.quiver.spark.QuiverException} naming the function and the method it was in.
 *
 * @param <S> the class of the per-group state
 */
public interface AggregateFunction<S> extends QuiverFunction {

  /**
   * The result type as a Spark DDL type string, for example {@code "double"} or
   * {@code "struct<count:bigint,mean:double>"}.
   */
  String resultType();

  /** Whether {@link #finish} may return null; a function that declares {@code false} and does
   * fails the query. */
  default boolean resultNullable() {
    return true;
  }

  /**
   * The argument types as Spark DDL type strings, or {@code null} (the default) to accept any
   * arguments as they are. When declared, a call must pass exactly this many arguments, and Spark
   * casts each one implicitly where it can (an {@code int} column to a declared {@code bigint}).
   */
  default List<String> argumentTypes() {
    return null;
  }

  /**
   * The positions (from 0) of the arguments that must be constants, such as a percentile's
   * fraction. A call passing anything else there fails at analysis with Spark's
   * {@code DATATYPE_MISMATCH.NON_FOLDABLE_INPUT}; empty by default.
   */
  default List<Integer> constantArguments() {
    return List.of();
  }

  /**
   * Checks the value of a constant argument (one of {@link #constantArguments}) at analysis,
   * before any task runs: throw a {@code dev.quiver.function.InvalidCallException} to reject the
   * call. Values are Java values: boxed numbers, {@code String}, {@code BigDecimal}, or null.
   */
  default void checkConstantArgument(int position, Object value) {}

  /**
   * Whether two states of one group can be combined with {@link #merge}; {@code true} by default.
   * See "Functions that cannot merge" above. Prefer declaring it by type: implement
   * {@link MergeableAggregateFunction}, or return {@code false} here. A function that implements
   * only this interface and keeps the default must implement {@code merge}, {@code serialize}
   * and {@code deserialize}; registration fails otherwise.
   */
  default boolean isMergeable() {
    return true;
  }

  /** A new, empty state: the state of a group before any row. */
  S createState() throws Exception;

  /**
   * Adds a batch of one group's rows to its state.
   *
   * @param state the group's state, as {@link #createState()}, {@link #merge} or
   *     {@link #deserialize} returned it; update it in place
   * @param args the argument columns of the rows; {@code args.getRowCount()} rows, at least one
   */
  void update(S state, VectorSchemaRoot args) throws Exception;

  /**
   * Combines two states of one group. The result may be {@code state} updated in place; Quiver
   * does not use {@code other} afterwards.
   */
  default S merge(S state, S other) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getName() + " is mergeable but does not implement merge");
  }

  /**
   * The group's value; see the table above. Must not modify the state.
   *
   * @return the value, or {@code null} for SQL NULL
   */
  Object finish(S state) throws Exception;

  /**
   * The state as bytes that {@link #deserialize} turns back into an equal state, possibly in
   * another JVM. Quiver's operators and Spark's write the same bytes, so keep the format stable
   * across versions of the function that may run in one job. {@link StateCodec#standard()}
   * writes primitive, string and {@code Serializable} states; {@link MergeableAggregateFunction}
   * uses it by default.
   */
  default byte[] serialize(S state) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getName() + " is mergeable but does not implement serialize");
  }

  /** A state from the bytes {@link #serialize} wrote. */
  default S deserialize(byte[] bytes) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getName() + " is mergeable but does not implement deserialize");
  }

  /**
   * An estimate of the heap bytes {@code state} holds, 64 by default. Quiver reserves this much
   * of Spark's execution memory per group it keeps in memory, and spills or flushes states when
   * Spark grants no more. Functions whose states grow with their input should return a close
   * estimate; it is called after updates, so it should be cheap.
   */
  default long stateSize(S state) {
    return 64;
  }

  /**
   * The vectorized form of this function, or {@code null} (the default) to have Quiver keep one
   * state per group and call {@link #update} once per group present in a batch. Called once for
   * every table of groups Quiver builds, on the task's thread, after {@link #open}.
   */
  default GroupsAccumulator<S> createGroupsAccumulator() throws Exception {
    return null;
  }
}

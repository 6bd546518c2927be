package dev.quiver.function.table;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.QuiverFunction;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A table function: called in the {@code FROM} clause, it receives the rows of a {@code TABLE}
 * argument as Arrow batches, plus scalar arguments, and returns a table of any number of rows.
 * The JVM counterpart of PySpark's {@code @arrow_udtf}; through
 * {@code dev.quiver.spark.table.QuiverTables} also of {@code groupBy().applyInArrow} and
 * {@code mapInArrow}.
 *
 * <h2>Example</h2>
 * The sum of the purchases of each user, emitted once per user when all the user's rows were seen:
 *
 * <pre>{@code
 * public final class SumPerUser implements TableFunction {
 *   private Integer user;      // the current PARTITION BY group's state
 *   private long total;
 *   private int rows;
 *
 *   public String name() { return "sum_per_user"; }
 *   public String resultSchema() { return "user_id int, total_amount int, rows int"; }
 *
 *   public void startGroup() { user = null; total = 0; rows = 0; }
 *
 *   public void eval(VectorSchemaRoot batch, Arguments args, Emitter out) {
 *     IntVector users = (IntVector) batch.getVector("user_id");
 *     IntVector amounts = (IntVector) batch.getVector("amount");
 *     for (int i = 0; i < batch.getRowCount(); i++) {
 *       user = users.get(i);
 *       total += amounts.isNull(i) ? 0 : amounts.get(i);
 *       rows++;
 *     }
 *   }
 *
 *   public void terminate(Emitter out) {
 *     if (user != null) out.emitRow(user, (int) total, rows);
 *   }
 * }
 * }</pre>
 *
 * {@link AbstractTableFunction} takes the name and the result schema in its constructor instead
 * ({@code super("sum_per_user", "user_id int, total_amount int, rows int")}), and
 * {@link RowTableFunction} also reads the rows one at a time.
 *
 * <p>Declared in {@code META-INF/services/dev.quiver.function.QuiverFunction} (or registered with
 * {@code Quiver.register(spark, new SumPerUser())}), it is called like this:
 *
 * <pre>{@code
 * SELECT * FROM sum_per_user(TABLE(purchases) PARTITION BY user_id)
 * SELECT * FROM top_reviews(TABLE(reviews) PARTITION BY (product_id) ORDER BY (rating DESC, id))
 * SELECT * FROM threshold_filter(TABLE(SELECT * FROM v WHERE k > 0), threshold => 10)
 * SELECT * FROM series(5)
 * SELECT * FROM t, LATERAL series(t.n)
 * }</pre>
 *
 * <h2>Calls and groups</h2>
 * A call takes at most one {@code TABLE(name)} or {@code TABLE(query)} argument, in any position,
 * and any number of scalar arguments, positional or named ({@code threshold => 10}). The rows of
 * the TABLE argument are divided into <em>groups</em>:
 * <ul>
 *   <li>{@code TABLE(t) PARTITION BY k} or {@code PARTITION BY (k1, k2)} (keys may be
 *       expressions): one group per distinct key, with all its rows; several keys need the
 *       parentheses. {@code ORDER BY (x DESC, y)} after it sets the order of the rows within
 *       each group, otherwise the order is unspecified;</li>
 *   <li>{@code TABLE(t) WITH SINGLE PARTITION}: all rows form one group, optionally ordered by
 *       {@code ORDER BY};</li>
 *   <li>plain {@code TABLE(t)}: each Spark partition of the input is one group (also an empty
 *       one), like {@code mapInArrow}.</li>
 * </ul>
 * {@link #analyze} may request the partitioning and ordering itself, for calls that do not give
 * one.
 *
 * <h2>Lifecycle</h2>
 * As for every Quiver function (see the
 * <a href="../package-summary.html#lifecycle">package documentation</a>), each task gets one
 * instance per call, opened once before its first group and closed once when the task ends,
 * always. The instance serves all the groups of the task, one after the other:
 * <ol>
 *   <li>{@link #startGroup()} once when a group starts: reset per-group fields here;</li>
 *   <li>{@link #eval} once per batch of the group's rows, in order: batches hold at most
 *       {@code spark.quiver.batchSize} rows (10,000 by default), never rows of two groups, and a
 *       group of any size streams through in such batches;</li>
 *   <li>{@link #terminate} once, when the group's rows are done (also when {@code eval} threw
 *       {@link SkipRestOfInputTableException} to skip the rest of them).</li>
 * </ol>
 * A call that throws fails the query with a message naming the function; no further group
 * starts, and {@code close} follows. An instance is never used by two threads at once, but not
 * always by the same one: {@code eval} and {@code terminate} run on a thread of their own
 * within the Spark task (where {@code TaskContext.get()} works as usual), so that
 * what they emit can stream on to Spark while they run; do not keep per-thread state across
 * calls.
 *
 * <p>A call without a TABLE argument ({@code series(5)}, or {@code LATERAL series(t.n)} which is
 * evaluated once for each row of {@code t}) treats the rows of a Spark partition as one group:
 * {@code startGroup} once, {@code eval} once per set of argument values, with a batch of one row
 * and no columns, then {@code terminate} once at the end of the partition. As in Spark's generators, rows emitted by {@code terminate}
 * in a LATERAL join are joined with the partition's last row of {@code t}.
 *
 * <h2>Emitting rows</h2>
 * {@code eval} and {@code terminate} emit any number of rows through the {@link Emitter}: whole
 * Arrow batches with {@link Emitter#emit(VectorSchemaRoot)}, or single rows with
 * {@link Emitter#emitRow(Object...)}. Columns must match the result schema by position and Arrow
 * type (see {@code dev.quiver.function.ScalarFunction} for the Arrow type of each Spark type);
 * Quiver checks every batch and fails the query with a message naming the function otherwise.
 * Emitted batches stay owned by the function, see {@link Emitter#emit}. Rows go on to Spark as
 * they are emitted, in chunks of {@code spark.quiver.batchSize} rows, and an emit waits while
 * Spark has not yet taken the previous chunks: a call may emit any number of rows in bounded
 * memory. When the query is cancelled or stops reading (a {@code LIMIT}), the running call's
 * thread is interrupted and its next emit fails, so the call ends, and {@code close} runs.
 *
 * <h2>Arrow memory</h2>
 * The batch passed to {@code eval} belongs to Quiver and is reused for the next batch: read it,
 * emit it, but do not keep or close it; copy what must outlive the call. Vectors the function
 * creates come from {@link FunctionContext#allocator()} (also {@link Emitter#allocator()}) and
 * must be closed by the function, at the latest in {@code close}; memory still allocated when the
 * instance is closed fails the query as a leak.
 */
public interface TableFunction extends QuiverFunction {

  /**
   * The result schema as a Spark DDL string, for example {@code "user_id int, total int"} or
   * {@code "word string not null, positions array<int>"}. Return null and override
   * {@link #analyze} when the schema depends on the arguments.
   */
  default String resultSchema() {
    return null;
  }

  /**
   * The names of the scalar parameters in order, for example {@code List.of("threshold")}. When
   * declared, a call may pass each scalar argument by position or by name, and {@code eval} reads
   * it either way with {@link Arguments#get(String)} or {@link Arguments#get(int)}; Spark's rules
   * for named arguments apply (see {@link QuiverFunction#parameterNames()}), and parameters past
   * {@link #requiredParameters()} are NULL when not passed. When empty (the default), positional
   * arguments are read by index and named ones by name. The TABLE argument is not among them; it
   * may be passed by position or under any name.
   */
  @Override
  default List<String> parameterNames() {
    return List.of();
  }

  /**
   * Called on the driver when a query calling the function is analyzed; the counterpart of the
   * Python {@code analyze} method. Returns the result schema and, optionally, the partitioning
   * and ordering the function needs of its TABLE argument. The default returns
   * {@link #resultSchema()}.
   *
   * <pre>{@code
   * public AnalyzeResult analyze(AnalyzeArguments call) {
   *   if (!call.hasTable()) throw new IllegalArgumentException("needs a TABLE argument");
   *   return AnalyzeResult.of(call.tableSchema())      // the same columns as the input
   *       .partitionBy("device_id").orderBy("ts");
   * }
   * }</pre>
   *
   * An exception thrown here fails the analysis of the query, with its message.
   */
  default AnalyzeResult analyze(AnalyzeArguments call) throws Exception {
    String schema = resultSchema();
    if (schema == null) {
      throw new IllegalStateException("the function declares no resultSchema() and does not "
          + "override analyze()");
    }
    return AnalyzeResult.of(schema);
  }

  /**
   * Processes one batch of the group's rows.
   *
   * @param table the batch: the TABLE argument's columns with their SQL names, and
   *     {@code table.getRowCount()} rows; for a call without a TABLE argument, one row and no
   *     columns
   * @param arguments the scalar arguments' values
   * @param out where to emit result rows
   * @throws SkipRestOfInputTableException to skip the rest of the group's rows and go on with
   *     {@link #terminate}
   */
  void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) throws Exception;

  /**
   * Called once when a group starts, before its first {@code eval}; resets the fields that hold
   * the group's state. The default does nothing.
   */
  default void startGroup() throws Exception {}

  /** Called once after the last {@code eval} of a group; may emit more rows. */
  default void terminate(Emitter out) throws Exception {}
}

package dev.quiver.function.table;

import dev.quiver.function.QuiverFunction;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A function over the groups of two inputs grouped by the same keys: the counterpart of PySpark's
 * {@code groupBy().cogroup(...).applyInArrow}, streaming like a {@link TableFunction}. Called
 * through {@code QuiverTables.groupBy(left, keys).cogroup(QuiverTables.groupBy(right, keys))}.
 *
 * <pre>{@code
 * public final class CountBoth implements CoGroupFunction {
 *   private Long key;
 *   private int left, right;
 *
 *   public String name() { return "count_both"; }
 *   public String resultSchema() { return "id bigint, left_rows int, right_rows int"; }
 *
 *   public void startGroup() { key = null; left = 0; right = 0; }
 *
 *   public void evalLeft(VectorSchemaRoot batch, Emitter out) {
 *     key = ((BigIntVector) batch.getVector("id")).get(0);
 *     left += batch.getRowCount();
 *   }
 *
 *   public void evalRight(VectorSchemaRoot batch, Emitter out) {
 *     key = ((BigIntVector) batch.getVector("id")).get(0);
 *     right += batch.getRowCount();
 *   }
 *
 *   public void terminate(Emitter out) { out.emitRow(key, left, right); }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * As for every Quiver function (see the
 * <a href="../package-summary.html#lifecycle">package documentation</a>), each task gets one
 * instance, opened once before its first group and closed once when the task ends, always. For
 * every key present in either input, {@link #startGroup()} is called, then {@link #evalLeft} for
 * each batch of the left input's rows with that key, then {@link #evalRight} for each batch of
 * the right input's rows, then {@link #terminate} once. A key missing from one input gets no
 * calls for that side. {@link SkipRestOfInputTableException} skips the rest of the current side.
 * Batches, threads, emitting and Arrow memory work as for {@link TableFunction}.
 */
public interface CoGroupFunction extends QuiverFunction {

  /** The result schema as a Spark DDL string, for example {@code "id bigint, n int"}. */
  String resultSchema();

  /** Processes one batch of the left input's rows of the current group. */
  void evalLeft(VectorSchemaRoot batch, Emitter out) throws Exception;

  /** Processes one batch of the right input's rows of the current group. */
  void evalRight(VectorSchemaRoot batch, Emitter out) throws Exception;

  /**
   * Called once when a key's group starts, before its first {@code evalLeft} or
   * {@code evalRight}; resets the fields that hold the group's state. The default does nothing.
   */
  default void startGroup() throws Exception {}

  /** Called once after both inputs of a group were processed; may emit more rows. */
  default void terminate(Emitter out) throws Exception {}
}

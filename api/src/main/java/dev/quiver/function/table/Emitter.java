package dev.quiver.function.table;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where {@link TableFunction#eval} and {@link TableFunction#terminate} (and the methods of a
 * {@link CoGroupFunction}) emit result rows. Batches and single rows may be mixed; rows keep the
 * order in which they were emitted.
 *
 * <pre>{@code
 * // a whole batch, built from the emitter's allocator and closed by the function
 * try (VectorSchemaRoot out = emitter.newBatch()) {
 *   IntVector ids = (IntVector) out.getVector(0);
 *   VarCharVector words = (VarCharVector) out.getVector(1);
 *   ids.allocateNew(2);
 *   words.allocateNew(2);
 *   ids.set(0, 1);  words.setSafe(0, "spark".getBytes(UTF_8));
 *   ids.set(1, 1);  words.setSafe(1, "arrow".getBytes(UTF_8));
 *   out.setRowCount(2);
 *   emitter.emit(out);
 * }
 * // the input batch as it is, when the result schema has the same columns
 * emitter.emit(table);
 * // one row of Java values
 * emitter.emitRow(1, "udtf");
 * }</pre>
 *
 * <h2>Ownership</h2>
 * {@link #emit} reads the batch's rows before it returns and keeps no reference to the batch or
 * its vectors: the caller still owns them, may change, reuse or emit them again, and closes what
 * it created. Emitting therefore never transfers Arrow memory, and the input batch of
 * {@code eval} can be emitted directly.
 */
public interface Emitter {

  /**
   * Emits the first {@code batch.getRowCount()} rows of {@code batch}. Its columns must match
   * the result schema by position and Arrow type (names are not compared); a batch that does not,
   * or a null in a column declared {@code not null}, fails the query with a message naming the
   * function.
   */
  void emit(VectorSchemaRoot batch);

  /**
   * Emits one row of Java values, one per result column in order: {@code Boolean}, numbers
   * ({@code Integer} for {@code int}; any {@code Number} is accepted where it converts without
   * loss), {@code String}, {@code BigDecimal}, {@code byte[]}, {@code LocalDate},
   * {@code Instant} ({@code timestamp}), {@code LocalDateTime} ({@code timestamp_ntz}), a
   * {@code List} or Java array for {@code array}, a {@code Map} for {@code map}, and a
   * {@code List} or {@code Map} by field name for {@code struct}; null for SQL NULL.
   */
  void emitRow(Object... values);

  /** The Arrow schema of the result, in the types {@link #emit} expects. */
  Schema schema();

  /** The allocator for the vectors of emitted batches: the function's own allocator. */
  BufferAllocator allocator();

  /**
   * A new, empty batch of the result schema, allocated from {@link #allocator()}. The caller
   * fills it, sets its row count, emits it and closes it.
   */
  default VectorSchemaRoot newBatch() {
    return VectorSchemaRoot.create(schema(), allocator());
  }
}

package dev.quiver.function.table;

/**
 * Thrown by {@link TableFunction#eval} to skip the rest of the current group's rows: Quiver
 * calls no further {@code eval} for the group and goes straight on with
 * {@link TableFunction#terminate}. Rows emitted before the exception are kept. The counterpart of
 * PySpark's exception of the same name.
 *
 * <pre>{@code
 * public void eval(VectorSchemaRoot batch, Arguments args, Emitter out) {
 *   ... keep rows until we have TOP_K of them ...
 *   if (kept >= TOP_K) throw new SkipRestOfInputTableException("collected the top " + TOP_K);
 * }
 * }</pre>
 */
public class SkipRestOfInputTableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SkipRestOfInputTableException() {
    super(null, null, false, false);
  }

  public SkipRestOfInputTableException(String message) {
    super(message, null, false, false);
  }
}

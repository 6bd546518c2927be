package dev.quiver.function.table;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A {@link TableFunction} written one row at a time: {@link #evalRow} is called for every row of
 * every batch, in order, with a {@link Row} view over the Arrow batch, so no row is copied into
 * Java objects unless asked for. Everything else (result schema, {@code analyze},
 * {@code startGroup}, {@code terminate}, the lifecycle) is as in {@link TableFunction}; override
 * {@link #eval} instead where a loop over the column vectors is faster.
 *
 * <pre>{@code
 * public final class SumPerUser extends RowTableFunction {
 *   private Integer user;
 *   private long total;
 *
 *   public String name() { return "sum_per_user"; }
 *   public String resultSchema() { return "user_id int, total bigint"; }
 *
 *   public void startGroup() { user = null; total = 0; }
 *
 *   protected void evalRow(Row row, Arguments args, Emitter out) {
 *     user = row.getInt("user_id");
 *     if (!row.isNull("amount")) total += row.getLong("amount");
 *   }
 *
 *   public void terminate(Emitter out) {
 *     if (user != null) out.emitRow(user, total);
 *   }
 * }
 * }</pre>
 */
public abstract class RowTableFunction implements TableFunction {
  private static final long serialVersionUID = 1L;

  private transient Row row;

  /** Calls {@link #evalRow} for each row of {@code table}. */
  @Override
  public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) throws Exception {
    if (row == null) {
      row = new Row();
    }
    row.batch(table);
    int rows = table.getRowCount();
    for (int i = 0; i < rows; i++) {
      row.at(i);
      evalRow(row, arguments, out);
    }
  }

  /**
   * Processes one row of the TABLE argument.
   *
   * @param row the row; a view valid during this call only
   * @param arguments the scalar arguments' values
   * @param out where to emit result rows
   * @throws SkipRestOfInputTableException to skip the rest of the group's rows
   */
  protected abstract void evalRow(Row row, Arguments arguments, Emitter out) throws Exception;
}

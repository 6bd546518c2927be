package dev.quiver.function.table;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A {@link TableFunction} written one row at a time: {@link #evalRow} is called for every row of
 * every batch, in order, with a {@link Row} view over the Arrow batch, so no row is copied into
 * Java objects unless asked for. The declaration and {@code validate} are as in
 * {@link AbstractTableFunction}, everything else ({@code startGroup}, {@code terminate}, the
 * lifecycle) as in {@link TableFunction}; override
 * {@link #eval} instead where a loop over the column vectors is faster.
 *
 * <pre>{@code
 * public final class SumPerUser extends RowTableFunction {
 *   private Integer user;
 *   private long total;
 *
 *   public SumPerUser() {
 *     super("sum_per_user", "user_id int, total bigint");   // name, result schema
 *   }
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
public abstract class RowTableFunction extends AbstractTableFunction {
  private static final long serialVersionUID = 1L;

  private transient Row row;

  /** A function that overrides {@code name()} and {@code resultSchema()} or {@code analyze}. */
  public RowTableFunction() {}

  /**
   * A function called {@code name} that returns rows of {@code resultSchema}, as
   * {@link AbstractTableFunction} declares it.
   */
  protected RowTableFunction(String name, String resultSchema) {
    super(name, resultSchema);
  }

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

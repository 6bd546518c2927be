package dev.quiver.examples.table;

import dev.quiver.function.table.AbstractTableFunction;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Aggregation per key with {@code terminate}: the total amount and row count of each user.
 *
 * <pre>{@code
 * SELECT * FROM sum_per_user(TABLE(purchases) PARTITION BY user_id) ORDER BY user_id
 * }</pre>
 *
 * {@code eval} may run several times per user as rows arrive in batches; the single result row
 * per user is emitted once all of the user's rows were seen. {@code startGroup} sets the running
 * totals back to zero before each user's rows.
 */
public final class SumPerUser extends AbstractTableFunction {
  private static final String USAGE =
      "sum_per_user(TABLE(purchases) PARTITION BY user_id)";

  private Integer user;
  private int total;
  private int rows;

  public SumPerUser() {
    super("sum_per_user", "user_id int, total_amount int, rows int");
  }

  @Override
  public String description() {
    return "The total amount and row count per user_id of a TABLE(user_id int, amount int) "
        + "partitioned by user_id.\n"
        + "SELECT * FROM sum_per_user(TABLE(purchases) PARTITION BY user_id)";
  }

  @Override
  public void startGroup() {
    user = null;
    total = 0;
    rows = 0;
  }

  /** The running totals are per user: without PARTITION BY user_id they would mix users. */
  @Override
  protected void validate(AnalyzeArguments call) {
    Calls.requireColumns(call, USAGE, "user_id", "int", "amount", "int");
    Calls.requirePartitionBy(call, USAGE, "user_id");
  }

  @Override
  public void eval(VectorSchemaRoot batch, Arguments arguments, Emitter out) {
    IntVector users = (IntVector) batch.getVector("user_id");
    IntVector amounts = (IntVector) batch.getVector("amount");
    for (int i = 0; i < batch.getRowCount(); i++) {
      user = users.getObject(i);
      total += amounts.isNull(i) ? 0 : amounts.get(i);
      rows++;
    }
  }

  @Override
  public void terminate(Emitter out) {
    if (user != null) {
      out.emitRow(user, total, rows);
    }
  }
}

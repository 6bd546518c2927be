package dev.quiver.function.table;

import java.util.Objects;

/**
 * A {@link TableFunction} whose name and result schema are given to its constructor, the
 * counterpart of {@code AbstractAggregateFunction}: the declaration is stated once, in one line,
 * and the class holds only the function's logic. The call's checks go in {@link #validate},
 * which the default {@link #analyze} runs before returning the declared schema. Everything else
 * (startGroup, eval, terminate, the lifecycle) is {@link TableFunction}'s.
 *
 * <pre>{@code
 * public final class SumPerUser extends AbstractTableFunction {
 *   private Integer user;
 *   private long total;
 *
 *   public SumPerUser() {
 *     super("sum_per_user", "user_id int, total bigint");   // name, result schema
 *   }
 *
 *   protected void validate(AnalyzeArguments call) {
 *     if (!call.hasTable()) {
 *       throw new InvalidCallException("sum_per_user needs TABLE(purchases) PARTITION BY user_id");
 *     }
 *   }
 *
 *   public void startGroup() { user = null; total = 0; }
 *
 *   public void eval(VectorSchemaRoot batch, Arguments args, Emitter out) {
 *     IntVector users = (IntVector) batch.getVector("user_id");
 *     BigIntVector amounts = (BigIntVector) batch.getVector("amount");
 *     for (int i = 0; i < batch.getRowCount(); i++) {
 *       user = users.get(i);
 *       if (!amounts.isNull(i)) total += amounts.get(i);
 *     }
 *   }
 *
 *   public void terminate(Emitter out) {
 *     if (user != null) out.emitRow(user, total);
 *   }
 * }
 * }</pre>
 *
 * A function whose result schema depends on its arguments implements {@link TableFunction}
 * directly and overrides {@code analyze}; one that works row by row extends
 * {@link RowTableFunction}, which takes the same declaration.
 */
public abstract class AbstractTableFunction implements TableFunction {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String resultSchema;

  /**
   * A function called {@code name} that returns rows of {@code resultSchema}, a Spark DDL
   * string such as {@code "user_id int, total bigint"}.
   */
  protected AbstractTableFunction(String name, String resultSchema) {
    this.name = Objects.requireNonNull(name, "name");
    this.resultSchema = Objects.requireNonNull(resultSchema, "resultSchema");
  }

  /** For {@link RowTableFunction}'s subclasses that override {@code name()} themselves. */
  AbstractTableFunction() {
    this.name = null;
    this.resultSchema = null;
  }

  @Override
  public String name() {
    if (name == null) {
      throw new IllegalStateException(getClass().getName() + " passes no name to its "
          + "superclass constructor and does not override name()");
    }
    return name;
  }

  @Override
  public String resultSchema() {
    return resultSchema;
  }

  /**
   * Runs {@link #validate} on the call, then returns the declared {@link #resultSchema()}.
   * Override to request a partitioning or ordering as well.
   */
  @Override
  public AnalyzeResult analyze(AnalyzeArguments call) throws Exception {
    validate(call);
    return TableFunction.super.analyze(call);
  }

  /**
   * Checks a call when its query is analyzed, for example the TABLE argument's columns or that
   * it is partitioned as the function needs; throws to fail the analysis with the exception's
   * message. The default accepts every call.
   */
  protected void validate(AnalyzeArguments call) throws Exception {}
}

package dev.quiver.examples.table;

import dev.quiver.function.InvalidCallException;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.Row;
import dev.quiver.function.table.RowTableFunction;
import dev.quiver.function.table.SkipRestOfInputTableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The first three reviews of each product in the order the call asks for, skipping the rest of
 * the product's reviews once it has them.
 *
 * <pre>{@code
 * SELECT * FROM top_reviews_per_product(
 *   TABLE(reviews) PARTITION BY (product_id) ORDER BY (rating DESC, review_id))
 * }</pre>
 *
 * Written one row at a time ({@link RowTableFunction}): the input batch is reused by Quiver
 * after each call, so the kept rows are copied out as Java values.
 */
public final class TopReviewsPerProduct extends RowTableFunction {
  static final int TOP_K = 3;
  private static final String USAGE = "top_reviews_per_product(TABLE(reviews) "
      + "PARTITION BY (product_id) ORDER BY (rating DESC, review_id))";

  private final List<Object[]> top = new ArrayList<>();

  public TopReviewsPerProduct() {
    super("top_reviews_per_product", "product_id int, review_id int, rating int, review string");
  }

  @Override
  public String description() {
    return "The first 3 rows per product of a TABLE(product_id int, review_id int, rating int, "
        + "review string) partitioned by product_id and ordered as wanted.\n"
        + "SELECT * FROM top_reviews_per_product(TABLE(reviews) PARTITION BY (product_id) "
        + "ORDER BY (rating DESC, review_id))";
  }

  @Override
  public void startGroup() {
    top.clear();
  }

  /**
   * The top rows are per product and in the call's order: without PARTITION BY product_id they
   * would be three rows overall, without ORDER BY three arbitrary ones.
   */
  @Override
  protected void validate(AnalyzeArguments call) {
    Calls.requireColumns(call, USAGE, "product_id", "int", "review_id", "int", "rating", "int",
        "review", "string");
    Calls.requirePartitionBy(call, USAGE, "product_id");
    if (call.orderBy().isEmpty()) {
      throw new InvalidCallException("it keeps the first " + TOP_K + " reviews of each product "
          + "in the order the call gives, so the call needs an ORDER BY: " + USAGE);
    }
  }

  /** Keeps the row, and skips the rest of the product's rows once it has the top ones. */
  @Override
  protected void evalRow(Row row, Arguments arguments, Emitter out) {
    top.add(new Object[] {row.get("product_id"), row.get("review_id"), row.get("rating"),
        row.getString("review")});
    if (top.size() >= TOP_K) {
      throw new SkipRestOfInputTableException("collected the top " + TOP_K + " reviews");
    }
  }

  @Override
  public void terminate(Emitter out) {
    for (Object[] row : top) {
      out.emitRow(row);
    }
  }
}

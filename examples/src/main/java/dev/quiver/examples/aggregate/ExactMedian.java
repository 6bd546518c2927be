package dev.quiver.examples.aggregate;

import dev.quiver.function.aggregate.AbstractAggregateFunction;
import java.util.Arrays;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code exact_median(value)}: the exact median of the non-null values, the mean of the two middle
 * ones for an even count. An exact median needs every value of the group at once, so two partial
 * states cannot be merged into a smaller one: the function says so with
 * {@link #isMergeable()}, and Quiver shuffles each group's rows to one task and streams them into a
 * single state, in Arrow batches.
 *
 * <pre>{@code
 * SELECT store, exact_median(basket_value) FROM sales GROUP BY store
 *
 * sales.groupBy("store").agg(Quiver.call("exact_median", col("basket_value")))
 * }</pre>
 *
 * <p>The state grows by 8 bytes per value and reports it through {@link #stateSize}; a group must
 * fit in an executor's memory.
 */
public final class ExactMedian extends AbstractAggregateFunction<ExactMedian.Values> {
  private static final long serialVersionUID = 1L;

  /** The non-null values of one group. */
  public static final class Values {
    double[] values = new double[16];
    int size;

    void add(double value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }

  /** {@code exact_median(value double)} returns double. */
  public ExactMedian() {
    super("exact_median", "double", "double");
  }

  @Override
  public String description() {
    return "The exact median of the non-null values.\n"
        + "SELECT store, exact_median(basket_value) FROM sales GROUP BY store";
  }

  @Override
  public boolean isMergeable() {
    return false;
  }

  @Override
  public Values createState() {
    return new Values();
  }

  @Override
  public void update(Values state, VectorSchemaRoot args) {
    Float8Vector values = (Float8Vector) args.getVector(0);
    for (int i = 0; i < args.getRowCount(); i++) {
      if (!values.isNull(i)) {
        state.add(values.get(i));
      }
    }
  }

  @Override
  public Object finish(Values state) {
    if (state.size == 0) {
      return null;
    }
    // Sorts a copy: in a window, the same state is finished again after more updates.
    double[] sorted = Arrays.copyOf(state.values, state.size);
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  @Override
  public long stateSize(Values state) {
    return 32L + 8L * state.values.length;
  }
}

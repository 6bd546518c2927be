package dev.quiver.spark.aggregate;

import static dev.quiver.spark.testing.QueryPlans.operators;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The aggregate tests' look into plans ({@code QueryPlans} has the rest) and results. */
final class Plans {
  private Plans() {}

  /**
   * The first of Quiver's hash aggregates in the plan a query ran that aggregates in the given
   * phase: the partial one before the shuffle, or the final one after it.
   */
  static QuiverHashAggregateExec hashAggregate(Dataset<?> df, boolean partial) {
    return operators(df, QuiverHashAggregateExec.class).stream()
        .filter(op -> op.partialOutput() == partial).findFirst().orElseThrow();
  }

  static List<String> rows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  static List<String> sortedRows(Dataset<Row> df) {
    return rows(df).stream().sorted().collect(Collectors.toList());
  }
}

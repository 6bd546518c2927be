package dev.quiver.examples.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.testing.AggregateHarness;
import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ExactMedianTest extends QuiverSession {

  @Test
  void matchesSparksMedianPerGroup() {
    Dataset<Row> data = spark().range(0, 3001, 1, 4).selectExpr("id % 3 AS k",
        "if(id % 10 = 0, null, cast(id * 7 % 1001 AS double)) AS x");
    Dataset<Row> quiver = data.groupBy("k").agg(Quiver.call("exact_median", col("x")));
    Dataset<Row> builtin = data.groupBy("k").agg(org.apache.spark.sql.functions.median(col("x")));
    assertEquals(strings(builtin.orderBy("k")), strings(quiver.orderBy("k")));
    String plan = quiver.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("QuiverSortAggregate"), plan);
    assertTrue(!plan.contains("partial_exact_median"), "no partial phase: " + plan);
  }

  @Test
  void evenAndOddCountsGlobalAndEmpty() {
    assertEquals(List.of("[2.5,3.0,null]"), strings(spark().sql("SELECT "
        + "exact_median(id) FILTER (WHERE id BETWEEN 1 AND 4), "
        + "exact_median(id) FILTER (WHERE id BETWEEN 1 AND 5), "
        + "exact_median(id) FILTER (WHERE id < 0) FROM range(0, 10, 1, 3)")));
  }

  /** Without Spark: one task feeds each group's rows, in batches, into one state. */
  @Test
  void evenAndOddCountsInTheHarness() {
    Map<Object, Object> medians = AggregateHarness.of(new ExactMedian()).batchSize(2)
        .group("even", 4.0, 1.0, 3.0, 2.0).group("odd", 5.0, null, 1.0, 4.0, 2.0, 3.0)
        .group("none", (Object) null).run();
    assertEquals(Arrays.asList(2.5, 3.0, null), new ArrayList<>(medians.values()));
  }

  @Test
  void asAWindowFunction() {
    Dataset<Row> quiver = spark().sql("SELECT id, exact_median(id * id) OVER (ORDER BY id "
        + "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM range(0, 6)");
    // Spark's own median takes no window frame; squares 0, 1, 4, 9, 16, 25 by threes.
    assertEquals(List.of("[0,0.5]", "[1,1.0]", "[2,4.0]", "[3,9.0]", "[4,16.0]", "[5,20.5]"),
        strings(quiver.orderBy("id")));
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }
}

package dev.quiver.examples.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.testing.AggregateHarness;
import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class KllPercentileTest extends QuiverSession {

  @Test
  void percentilesOfAUniformRangeAcrossPartitions() {
    // 0..99,999 in 4 partitions: the sketches of the partitions are merged after the shuffle.
    List<Row> rows = spark().sql("SELECT kll_percentile(id, 0.5), kll_percentile(id, 0.99), "
        + "kll_percentile(id, 0.0) FROM range(0, 100000, 1, 4)").collectAsList();
    Row row = rows.get(0);
    assertTrue(Math.abs(row.getDouble(0) - 50_000) < 2_000, "p50 " + row.getDouble(0));
    assertTrue(Math.abs(row.getDouble(1) - 99_000) < 2_000, "p99 " + row.getDouble(1));
    assertEquals(0.0, row.getDouble(2));
  }

  @Test
  void perGroupInTheDatasetApi() {
    List<Row> rows = spark().range(0, 20000, 1, 3).selectExpr("id % 2 AS k", "id AS v")
        .groupBy("k").agg(Quiver.call("kll_percentile", col("v"), lit(0.9)).as("p90"))
        .orderBy("k").collectAsList();
    assertEquals(2, rows.size());
    for (Row row : rows) {
      assertTrue(Math.abs(row.getDouble(1) - 18_000) < 400, row.toString());
    }
  }

  @Test
  void nullsAndEmptyGroups() {
    Row row = spark().sql("SELECT kll_percentile(if(id > 5, null, id), 0.5), "
        + "kll_percentile(id, 0.5) FILTER (WHERE id < 0) FROM range(0, 100)").first();
    assertTrue(row.getDouble(0) >= 2 && row.getDouble(0) <= 3, row.toString());
    assertNull(row.get(1));
  }

  /** A fraction out of range or given by a column fails at analysis, before any task runs. */
  @Test
  void theFractionIsCheckedAtAnalysis() {
    AnalysisException range = analysisError("SELECT kll_percentile(id, 1.5) FROM range(10)",
        "QUIVER_INVALID_CALL", "42K09");
    assertTrue(range.getMessage().contains("Invalid call of Quiver function `kll_percentile`: "
        + "argument 2: the fraction must be a number between 0 and 1, got 1.5"),
        range.getMessage());
    analysisError("SELECT kll_percentile(id, null) FROM range(10)", "QUIVER_INVALID_CALL",
        "42K09");
    AnalysisException column = analysisError("SELECT kll_percentile(id, id / 10) FROM range(10)",
        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", "42K09");
    assertTrue(column.getMessage().contains("kll_percentile"), column.getMessage());
    assertEquals(1, spark().sql("SELECT kll_percentile(id, 0.5 + 0.25) FROM range(10)")
        .collectAsList().size());
  }

  /**
   * Without Spark: sketches split over three partial states cross the harness's shuffle through
   * the standard codec and merge into what one state gives (exactly, below k values).
   */
  @Test
  void partialSketchesSurviveTheShuffle() {
    List<List<?>> rows = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      rows.add(List.of((double) (i * 37 % 150), 0.9));
    }
    List<?>[] group = rows.toArray(new List<?>[0]);
    Object whole = AggregateHarness.of(new KllPercentile()).groupRows("g", group).run().get("g");
    Object split = AggregateHarness.of(new KllPercentile()).partials(3).batchSize(7)
        .groupRows("g", group).run().get("g");
    assertEquals(whole, split);
    assertTrue((Double) whole >= 133 && (Double) whole <= 136, "p90 " + whole);
  }
}

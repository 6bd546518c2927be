package dev.quiver.spark.aggregate;

import static dev.quiver.spark.aggregate.Plans.sortedRows;
import static dev.quiver.spark.testing.QueryPlans.metric;
import static dev.quiver.spark.testing.QueryPlans.operators;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Aggregates declared mergeable by type, with states in the standard codec, and the vectorized
 * state path: partial states leave the first phase as one column per function and reach the
 * final phase's {@code mergeBatch} a batch at a time.
 */
class AggregateStateTest extends QuiverSession {

  @BeforeAll
  static void data() {
    spark().range(0, 2000, 1, 4).selectExpr("id % 50 AS k", "if(id % 9 = 4, null, id) AS v")
        .createOrReplaceTempView("st");
    ensureRegistered(new StateFixtures.Total(), new StateFixtures.Spread(),
        new StateFixtures.BrokenStates());
  }

  @Test
  void aMalformedStateColumnFailsTheQueryByName() {
    // The first phase's states are copied from Arrow memory: their offsets are checked first.
    String failure = failureOf(() -> spark().sql(
        "SELECT k, q_broken_states(v) FROM st GROUP BY k").collectAsList());
    assertTrue(failure.contains("Quiver function 'q_broken_states' returned a malformed "
        + "VarBinaryVector in GroupsAccumulator.state"), failure);
    assertTrue(failure.contains("past"), failure);
  }

  private static final String QUIVER = "SELECT k, q_total(v), q_spread(v) FROM st GROUP BY k";
  private static final String BUILTIN = "SELECT k, sum(v), max(v) - min(v) FROM st GROUP BY k";

  @Test
  void finalPhaseMergesBatchesOfStateColumns() {
    long batches = StateFixtures.Total.MERGE_BATCHES.get();
    long merged = StateFixtures.Total.STATES_MERGED.get();
    long columns = StateFixtures.Total.STATE_COLUMNS.get();
    withConf("spark.sql.shuffle.partitions", "2", () -> {
      Dataset<Row> df = spark().sql(QUIVER);
      assertEquals(sortedRows(spark().sql(BUILTIN)), sortedRows(df));
      QuiverHashAggregateExec partial = operators(df, QuiverHashAggregateExec.class).stream()
          .filter(QuiverAggregateExec::partialOutput).findFirst().orElseThrow();
      long states = metric(partial, "numOutputRows");
      assertEquals(200, states, "4 partitions of 50 groups");
      assertEquals(states, StateFixtures.Total.STATES_MERGED.get() - merged,
          "every partial state merged through mergeBatch");
      long calls = StateFixtures.Total.MERGE_BATCHES.get() - batches;
      assertTrue(calls >= 1 && calls <= 2, "one batch per final partition, got " + calls);
      assertEquals(4, StateFixtures.Total.STATE_COLUMNS.get() - columns,
          "one state column per partial task");
    });
  }

  @Test
  void finalPhaseSpillsAndMergesStateColumnsBack() {
    withConf(Map.of(AggregateConf.MAX_GROUPS, "7", "spark.sql.shuffle.partitions", "1"), () -> {
      Dataset<Row> df = spark().sql(QUIVER);
      assertEquals(sortedRows(spark().sql(BUILTIN)), sortedRows(df));
      QuiverHashAggregateExec last = operators(df, QuiverHashAggregateExec.class).stream()
          .filter(op -> !op.partialOutput()).findFirst().orElseThrow();
      assertTrue(metric(last, "numSpills") > 0, "the final phase spilled");
    });
  }

  @Test
  void standardCodecStatesCrossSparksOwnOperators() {
    withConf(AggregateConf.OPERATORS, "false", () -> {
      Dataset<Row> df = spark().sql(QUIVER);
      assertEquals(sortedRows(spark().sql(BUILTIN)), sortedRows(df));
      assertTrue(operators(df, QuiverAggregateExec.class).isEmpty());
      Dataset<Row> global = spark().sql("SELECT q_total(v), q_spread(v) FROM st");
      assertEquals(sortedRows(spark().sql("SELECT sum(v), max(v) - min(v) FROM st")),
          sortedRows(global));
    });
  }

  @Test
  void mergeabilityIsDeclaredByTheType() {
    // Neither implements serialize nor overrides isMergeable: the interface is the declaration.
    assertTrue(new StateFixtures.Spread().isMergeable());
    String described = spark().sql("DESCRIBE FUNCTION q_spread").collectAsList().toString();
    assertFalse(described.contains("single-phase"), described);
    Dataset<Row> df = spark().sql("SELECT k, q_spread(v) FROM st GROUP BY k");
    assertEquals(2, operators(df, QuiverHashAggregateExec.class).size(),
        df.queryExecution().executedPlan().toString());
  }
}

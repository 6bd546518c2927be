package dev.quiver.spark.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.testing.FatalErrors;
import dev.quiver.spark.testing.QuiverSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stack overflow (a fatal JVM error to Spark) in any phase of an aggregate fails only its
 * query, on Quiver's operators and on Spark's: the test JVM is the local executor, and Spark
 * would end it on a fatal error in a task failure's cause chain.
 */
class AggregateFatalErrorTest extends QuiverSession {
  private static final List<String> PHASES =
      List.of("createState", "update", "merge", "finish", "serialize", "deserialize",
          "createGroupsAccumulator");

  /** The function that overflows in {@code phase}; {@code "none"} never does. */
  private static String functionName(String phase) {
    return "overflow_" + phase.toLowerCase(Locale.ROOT);
  }

  /** Overflows its stack in one phase; sums int arguments otherwise. */
  public static final class Overflowing extends DeclaredAggregate<long[]> {
    private static final long serialVersionUID = 1L;
    private final String phase;

    public Overflowing(String phase) {
      super(functionName(phase), "bigint");
      this.phase = phase;
    }

    private void maybe(String now) {
      if (now.equals(phase)) {
        FatalErrors.overflowStack();
      }
    }

    /** Called while the table of groups is built, after its first argument batch exists. */
    @Override
    public GroupsAccumulator<long[]> createGroupsAccumulator() {
      maybe("createGroupsAccumulator");
      return null;
    }

    @Override
    public long[] createState() {
      maybe("createState");
      return new long[1];
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) {
      maybe("update");
      IntVector values = (IntVector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        state[0] += values.get(i);
      }
    }

    @Override
    public long[] merge(long[] state, long[] other) {
      maybe("merge");
      state[0] += other[0];
      return state;
    }

    @Override
    public Object finish(long[] state) {
      maybe("finish");
      return state[0];
    }

    @Override
    public byte[] serialize(long[] state) {
      maybe("serialize");
      return ByteBuffer.allocate(8).putLong(state[0]).array();
    }

    @Override
    public long[] deserialize(byte[] bytes) {
      maybe("deserialize");
      return new long[] {ByteBuffer.wrap(bytes).getLong()};
    }
  }

  @BeforeAll
  static void register() {
    spark().range(0, 20, 1, 3).selectExpr("cast(id % 3 AS int) AS k", "cast(id AS int) AS x")
        .createOrReplaceTempView("fatal_input");
    List<String> phases = new ArrayList<>(PHASES);
    phases.add("none");
    for (String phase : phases) {
      ensureRegistered(new Overflowing(phase));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "false"})
  void aStackOverflowInAnyPhaseFailsOnlyTheQuery(String quiverOperators) {
    withConf(AggregateConf.OPERATORS, quiverOperators, () -> {
      for (String phase : PHASES) {
        String name = functionName(phase);
        try {
          spark().sql("SELECT k, " + name + "(x) FROM fatal_input GROUP BY k").collectAsList();
          // Spark's operators may not serialize at all; then the phase never runs.
          // Nor build a table of groups.
          assertTrue(phase.equals("serialize") || phase.equals("deserialize")
              || phase.equals("merge")
              || phase.equals("createGroupsAccumulator") && quiverOperators.equals("false"),
              name + " did not fail");
        } catch (Throwable t) {
          String text = messages(t);
          assertEquals(QuiverException.FUNCTION_FAILED, FatalErrors.quiverCause(t).getCondition());
          assertTrue(text.contains("Quiver function '" + name + "' failed in "), text);
          assertTrue(text.contains("StackOverflowError"), text);
        }
      }
    });
    assertEquals(3, spark().sql("SELECT k, count(x) FROM fatal_input GROUP BY k")
        .collectAsList().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "x", "2000000000"})
  void maxGroupsHasBounds(String bad) {
    withConf(AggregateConf.MAX_GROUPS, bad, () -> {
      String text = QuiverSession.analysisError(
          "SELECT k, overflow_none(x) FROM fatal_input GROUP BY k",
          QuiverException.INVALID_SETTING, "22022").getMessage();
      assertTrue(text.contains(AggregateConf.MAX_GROUPS + " must be an integer from 1 to "
          + (1 << 30) + ", got '" + bad + "'"), text);
    });
  }

  @Test
  void operatorsIsTrueOrFalse() {
    withConf(AggregateConf.OPERATORS, "yes", () -> {
      String text = QuiverSession.analysisError(
          "SELECT k, overflow_none(x) FROM fatal_input GROUP BY k",
          QuiverException.INVALID_SETTING, "22022").getMessage();
      assertTrue(text.contains(AggregateConf.OPERATORS + " must be true or false, got 'yes'"),
          text);
    });
    // Any case, as Spark's own boolean settings.
    withConf(AggregateConf.OPERATORS, " FALSE", () -> assertEquals(3, spark().sql(
        "SELECT k, overflow_none(x) FROM fatal_input GROUP BY k").collectAsList().size()));
  }
}

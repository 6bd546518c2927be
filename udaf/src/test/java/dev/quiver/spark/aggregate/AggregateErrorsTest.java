package dev.quiver.spark.aggregate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures name the function and the phase, on Quiver's operators and on Spark's; the session's
 * leak check after each test shows that no Arrow memory stays behind.
 */
class AggregateErrorsTest extends QuiverSession {

  @BeforeAll
  static void register() {
    spark().range(0, 20, 1, 3).selectExpr("cast(id % 3 AS int) AS k", "cast(id AS int) AS x")
        .createOrReplaceTempView("f");
    ensureRegistered(
        new AggregateFixtures.Faulty("update", false),
        new AggregateFixtures.Faulty("merge", false),
        new AggregateFixtures.Faulty("finish", false),
        new AggregateFixtures.Faulty("result_type", false),
        new AggregateFixtures.Faulty("serialize", false),
        new AggregateFixtures.Faulty("vector", true));
  }

  private static String fails(String sql) {
    return failureOf(() -> spark().sql(sql).collectAsList());
  }

  private static void onBothOperators(Runnable check) {
    check.run();
    withConf(AggregateConf.OPERATORS, "false", check);
  }

  @Test
  void exceptionInUpdate() {
    onBothOperators(() -> {
      String message = fails("SELECT k, faulty_update(x) FROM f GROUP BY k");
      assertTrue(message.contains("Quiver function 'faulty_update' failed in update: "
          + "ArithmeticException: cannot add 7"), message);
    });
  }

  @Test
  void exceptionInMerge() {
    onBothOperators(() -> {
      String message = fails("SELECT faulty_merge(x) FROM f");
      assertTrue(message.contains("Quiver function 'faulty_merge' failed in merge: "
          + "IllegalStateException: states disagree"), message);
    });
  }

  @Test
  void exceptionInFinish() {
    onBothOperators(() -> {
      String message = fails("SELECT k, faulty_finish(x) FROM f GROUP BY k");
      assertTrue(message.contains("Quiver function 'faulty_finish' failed in finish: "
          + "UnsupportedOperationException: no result today"), message);
    });
    String window = fails("SELECT faulty_finish(x) OVER (PARTITION BY k) FROM f");
    assertTrue(window.contains("Quiver function 'faulty_finish' failed in finish"), window);
  }

  @Test
  void resultOfTheWrongType() {
    onBothOperators(() -> {
      String message = fails("SELECT k, faulty_result_type(x) FROM f GROUP BY k");
      assertTrue(message.contains("Quiver function 'faulty_result_type' returned a "
          + "java.lang.String from finish, but its declared result type bigint needs a "
          + "java.lang.Long."), message);
    });
  }

  @Test
  void vectorOfTheWrongType() {
    String message = fails("SELECT k, faulty_vector(x) FROM f GROUP BY k");
    assertTrue(message.contains("Quiver function 'faulty_vector' returned a IntVector of Arrow "
        + "type Int(32, true), but its declared result type needs Int(64, true)"), message);
  }

  @Test
  void stateThatFailsToSerialize() {
    onBothOperators(() -> {
      String message = fails("SELECT k, faulty_serialize(x) FROM f GROUP BY k");
      assertTrue(message.contains("Quiver function 'faulty_serialize' failed in serialize: "
          + "NotSerializableException: java.lang.Thread"), message);
    });
  }

  @Test
  void mergeableFunctionWithoutMergeFailsAtRegistration() {
    String message = failureOf(() -> Quiver.register(spark(), new NoMerge()));
    assertTrue(message.contains("[QUIVER_INVALID_DECLARATION] Quiver function `no_merge` has an "
        + "invalid declaration: its class " + NoMerge.class.getName() + " is mergeable but does "
        + "not implement merge, serialize, deserialize. Implement them, "
        + "or return false from isMergeable()"), message);
  }

  @Test
  void wrongArgumentsFailAtAnalysis() {
    String count = analysisError("SELECT q_sum(x, x) FROM f", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
        "42605").getMessage();
    assertTrue(count.contains("The `q_sum` requires 1 parameters but the actual number is 2."),
        count);
    String type = analysisError("SELECT q_sum(array(x)) FROM f",
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", "42K09").getMessage();
    assertTrue(type.contains("\"q_sum(array(x))\" due to data type mismatch: The first "
        + "parameter requires the \"BIGINT\" type, however \"array(x)\" has the type "
        + "\"ARRAY<INT>\"."), type);
  }

  /** Declares itself mergeable but implements neither merge nor serialization. */
  public static final class NoMerge extends DeclaredAggregate<long[]> {
    public NoMerge() {
      super("no_merge", "bigint");
    }

    @Override
    public long[] createState() {
      return new long[1];
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) {
      state[0] += args.getRowCount();
    }

    @Override
    public Object finish(long[] state) {
      return state[0];
    }
  }
}

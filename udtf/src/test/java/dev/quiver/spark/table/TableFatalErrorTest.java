package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.testing.FatalErrors;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.AnalysisException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors, fatal ones included, in any phase of a table function fail only its query; the test
 * JVM is the local executor and would not survive a fatal error handed to Spark.
 */
class TableFatalErrorTest extends QuiverSession {

  /** Overflows its stack, or throws an AssertionError, in one phase. */
  public static final class Overflowing extends DeclaredFunction implements TableFunction {
    private static final long serialVersionUID = 1L;
    private final String phase;
    private final boolean assertion;

    /** Declares no schema: its analyze, which may fail, says it. */
    public Overflowing(String phase, boolean assertion) {
      super((assertion ? "asserting_" : "overflowing_") + phase, null);
      this.phase = phase;
      this.assertion = assertion;
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      maybe("analyze");
      return AnalyzeResult.of("n bigint");
    }

    @Override
    public void open(FunctionContext context) {
      maybe("open");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      maybe("eval");
      out.emitRow((long) table.getRowCount());
    }

    @Override
    public void terminate(Emitter out) {
      maybe("terminate");
    }

    @Override
    public void close() {
      maybe("close");
    }

    private void maybe(String now) {
      if (now.equals(phase)) {
        if (assertion) {
          throw new AssertionError("broken in " + now);
        }
        FatalErrors.overflowStack();
      }
    }
  }

  @BeforeAll
  static void register() {
    spark().sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)")
        .createOrReplaceTempView("fatal_t");
    for (String phase : List.of("analyze", "open", "eval", "terminate", "close")) {
      for (boolean assertion : new boolean[] {false, true}) {
        ensureRegistered(new Overflowing(phase, assertion));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"analyze", "open", "eval", "terminate", "close"})
  void errorsInAnyPhaseFailOnlyTheQuery(String phase) {
    for (String kind : List.of("overflowing_", "asserting_")) {
      String name = kind + phase;
      for (String sql : List.of("SELECT * FROM " + name + "(TABLE(fatal_t) PARTITION BY k)",
          "SELECT * FROM " + name + "(TABLE(fatal_t))")) {
        Throwable t = null;
        try {
          spark().sql(sql).collectAsList();
        } catch (Throwable e) {
          t = e;
        }
        assertTrue(t != null, sql + " did not fail");
        String text = messages(t);
        if (phase.equals("analyze")) { // at analysis: an AnalysisException, nothing fatal in it
          assertEquals("QUIVER_ANALYZE_FAILED",
              assertInstanceOf(AnalysisException.class, t, text).getCondition());
          for (Throwable c = t; c != null; c = c.getCause()) {
            assertFalse(c instanceof VirtualMachineError, text);
          }
          assertTrue(text.contains("Quiver function `" + name + "` failed in analyze()"), text);
        } else {
          FatalErrors.quiverCause(t);
          assertTrue(text.contains("Quiver function '" + name + "' failed in " + phase), text);
        }
        assertTrue(text.contains(kind.startsWith("over") ? "StackOverflowError"
            : "AssertionError: broken in " + phase), text);
      }
    }
    assertEquals(3, spark().sql("SELECT * FROM echo(TABLE(SELECT * FROM fatal_t WHERE x < 3))")
        .collectAsList().size());
  }
}

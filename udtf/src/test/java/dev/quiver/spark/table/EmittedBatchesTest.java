package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.testing.QuiverSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Emitted batches are copied on the calls' worker and read on the task's thread: rows keep their
 * order among batches and single rows, a batch the function changes after emitting it is read as
 * it was emitted, and copies not read when a LIMIT ends the task or the call fails are freed
 * (the session checks that no Arrow memory is left after each test).
 */
class EmittedBatchesTest extends QuiverSession {

  /**
   * {@code emit_mixed(TABLE(t), n, fail)}, per input batch: a batch of rows 0..n-1 (every third
   * string null), one row (-1, 'row'), the same batch again overwritten with rows n..2n-1, then
   * a failure if asked.
   */
  static final class EmitMixed extends DeclaredFunction implements TableFunction {
    private static final long serialVersionUID = 1L;

    EmitMixed() {
      super("emit_mixed", "i bigint, s string");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      int n = arguments.getInt(0);
      try (VectorSchemaRoot batch = out.newBatch()) {
        fill(batch, 0, n);
        out.emit(batch);
        out.emitRow(-1L, "row");
        fill(batch, n, n);
        out.emit(batch);
      }
      if (arguments.getBoolean(1)) {
        throw new IllegalStateException("failed after emitting");
      }
    }

    private static void fill(VectorSchemaRoot batch, int start, int n) {
      BigIntVector i = (BigIntVector) batch.getVector(0);
      VarCharVector s = (VarCharVector) batch.getVector(1);
      for (int r = 0; r < n; r++) {
        i.setSafe(r, start + r);
        if ((start + r) % 3 == 0) {
          s.setNull(r);
        } else {
          s.setSafe(r, ("s" + (start + r)).getBytes(StandardCharsets.UTF_8));
        }
      }
      batch.setRowCount(n);
    }
  }

  /** {@code emit_structs(TABLE(t))}: rows 0..3 of a struct, null on row 2, b null on row 1. */
  static final class EmitStructs extends DeclaredFunction implements TableFunction {
    private static final long serialVersionUID = 1L;

    EmitStructs() {
      super("emit_structs", "p struct<a:bigint,b:string>");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      try (VectorSchemaRoot batch = out.newBatch()) {
        StructVector p = (StructVector) batch.getVector(0);
        BigIntVector a = (BigIntVector) p.getChildByOrdinal(0);
        VarCharVector b = (VarCharVector) p.getChildByOrdinal(1);
        for (int r = 0; r < 4; r++) {
          if (r == 2) {
            p.setNull(r);
            a.setNull(r);
            b.setNull(r);
            continue;
          }
          p.setIndexDefined(r);
          a.setSafe(r, r);
          if (r == 1) {
            b.setNull(r);
          } else {
            b.setSafe(r, ("b" + r).getBytes(StandardCharsets.UTF_8));
          }
        }
        batch.setRowCount(4);
        out.emit(batch);
      }
    }
  }

  /** {@code emit_longs(TABLE(t), n)}: one batch of the longs 0..n-1. */
  static final class EmitLongs extends DeclaredFunction implements TableFunction {
    private static final long serialVersionUID = 1L;

    EmitLongs() {
      super("emit_longs", "i bigint");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      int n = arguments.getInt(0);
      try (VectorSchemaRoot batch = out.newBatch()) {
        BigIntVector i = (BigIntVector) batch.getVector(0);
        i.allocateNew(n);
        for (int r = 0; r < n; r++) {
          i.set(r, r);
        }
        batch.setRowCount(n);
        out.emit(batch);
      }
    }
  }

  @BeforeAll
  static void register() {
    ensureRegistered(new EmitMixed(), new EmitStructs(), new EmitLongs());
  }

  @Test
  void aCopyOverTheTaskLimitFailsTheQueryByName() {
    // 60,000 longs: the batch takes 512 KB, its copy 520 KB; a limit of 1m holds one, not both.
    String failure = withConf(QuiverConf.TASK_MEMORY_LIMIT, "1m", () -> failureOf(() -> spark()
        .sql("SELECT * FROM emit_longs(TABLE(SELECT 1 AS one), 60000)").collectAsList()));
    assertTrue(failure.contains("Quiver function 'emit_longs' emitted a batch of 60000 rows that "
        + "could not be copied"), failure);
    assertTrue(failure.contains(QuiverConf.TASK_MEMORY_LIMIT), failure);
    assertEquals(List.of("[59999]"), rows(
        "SELECT max(i) FROM emit_longs(TABLE(SELECT 1 AS one), 60000)"));
  }

  @Test
  void structColumnsAreCopiedWhole() {
    assertEquals(List.of("[[0,b0]]", "[[1,null]]", "[null]", "[[3,b3]]"),
        rows("SELECT * FROM emit_structs(TABLE(SELECT 1 AS one))"));
  }

  private static List<String> rows(String sql) {
    return spark().sql(sql).collectAsList().stream().map(Row::toString).toList();
  }

  @Test
  void rowsKeepTheirOrderAndTheValuesTheyWereEmittedWith() {
    List<String> expected = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      expected.add("[" + r + "," + (r % 3 == 0 ? "null" : "s" + r) + "]");
    }
    expected.add("[-1,row]");
    for (int r = 4; r < 8; r++) {
      expected.add("[" + r + "," + (r % 3 == 0 ? "null" : "s" + r) + "]");
    }
    assertEquals(expected, rows("SELECT * FROM emit_mixed(TABLE(SELECT 1 AS one), 4, false)"));
    // Batches of more rows than a chunk holds.
    assertEquals(List.of("[60001,40001]"),
        rows("SELECT count(*), count(s) FROM emit_mixed(TABLE(SELECT 1 AS one), 30000, "
            + "false)"));
  }

  @Test
  void batchesNotReadWhenALimitEndsTheTaskAreFreed() {
    assertEquals(List.of("[0,null]", "[1,s1]", "[2,s2]"),
        rows("SELECT * FROM emit_mixed(TABLE(SELECT 1 AS one), 100000, false) LIMIT 3"));
  }

  @Test
  void batchesEmittedBeforeAFailureAreFreed() {
    String failure = failureOf(() -> spark().sql(
        "SELECT * FROM emit_mixed(TABLE(SELECT 1 AS one), 100000, true)").collectAsList());
    assertTrue(failure.contains("Quiver function 'emit_mixed' failed in eval: "
        + "IllegalStateException: failed after emitting"), failure);
  }
}

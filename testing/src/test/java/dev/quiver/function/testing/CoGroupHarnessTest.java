package dev.quiver.function.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.SkipRestOfInputTableException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Keys of either side, batches per side, skipping one side, ordering, and emit checks. */
class CoGroupHarnessTest {

  /**
   * Writes down the calls each key got: {@code L[...]} per left batch and {@code R[...]} per
   * right batch with the batch's values of column 2; skips the rest of a side after one batch
   * if told to.
   */
  static final class CallLog implements CoGroupFunction {
    private final boolean skipAfterOneBatch;
    private Object key;
    private StringBuilder calls;

    CallLog(boolean skipAfterOneBatch) {
      this.skipAfterOneBatch = skipAfterOneBatch;
    }

    @Override
    public String name() {
      return "call_log";
    }

    @Override
    public String resultSchema() {
      return "k int, calls string";
    }

    @Override
    public void startGroup() {
      key = null;
      calls = new StringBuilder("start");
    }

    @Override
    public void evalLeft(VectorSchemaRoot batch, Emitter out) {
      record("L", batch);
    }

    @Override
    public void evalRight(VectorSchemaRoot batch, Emitter out) {
      record("R", batch);
    }

    private void record(String side, VectorSchemaRoot batch) {
      key = batch.getVector(0).getObject(0);
      FieldVector values = batch.getVector(1);
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < batch.getRowCount(); i++) {
        seen.add(String.valueOf(values.getObject(i)));
      }
      calls.append(' ').append(side).append(seen);
      if (skipAfterOneBatch) {
        throw new SkipRestOfInputTableException();
      }
    }

    @Override
    public void terminate(Emitter out) {
      out.emitRow(key, calls.append(" end").toString());
    }
  }

  /** Emits a string where its result schema has an int. */
  static final class WrongRow implements CoGroupFunction {
    @Override
    public String name() {
      return "wrong_row";
    }

    @Override
    public String resultSchema() {
      return "n int";
    }

    @Override
    public void evalLeft(VectorSchemaRoot batch, Emitter out) {
      out.emitRow("one");
    }

    @Override
    public void evalRight(VectorSchemaRoot batch, Emitter out) {}
  }

  @Test
  void eachKeyOfEitherSideGetsItsBatchesThenTerminate() {
    List<List<Object>> rows = CoGroupHarness.of(new CallLog(false)).batchSize(2)
        .left("k int, v int", List.of(1, 10), List.of(2, 20), List.of(1, 30), List.of(1, 40))
        .right("k int, w string", List.of(3, "c"), List.of(1, "a"))
        .groupBy("k")
        .run();
    assertEquals(List.of(
        List.of(1, "start L[10, 30] L[40] R[a] end"),
        List.of(2, "start L[20] end"),
        List.of(3, "start R[c] end")), rows);
  }

  @Test
  void skippingEndsOneSideOfTheGroupOnly() {
    List<List<Object>> rows = CoGroupHarness.of(() -> new CallLog(true)).batchSize(1)
        .left("k int, v int", List.of(1, 10), List.of(1, 20))
        .right("k int, w int", List.of(1, 7), List.of(1, 8))
        .groupBy("k")
        .run();
    assertEquals(List.of(List.of(1, "start L[10] R[7] end")), rows);
  }

  @Test
  void keysOfEachSidesOwnColumnsAndOrderWithinGroups() {
    List<List<Object>> rows = CoGroupHarness.of(new CallLog(false))
        .left("k int, v int", List.of(1, 10), List.of(1, 30), List.of(1, 20))
        .right("id int, w int", List.of(1, 5), List.of(1, 9))
        .groupBy(List.of("k"), List.of("id"))
        .orderBy(List.of("v DESC"), List.of())
        .run();
    assertEquals(List.of(List.of(1, "start L[30, 20, 10] R[5, 9] end")), rows);
  }

  @Test
  void withoutKeysEachInputIsOneGroup() {
    List<List<Object>> rows = CoGroupHarness.of(new CallLog(false))
        .left("k int, v int", List.of(1, 10), List.of(2, 20))
        .right("k int, w int", List.of(3, 30))
        .run();
    assertEquals(List.of(List.of(3, "start L[10, 20] R[30] end")), rows);
  }

  @Test
  void anEmittedRowIsCheckedAsOnACluster() {
    InvalidResultException e = assertThrows(InvalidResultException.class,
        () -> CoGroupHarness.of(new WrongRow()).left("k int", List.of(1)).right("k int").run());
    assertTrue(e.getMessage().startsWith("Quiver function 'wrong_row' emitted a row [one] that "
        + "does not fit its result schema"), e.getMessage());
  }

  @Test
  void bothInputsAndMatchingKeysAreNeeded() {
    assertThrows(IllegalStateException.class,
        () -> CoGroupHarness.of(new WrongRow()).left("k int", List.of(1)).run());
    assertThrows(IllegalArgumentException.class,
        () -> CoGroupHarness.of(new WrongRow()).groupBy(List.of("a", "b"), List.of("a")));
  }
}

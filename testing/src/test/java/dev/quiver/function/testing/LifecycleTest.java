package dev.quiver.function.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.ScalarFunction;
import dev.quiver.function.scalar.AbstractScalarFunction;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** open once, close always, leaks reported with the function's name, settings passed. */
class LifecycleTest {
  static final List<String> CALLS = new ArrayList<>();

  /** Records its calls; leaks a buffer, fails in eval, or reads a setting, as told. */
  static class Recording extends AbstractScalarFunction {
    private final String mode;
    private transient Float8Vector kept;
    private transient String factor;

    Recording(String mode) {
      super("recording", "double", "double");
      this.mode = mode;
    }

    @Override
    public void open(FunctionContext context) {
      CALLS.add("open " + context.functionName());
      factor = context.conf("spark.quiver.function.recording.factor", "1");
      if (mode.equals("leak")) {
        kept = new Float8Vector("kept", context.allocator());
        kept.allocateNew(10);
      }
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      CALLS.add("eval " + args.getRowCount());
      if (mode.equals("fail")) {
        throw new IllegalStateException("broken");
      }
      Float8Vector out = new Float8Vector("r", allocator);
      out.allocateNew(args.getRowCount());
      for (int i = 0; i < args.getRowCount(); i++) {
        out.set(i, Double.parseDouble(factor));
      }
      out.setValueCount(args.getRowCount());
      return out;
    }

    @Override
    public void close() {
      CALLS.add("close");
    }
  }

  @Test
  void opensOnceEvaluatesEachBatchClosesOnce() {
    CALLS.clear();
    List<Object> out = ScalarHarness.of(new Recording("ok")).batchSize(2)
        .conf("spark.quiver.function.recording.factor", "3").call(1.0, 2.0, 3.0);
    assertEquals(List.of(3.0, 3.0, 3.0), out);
    assertEquals(List.of("open recording", "eval 2", "eval 1", "close"), CALLS);
  }

  @Test
  void closesAfterAFailureAndRethrowsIt() {
    CALLS.clear();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ScalarHarness.of(new Recording("fail")).call(1.0));
    assertEquals("broken", e.getMessage());
    assertEquals(List.of("open recording", "eval 1", "close"), CALLS);
  }

  @Test
  void reportsALeakWithTheFunctionsName() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> ScalarHarness.of(new Recording("leak")).call(1.0));
    assertTrue(e.getMessage().startsWith("Arrow memory leaked by Quiver function 'recording': "),
        e.getMessage());
  }

  @Test
  void anInstanceThatCannotShipFailsAsQuiverRegisterWould() {
    Object unserializable = new Object();
    ScalarFunction function = new Recording("ok") {
      @Override
      public String description() {
        return unserializable.toString();
      }
    };
    AssertionError e = assertThrows(AssertionError.class, () -> ScalarHarness.of(function));
    assertTrue(e.getMessage().contains("cannot be shipped to executors"), e.getMessage());
  }
}

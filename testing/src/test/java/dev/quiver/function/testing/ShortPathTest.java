package dev.quiver.function.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quiver.function.ScalarFunction;
import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.scalar.DoubleFunction;
import dev.quiver.function.scalar.IntFunction;
import dev.quiver.function.scalar.LongFunction;
import dev.quiver.function.scalar.StringFunction;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** The scalar short path, run through the harness: nulls, batches, shipping, checks. */
class ShortPathTest {

  static final class PlusOne extends DoubleFunction {
    PlusOne() {
      super("plus_one", v -> v + 1);
    }
  }

  /** Null for negative values, which the column form may set itself. */
  static final class SqrtOrNull extends DoubleFunction {
    SqrtOrNull() {
      super("sqrt_or_null", (in, out) -> {
        for (int i = 0; i < in.getValueCount(); i++) {
          double v = in.getDataBuffer().getDouble(8L * i);
          if (v < 0) {
            out.setNull(i);
          } else {
            out.getDataBuffer().setDouble(8L * i, Math.sqrt(v));
          }
        }
      });
    }
  }

  static final class Reciprocal extends LongFunction {
    Reciprocal() {
      // Divides by every non-null value: must never see the zeros of null slots.
      super("reciprocal", v -> 1000 / v);
    }
  }

  static final class Doubled extends IntFunction {
    Doubled() {
      super("doubled", (in, out) -> {
        for (int i = 0; i < in.getValueCount(); i++) {
          // set() marks the slot valid; rows null in the input still come out null.
          out.set(i, in.getDataBuffer().getInt(4L * i) * 2);
        }
      });
    }
  }

  static final class Shout extends StringFunction {
    Shout() {
      super("shout", s -> s.isEmpty() ? null : s.toUpperCase(Locale.ROOT) + "!");
    }
  }

  static final class AsciiUpper extends StringFunction {
    AsciiUpper() {
      super("ascii_upper", (value, length, out) -> {
        for (int i = 0; i < length; i++) {
          byte b = value[i];
          out.append(b >= 'a' && b <= 'z' ? (byte) (b - 32) : b);
        }
      });
    }
  }

  @Test
  void doubleValuesPassNullsThrough() {
    assertEquals(Arrays.asList(2.0, null, 4.0), ScalarHarness.of(new PlusOne()).call(1.0, null,
        3.0));
    assertEquals(Arrays.asList(2.0, null, 4.0, 5.0, null), ScalarHarness.of(PlusOne::new)
        .batchSize(2).call(1.0, null, 3.0, 4.0, null));
    assertEquals(List.of(), ScalarHarness.of(new PlusOne()).call());
  }

  /** Runs of non-null values, words of mixed ones and all-null words, with a partial tail. */
  @Test
  void nullsAcrossManyWords() {
    Object[] in = new Object[300];
    List<Object> expected = new java.util.ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      boolean isNull = (i >= 64 && i < 128) || (i >= 128 && i % 3 == 0) || i == 299;
      in[i] = isNull ? null : (long) i + 1;
      expected.add(isNull ? null : 1000 / ((long) i + 1));
    }
    assertEquals(expected, ScalarHarness.of(new Reciprocal()).batchSize(150).call(in));
  }

  @Test
  void anInstanceWithALambdaShipsAndRuns() {
    DoubleFunction half = DoubleFunction.of("half", v -> v / 2);
    assertEquals(Arrays.asList(0.5, null), ScalarHarness.of(half).call(1.0, null));
    assertEquals("half", half.name());
    assertEquals(List.of("double"), half.argumentTypes());
  }

  @Test
  void columnFormMaySetNullsAndKeepsInputNulls() {
    assertEquals(Arrays.asList(2.0, null, null, 0.0),
        ScalarHarness.of(new SqrtOrNull()).call(4.0, -1.0, null, 0.0));
    assertEquals(Arrays.asList(2, null, -6), ScalarHarness.of(new Doubled()).call(1, null, -3));
  }

  @Test
  void valueLambdasSkipNullSlots() {
    assertEquals(Arrays.asList(1000L, null, 4L), ScalarHarness.of(new Reciprocal())
        .call(1L, null, 250L));
  }

  @Test
  void stringsAsJavaStringsAndAsBytes() {
    assertEquals(Arrays.asList("SPARK!", null, null, "GRÜSSE!"),
        ScalarHarness.of(new Shout()).call("spark", null, "", "grüße"));
    assertEquals(Arrays.asList("ARROW ü", null, ""),
        ScalarHarness.of(new AsciiUpper()).batchSize(1).call("arrow ü", null, ""));
  }

  /** Declares double, returns int. */
  static final class WrongType implements ScalarFunction {
    @Override
    public String name() {
      return "wrong";
    }

    @Override
    public String resultType() {
      return "double";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      IntVector out = new IntVector("r", allocator);
      out.allocateNew(args.getRowCount());
      out.setValueCount(args.getRowCount());
      return out;
    }
  }

  @Test
  void aResultOfTheWrongTypeFailsAsOnACluster() {
    InvalidResultException e = assertThrows(InvalidResultException.class,
        () -> ScalarHarness.of(WrongType::new).argumentTypes("double").call(1.0));
    assertEquals("Quiver function 'wrong' returned a IntVector of Arrow type Int(32, true), but "
        + "its declared result type needs FloatingPoint(DOUBLE).", e.getMessage());
  }
}

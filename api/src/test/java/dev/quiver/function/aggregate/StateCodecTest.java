package dev.quiver.function.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** The standard state codec and the defaults of {@link MergeableAggregateFunction}. */
class StateCodecTest {
  private final StateCodec<Object> codec = StateCodec.standard(getClass().getClassLoader());

  record Range(long min, long max) implements Serializable {}

  private Object roundTrip(Object state) throws Exception {
    return codec.decode(codec.encode(state));
  }

  @Test
  void primitiveArraysKeepTheirElements() throws Exception {
    assertArrayEquals(new long[] {1, -2, Long.MAX_VALUE}, (long[]) roundTrip(
        new long[] {1, -2, Long.MAX_VALUE}));
    assertArrayEquals(new double[] {0.5, Double.NaN, -0.0}, (double[]) roundTrip(
        new double[] {0.5, Double.NaN, -0.0}));
    assertArrayEquals(new int[] {7, 8}, (int[]) roundTrip(new int[] {7, 8}));
    assertArrayEquals(new float[] {1.5f}, (float[]) roundTrip(new float[] {1.5f}));
    assertArrayEquals(new short[] {3}, (short[]) roundTrip(new short[] {3}));
    assertArrayEquals(new byte[] {4, 5}, (byte[]) roundTrip(new byte[] {4, 5}));
    assertArrayEquals(new char[] {'q'}, (char[]) roundTrip(new char[] {'q'}));
    assertArrayEquals(new boolean[] {true, false}, (boolean[]) roundTrip(
        new boolean[] {true, false}));
    assertArrayEquals(new long[0], (long[]) roundTrip(new long[0]));
    // tag, length, then the elements big-endian: 1 + 4 + 2 * 8 bytes
    assertEquals(21, codec.encode(new long[] {1, 2}).length);
  }

  @Test
  void boxedValuesAndStrings() throws Exception {
    for (Object value : List.of(42L, 2.5, 7, 1.25f, (short) 3, (byte) -1, 'x', true,
        "grüße")) {
      assertEquals(value, roundTrip(value));
    }
  }

  @Test
  void serializableObjectsThroughTheGivenLoader() throws Exception {
    assertEquals(new Range(-3, 9), roundTrip(new Range(-3, 9)));
    ArrayList<Range> list = new ArrayList<>(List.of(new Range(1, 2)));
    assertEquals(list, roundTrip(list));
  }

  @Test
  void otherStatesAreRejectedWithTheClassName() {
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> codec.encode(new Object()));
    assertTrue(e.getMessage().contains("not java.lang.Object"), e.getMessage());
    Exception tag = assertThrows(IllegalArgumentException.class,
        () -> codec.decode(new byte[] {99}));
    assertTrue(tag.getMessage().contains("tag 99"), tag.getMessage());
  }

  /** Only merge beyond the simple contract: the type declares mergeability, the codec serializes. */
  static final class RangeOf implements MergeableAggregateFunction<Range> {
    @Override
    public String name() {
      return "range_of";
    }

    @Override
    public String resultType() {
      return "bigint";
    }

    @Override
    public Range createState() {
      return new Range(Long.MAX_VALUE, Long.MIN_VALUE);
    }

    @Override
    public void update(Range state, VectorSchemaRoot args) {}

    @Override
    public Range merge(Range a, Range b) {
      return new Range(Math.min(a.min(), b.min()), Math.max(a.max(), b.max()));
    }

    @Override
    public Object finish(Range state) {
      return state.max() - state.min();
    }
  }

  @Test
  void mergeableFunctionsSerializeWithTheStandardCodec() throws Exception {
    RangeOf f = new RangeOf();
    assertTrue(f.isMergeable());
    Range merged = f.merge(f.deserialize(f.serialize(new Range(1, 5))), new Range(0, 3));
    assertEquals(new Range(0, 5), merged);
    assertArrayEquals(codec.encode(new Range(1, 5)), f.serialize(new Range(1, 5)));
  }
}

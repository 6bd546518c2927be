package dev.quiver.function.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.aggregate.AbstractAggregateFunction;
import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.function.aggregate.MergeableAggregateFunction;
import dev.quiver.function.arrow.InvalidResultException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Both phases of a mergeable aggregate, the accumulator cross-check, and finish's checks. */
class AggregateHarnessTest {

  /**
   * The sum of non-null values, null over none. Its state is a Serializable object, so the
   * harness's shuffle goes through the standard codec's Java serialization.
   */
  static class LongSum extends AbstractAggregateFunction<LongSum.Total>
      implements MergeableAggregateFunction<LongSum.Total> {
    /** What one group has summed, and whether it saw any value. */
    static final class Total implements Serializable {
      private static final long serialVersionUID = 1L;
      long sum;
      boolean seen;
    }

    LongSum() {
      super("long_sum", "bigint", "bigint");
    }

    @Override
    public Total createState() {
      return new Total();
    }

    @Override
    public void update(Total state, VectorSchemaRoot args) {
      BigIntVector values = (BigIntVector) args.getVector(0);
      state.seen |= values.getNullCount() < args.getRowCount();
      for (int i = 0; i < args.getRowCount(); i++) {
        state.sum += values.isNull(i) ? 0 : values.get(i);
      }
    }

    @Override
    public Total merge(Total state, Total other) {
      state.sum += other.sum;
      state.seen |= other.seen;
      return state;
    }

    @Override
    public Object finish(Total state) {
      return state.seen ? state.sum : null;
    }
  }

  /** The same sum with a GroupsAccumulator that forgets counts: null never comes out. */
  static final class WrongAccumulator extends LongSum {
    @Override
    public GroupsAccumulator<Total> createGroupsAccumulator() {
      return new GroupsAccumulator<>() {
        private final long[] sums = new long[16];

        @Override
        public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
          BigIntVector values = (BigIntVector) args.getVector(0);
          for (int i = 0; i < args.getRowCount(); i++) {
            sums[groupIds[i]] += values.isNull(i) ? 0 : values.get(i);
          }
        }

        @Override
        public void merge(int groupId, Total state) {
          sums[groupId] += state.sum;
        }

        @Override
        public Total state(int groupId) {
          Total state = new Total();
          state.sum = sums[groupId];
          state.seen = true;
          return state;
        }

        @Override
        public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
          BigIntVector out = new BigIntVector("r", allocator);
          out.allocateNew(numGroups);
          for (int g = 0; g < numGroups; g++) {
            out.set(g, sums[g]);
          }
          out.setValueCount(numGroups);
          return out;
        }

        @Override
        public long sizeInBytes() {
          return 128;
        }
      };
    }
  }

  /** Returns an Integer where bigint needs a Long. */
  static final class IntegerResult extends LongSum {
    @Override
    public Object finish(Total state) {
      return (int) state.sum;
    }
  }

  @Test
  void partialStatesMergeIntoEachGroupsValue() {
    Map<Object, Object> expected = new LinkedHashMap<>();
    expected.put("a", 3L);
    expected.put("b", 5L);
    expected.put("c", null);
    assertEquals(expected, AggregateHarness.of(new LongSum()).partials(3).batchSize(1)
        .group("a", 1L, 2L, null).group("b", 5L).group("c", (Object) null).run());
    assertEquals(6L, AggregateHarness.of(LongSum::new).value(1L, 2L, 3L));
    assertEquals(null, AggregateHarness.of(new LongSum()).value());
  }

  @Test
  void anAccumulatorThatDisagreesFails() {
    AssertionError e = assertThrows(AssertionError.class, () -> AggregateHarness
        .of(new WrongAccumulator()).group("a", 1L).group("b", (Object) null).run());
    assertTrue(e.getMessage().contains("through its GroupsAccumulator"), e.getMessage());
    assertEquals(3L, AggregateHarness.of(new WrongAccumulator()).value(1L, 2L));
  }

  @Test
  void finishMustReturnTheDeclaredClass() {
    InvalidResultException e = assertThrows(InvalidResultException.class,
        () -> AggregateHarness.of(new IntegerResult()).value(1L));
    assertTrue(e.getMessage().startsWith("Quiver function 'long_sum' returned a "
        + "java.lang.Integer (1)"), e.getMessage());
  }

  @Test
  void groupsFromArrowBatches() {
    try (BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
        VectorSchemaRoot batch = Batches.create(
            dev.quiver.function.arrow.SparkTypes.schema("x bigint"),
            List.of(List.of(4L), Arrays.asList((Object) null), List.of(6L)), allocator)) {
      assertEquals(10L, AggregateHarness.of(new LongSum()).groupBatch("g", batch).run().get("g"));
    }
  }

  @Test
  void rowsOfSeveralArguments() {
    assertEquals(Arrays.asList(3L), List.of(AggregateHarness.of(new LongSum())
        .groupRows("g", List.of(1L), List.of(2L)).run().get("g")));
  }
}

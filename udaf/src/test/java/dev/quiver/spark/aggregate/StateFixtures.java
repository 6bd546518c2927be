package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.function.aggregate.MergeableAggregateFunction;
import dev.quiver.function.aggregate.StateCodec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Aggregates written the short way: mergeable by type, states in the standard codec. */
public final class StateFixtures {
  private StateFixtures() {}

  /** The state of q_spread: a plain Serializable class, written by the standard codec. */
  public static final class Span implements Serializable {
    private static final long serialVersionUID = 1L;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;

    Span add(long min, long max) {
      this.min = Math.min(this.min, min);
      this.max = Math.max(this.max, max);
      return this;
    }
  }

  /** q_spread(bigint): max - min of the non-null values; no codec written. */
  public static final class Spread implements MergeableAggregateFunction<Span> {
    @Override
    public String name() {
      return "q_spread";
    }

    @Override
    public String resultType() {
      return "bigint";
    }

    @Override
    public Span createState() {
      return new Span();
    }

    @Override
    public void update(Span state, VectorSchemaRoot args) {
      BigIntVector values = (BigIntVector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (!values.isNull(i)) {
          state.add(values.get(i), values.get(i));
        }
      }
    }

    @Override
    public Span merge(Span a, Span b) {
      return a.add(b.min, b.max);
    }

    @Override
    public Object finish(Span state) {
      return state.min > state.max ? null : state.max - state.min;
    }

    @Override
    public GroupsAccumulator<Span> createGroupsAccumulator() {
      return new SpanAccumulator();
    }
  }

  /** q_spread's states as two arrays, through the default column methods. */
  static final class SpanAccumulator implements GroupsAccumulator<Span> {
    private long[] mins = new long[0];
    private long[] maxs = new long[0];

    @Override
    public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
      grow(numGroups);
      BigIntVector values = (BigIntVector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (!values.isNull(i)) {
          mins[groupIds[i]] = Math.min(mins[groupIds[i]], values.get(i));
          maxs[groupIds[i]] = Math.max(maxs[groupIds[i]], values.get(i));
        }
      }
    }

    @Override
    public void merge(int groupId, Span state) {
      grow(groupId + 1);
      mins[groupId] = Math.min(mins[groupId], state.min);
      maxs[groupId] = Math.max(maxs[groupId], state.max);
    }

    @Override
    public Span state(int groupId) {
      Span state = new Span();
      return groupId < mins.length ? state.add(mins[groupId], maxs[groupId]) : state;
    }

    @Override
    public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
      grow(numGroups);
      return AggregateFixtures.longs(
          "q_spread", numGroups, allocator, g -> mins[g] > maxs[g], g -> maxs[g] - mins[g]);
    }

    @Override
    public long sizeInBytes() {
      return 16L * mins.length;
    }

    private void grow(int groups) {
      if (groups > mins.length) {
        int from = mins.length;
        int size = Math.max(groups, from * 2);
        mins = Arrays.copyOf(mins, size);
        maxs = Arrays.copyOf(maxs, size);
        Arrays.fill(mins, from, size, Long.MAX_VALUE);
        Arrays.fill(maxs, from, size, Long.MIN_VALUE);
      }
    }
  }

  /**
   * q_total(bigint): the sum as a {@code long[] {sum, count}}, in the standard codec; its
   * accumulator reads and writes the encoded columns directly (tag byte 1, length 2, then two
   * big-endian longs: 21 bytes a state) and counts the batches.
   */
  public static final class Total implements MergeableAggregateFunction<long[]> {
    static final AtomicLong MERGE_BATCHES = new AtomicLong();
    static final AtomicLong STATES_MERGED = new AtomicLong();
    static final AtomicLong STATE_COLUMNS = new AtomicLong();
    private static final int STATE_BYTES = 21;

    @Override
    public String name() {
      return "q_total";
    }

    @Override
    public String resultType() {
      return "bigint";
    }

    @Override
    public long[] createState() {
      return new long[2];
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) {
      AggregateFixtures.addNonNull(state, args);
    }

    @Override
    public long[] merge(long[] state, long[] other) {
      return AggregateFixtures.addUp(state, other);
    }

    @Override
    public Object finish(long[] state) {
      return AggregateFixtures.sumOrNull(state);
    }

    @Override
    public GroupsAccumulator<long[]> createGroupsAccumulator() {
      return new GroupsAccumulator<>() {
        private long[] sums = new long[0];
        private long[] counts = new long[0];

        @Override
        public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
          grow(numGroups);
          BigIntVector values = (BigIntVector) args.getVector(0);
          for (int i = 0; i < args.getRowCount(); i++) {
            if (!values.isNull(i)) {
              sums[groupIds[i]] += values.get(i);
              counts[groupIds[i]]++;
            }
          }
        }

        @Override
        public void merge(int groupId, long[] state) {
          throw new AssertionError("states are merged by mergeBatch");
        }

        @Override
        public void mergeBatch(VarBinaryVector states, int[] groupIds, int numGroups,
            StateCodec<long[]> codec) {
          MERGE_BATCHES.incrementAndGet();
          grow(numGroups);
          ArrowBuf data = states.getDataBuffer();
          for (int i = 0; i < states.getValueCount(); i++) {
            if (states.isNull(i)) {
              continue;
            }
            long at = states.getOffsetBuffer().getInt((long) i
                * BaseVariableWidthVector.OFFSET_WIDTH);
            sums[groupIds[i]] += Long.reverseBytes(data.getLong(at + 5));
            counts[groupIds[i]] += Long.reverseBytes(data.getLong(at + 13));
            STATES_MERGED.incrementAndGet();
          }
        }

        @Override
        public long[] state(int groupId) {
          throw new AssertionError("states are written by state(numGroups, ...)");
        }

        @Override
        public VarBinaryVector state(int numGroups, StateCodec<long[]> codec,
            BufferAllocator allocator) throws Exception {
          STATE_COLUMNS.incrementAndGet();
          grow(numGroups);
          VarBinaryVector out = new VarBinaryVector("state", allocator);
          out.allocateNew((long) STATE_BYTES * numGroups, numGroups);
          for (int g = 0; g < numGroups; g++) {
            // the codec's bytes, to show the format; a real accumulator writes them in place
            out.setSafe(g, codec.encode(new long[] {sums[g], counts[g]}));
          }
          out.setValueCount(numGroups);
          return out;
        }

        @Override
        public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
          grow(numGroups);
          return AggregateFixtures.longs(
              "q_total", numGroups, allocator, g -> counts[g] == 0, g -> sums[g]);
        }

        @Override
        public long sizeInBytes() {
          return 16L * sums.length;
        }

        private void grow(int groups) {
          if (groups > sums.length) {
            int size = Math.max(groups, sums.length * 2);
            sums = Arrays.copyOf(sums, size);
            counts = Arrays.copyOf(counts, size);
          }
        }
      };
    }
  }
}

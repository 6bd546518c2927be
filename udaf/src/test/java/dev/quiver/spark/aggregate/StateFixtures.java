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
  public static final class Spread extends DeclaredAggregate<Span>
      implements MergeableAggregateFunction<Span> {
    public Spread() {
      super("q_spread", "bigint");
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

  /**
   * The groups of an aggregate of one {@code bigint} argument as two arrays of longs, each
   * element starting at its array's initial value; subclasses say how a non-null value adds.
   */
  abstract static class TwoLongsPerGroup<S> implements GroupsAccumulator<S> {
    private final long firstInitial;
    private final long secondInitial;
    long[] first = new long[0];
    long[] second = new long[0];

    TwoLongsPerGroup(long firstInitial, long secondInitial) {
      this.firstInitial = firstInitial;
      this.secondInitial = secondInitial;
    }

    /** Adds the non-null {@code value} to group {@code groupId}. */
    abstract void add(int groupId, long value);

    @Override
    public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
      grow(numGroups);
      BigIntVector values = (BigIntVector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (!values.isNull(i)) {
          add(groupIds[i], values.get(i));
        }
      }
    }

    @Override
    public long sizeInBytes() {
      return 16L * first.length;
    }

    void grow(int groups) {
      if (groups > first.length) {
        int from = first.length;
        int size = Math.max(groups, from * 2);
        first = Arrays.copyOf(first, size);
        second = Arrays.copyOf(second, size);
        Arrays.fill(first, from, size, firstInitial);
        Arrays.fill(second, from, size, secondInitial);
      }
    }
  }

  /** q_spread's states, {@code first} the minimums and {@code second} the maximums. */
  static final class SpanAccumulator extends TwoLongsPerGroup<Span> {
    SpanAccumulator() {
      super(Long.MAX_VALUE, Long.MIN_VALUE);
    }

    @Override
    void add(int groupId, long value) {
      first[groupId] = Math.min(first[groupId], value);
      second[groupId] = Math.max(second[groupId], value);
    }

    @Override
    public void merge(int groupId, Span state) {
      grow(groupId + 1);
      first[groupId] = Math.min(first[groupId], state.min);
      second[groupId] = Math.max(second[groupId], state.max);
    }

    @Override
    public Span state(int groupId) {
      Span state = new Span();
      return groupId < first.length ? state.add(first[groupId], second[groupId]) : state;
    }

    @Override
    public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
      grow(numGroups);
      return AggregateFixtures.longs("q_spread", numGroups, allocator,
          g -> first[g] > second[g], g -> second[g] - first[g]);
    }
  }

  /**
   * q_total(bigint): the sum as a {@code long[] {sum, count}}, in the standard codec; its
   * accumulator reads and writes the encoded columns directly (tag byte 1, length 2, then two
   * big-endian longs: 21 bytes a state) and counts the batches.
   */
  public static final class Total extends AggregateFixtures.SumAndCount
      implements MergeableAggregateFunction<long[]> {
    static final AtomicLong MERGE_BATCHES = new AtomicLong();
    static final AtomicLong STATES_MERGED = new AtomicLong();
    static final AtomicLong STATE_COLUMNS = new AtomicLong();
    private static final int STATE_BYTES = 21;

    public Total() {
      super("q_total");
    }

    @Override
    public GroupsAccumulator<long[]> createGroupsAccumulator() {
      return new TotalAccumulator();
    }
  }

  /** q_total whose state column ends past its data: a malformed vector from the function. */
  public static final class BrokenStates extends AggregateFixtures.SumAndCount
      implements MergeableAggregateFunction<long[]> {
    public BrokenStates() {
      super("q_broken_states");
    }

    @Override
    public GroupsAccumulator<long[]> createGroupsAccumulator() {
      return new TotalAccumulator(true);
    }
  }

  /** q_total's states, {@code first} the sums and {@code second} the counts. */
  static final class TotalAccumulator extends TwoLongsPerGroup<long[]> {
    private final boolean malformed;

    TotalAccumulator() {
      this(false);
    }

    TotalAccumulator(boolean malformed) {
      super(0, 0);
      this.malformed = malformed;
    }

    @Override
    void add(int groupId, long value) {
      first[groupId] += value;
      second[groupId]++;
    }

    @Override
    public void merge(int groupId, long[] state) {
      throw new AssertionError("states are merged by mergeBatch");
    }

    @Override
    public void mergeBatch(VarBinaryVector states, int[] groupIds, int numGroups,
        StateCodec<long[]> codec) {
      Total.MERGE_BATCHES.incrementAndGet();
      grow(numGroups);
      ArrowBuf data = states.getDataBuffer();
      for (int i = 0; i < states.getValueCount(); i++) {
        if (states.isNull(i)) {
          continue;
        }
        long at = states.getOffsetBuffer().getInt((long) i
            * BaseVariableWidthVector.OFFSET_WIDTH);
        first[groupIds[i]] += Long.reverseBytes(data.getLong(at + 5));
        second[groupIds[i]] += Long.reverseBytes(data.getLong(at + 13));
        Total.STATES_MERGED.incrementAndGet();
      }
    }

    @Override
    public long[] state(int groupId) {
      throw new AssertionError("states are written by state(numGroups, ...)");
    }

    @Override
    public VarBinaryVector state(int numGroups, StateCodec<long[]> codec,
        BufferAllocator allocator) throws Exception {
      Total.STATE_COLUMNS.incrementAndGet();
      grow(numGroups);
      VarBinaryVector out = new VarBinaryVector("state", allocator);
      out.allocateNew((long) Total.STATE_BYTES * numGroups, numGroups);
      for (int g = 0; g < numGroups; g++) {
        // the codec's bytes, to show the format; a real accumulator writes them in place
        out.setSafe(g, codec.encode(new long[] {first[g], second[g]}));
      }
      out.setValueCount(numGroups);
      if (malformed && numGroups > 0) {
        out.getOffsetBuffer().setInt(4L * numGroups, (int) out.getDataBuffer().capacity() + 8);
      }
      return out;
    }

    @Override
    public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
      grow(numGroups);
      return AggregateFixtures.longs(
          "q_total", numGroups, allocator, g -> second[g] == 0, g -> first[g]);
    }
  }
}

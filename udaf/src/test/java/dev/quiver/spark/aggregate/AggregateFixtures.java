package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.GroupsAccumulator;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Aggregate functions for the tests. */
public final class AggregateFixtures {
  private AggregateFixtures() {}

  /** Adds the non-null values of the first ({@code bigint}) argument to {@code {sum, count}}. */
  static void addNonNull(long[] state, VectorSchemaRoot args) {
    BigIntVector values = (BigIntVector) args.getVector(0);
    for (int i = 0; i < args.getRowCount(); i++) {
      if (!values.isNull(i)) {
        state[0] += values.get(i);
        state[1]++;
      }
    }
  }

  /** Merges two {@code {sum, count}} states into the first. */
  static long[] addUp(long[] state, long[] other) {
    state[0] += other[0];
    state[1] += other[1];
    return state;
  }

  /** Merges two {@code {sum, count}} states of doubles into the first. */
  static double[] addUp(double[] state, double[] other) {
    state[0] += other[0];
    state[1] += other[1];
    return state;
  }

  /** The sum of a {@code {sum, count}} state, null without non-null values. */
  static Object sumOrNull(long[] state) {
    return state[1] == 0 ? null : state[0];
  }

  /** A {@code bigint} result of {@code numGroups} groups: null where {@code isNull}, else value. */
  static BigIntVector longs(String name, int numGroups, BufferAllocator allocator,
      IntPredicate isNull, IntToLongFunction value) {
    BigIntVector out = new BigIntVector(name, allocator);
    out.allocateNew(numGroups);
    for (int g = 0; g < numGroups; g++) {
      if (isNull.test(g)) {
        out.setNull(g);
      } else {
        out.set(g, value.applyAsLong(g));
      }
    }
    out.setValueCount(numGroups);
    return out;
  }

  /** Appends the non-null values of the first ({@code bigint}) argument to {@code state}. */
  static void collectNonNull(List<Long> state, VectorSchemaRoot args) {
    BigIntVector values = (BigIntVector) args.getVector(0);
    for (int i = 0; i < args.getRowCount(); i++) {
      if (!values.isNull(i)) {
        state.add(values.get(i));
      }
    }
  }

  /**
   * The sum of the non-null values of a {@code bigint} argument in a {@code long[] {sum, count}},
   * null for a group without any; subclasses say how the state crosses a shuffle.
   */
  abstract static class SumAndCount extends DeclaredAggregate<long[]> {
    SumAndCount(String name, String... argumentTypes) {
      super(name, "bigint", argumentTypes);
    }

    @Override
    public long[] createState() {
      return new long[2];
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) {
      addNonNull(state, args);
    }

    @Override
    public long[] merge(long[] state, long[] other) {
      return addUp(state, other);
    }

    @Override
    public Object finish(long[] state) {
      return sumOrNull(state);
    }
  }

  /** q_sum(bigint): the simple form only, with its own state format. */
  public static final class LongSum extends SumAndCount {
    public LongSum() {
      super("q_sum", "bigint");
    }

    @Override
    public byte[] serialize(long[] state) {
      return ByteBuffer.allocate(16).putLong(state[0]).putLong(state[1]).array();
    }

    @Override
    public long[] deserialize(byte[] bytes) {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      return new long[] {in.getLong(), in.getLong()};
    }
  }

  /** q_avg(double): with a vectorized form; state = {sum, count}. */
  public static class Average extends DeclaredAggregate<double[]> {
    static final AtomicLong VECTORIZED_UPDATES = new AtomicLong();

    public Average() {
      this("q_avg");
    }

    /** The same function under another name. */
    Average(String name) {
      super(name, "double", "double");
    }

    @Override
    public double[] createState() {
      return new double[2];
    }

    @Override
    public void update(double[] state, VectorSchemaRoot args) {
      Float8Vector values = (Float8Vector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (!values.isNull(i)) {
          state[0] += values.get(i);
          state[1]++;
        }
      }
    }

    @Override
    public double[] merge(double[] state, double[] other) {
      return addUp(state, other);
    }

    @Override
    public Object finish(double[] state) {
      return state[1] == 0 ? null : state[0] / state[1];
    }

    @Override
    public byte[] serialize(double[] state) {
      return ByteBuffer.allocate(16).putDouble(state[0]).putDouble(state[1]).array();
    }

    @Override
    public double[] deserialize(byte[] bytes) {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      return new double[] {in.getDouble(), in.getDouble()};
    }

    @Override
    public GroupsAccumulator<double[]> createGroupsAccumulator() {
      return new GroupsAccumulator<>() {
        private double[] sums = new double[16];
        private double[] counts = new double[16];

        @Override
        public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
          VECTORIZED_UPDATES.incrementAndGet();
          grow(numGroups);
          Float8Vector values = (Float8Vector) args.getVector(0);
          for (int i = 0; i < args.getRowCount(); i++) {
            if (!values.isNull(i)) {
              sums[groupIds[i]] += values.get(i);
              counts[groupIds[i]]++;
            }
          }
        }

        @Override
        public void merge(int groupId, double[] state) {
          grow(groupId + 1);
          sums[groupId] += state[0];
          counts[groupId] += state[1];
        }

        @Override
        public double[] state(int groupId) {
          return groupId < sums.length ? new double[] {sums[groupId], counts[groupId]}
              : new double[2];
        }

        @Override
        public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
          grow(numGroups);
          Float8Vector out = new Float8Vector("q_avg", allocator);
          out.allocateNew(numGroups);
          for (int g = 0; g < numGroups; g++) {
            if (counts[g] == 0) {
              out.setNull(g);
            } else {
              out.set(g, sums[g] / counts[g]);
            }
          }
          out.setValueCount(numGroups);
          return out;
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

  /**
   * Keeps all non-null values of a {@code bigint} argument, so it cannot merge; subclasses say
   * what the group's values make.
   */
  abstract static class CollectedValues extends DeclaredAggregate<List<Long>> {
    CollectedValues(String name, String resultType, String... argumentTypes) {
      super(name, resultType, argumentTypes);
    }

    /** The values of a state in ascending order, in a new list. */
    static List<Long> sorted(List<Long> state) {
      List<Long> sorted = new ArrayList<>(state);
      Collections.sort(sorted);
      return sorted;
    }

    @Override
    public boolean isMergeable() {
      return false;
    }

    @Override
    public List<Long> createState() {
      return new ArrayList<>();
    }

    @Override
    public void update(List<Long> state, VectorSchemaRoot args) {
      collectNonNull(state, args);
    }
  }

  /** q_sorted(bigint): the non-null values in ascending order; cannot merge. */
  public static final class SortedValues extends CollectedValues {
    public SortedValues() {
      super("q_sorted", "array<bigint>", "bigint");
    }

    @Override
    public Object finish(List<Long> state) {
      return sorted(state);
    }

    @Override
    public long stateSize(List<Long> state) {
      return 32L * state.size();
    }
  }

  /**
   * q_batches(any): counts rows, and records how large the batches passed to update are.
   * Simple form only.
   */
  public static final class BatchProbe extends LongState {
    static final AtomicLong MAX_ROWS = new AtomicLong();
    static final AtomicLong UPDATES = new AtomicLong();

    public BatchProbe() {
      this(true);
    }

    /** Registered as q_batches_single with {@code mergeable = false}. */
    public BatchProbe(boolean mergeable) {
      super("q_batches", mergeable);
    }

    static void reset() {
      MAX_ROWS.set(0);
      UPDATES.set(0);
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) {
      UPDATES.incrementAndGet();
      MAX_ROWS.accumulateAndGet(args.getRowCount(), Math::max);
      state[0] += args.getRowCount();
    }

  }

  /**
   * A bigint result kept in one long: what most test aggregates hold. Subclasses say how a batch
   * adds to it; merging adds, serializing writes the long.
   */
  public abstract static class LongState extends DeclaredAggregate<long[]> {
    private final boolean mergeable;

    /** {@code mergeable} false: the groups are aggregated in one phase, never merged. */
    LongState(String name, boolean mergeable, String... argumentTypes) {
      super(name, "bigint", argumentTypes);
      this.mergeable = mergeable;
    }

    @Override
    public boolean isMergeable() {
      return mergeable;
    }

    @Override
    public long[] createState() {
      return new long[1];
    }

    @Override
    public long[] merge(long[] state, long[] other) {
      state[0] += other[0];
      return state;
    }

    @Override
    public Object finish(long[] state) {
      return state[0];
    }

    @Override
    public byte[] serialize(long[] state) {
      return ByteBuffer.allocate(8).putLong(state[0]).array();
    }

    @Override
    public long[] deserialize(byte[] bytes) {
      return new long[] {ByteBuffer.wrap(bytes).getLong()};
    }
  }

  /**
   * Fails in the phase it is told, for the error tests; registered as instances. Sums int
   * arguments otherwise.
   */
  public static final class Faulty extends DeclaredAggregate<Faulty.State> {
    private final String fails;
    private final boolean vectorized;

    public Faulty(String fails, boolean vectorized) {
      super("faulty_" + fails, "bigint");
      this.fails = fails;
      this.vectorized = vectorized;
    }

    /** Holds a non-serializable field when told to fail in serialize. */
    public static final class State {
      long sum;
      Object attachment;
    }

    @Override
    public State createState() {
      State state = new State();
      if (fails.equals("serialize")) {
        state.attachment = new Thread(); // not serializable
      }
      return state;
    }

    @Override
    public void update(State state, VectorSchemaRoot args) {
      IntVector values = (IntVector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (fails.equals("update") && values.get(i) == 7) {
          throw new ArithmeticException("cannot add 7");
        }
        state.sum += values.get(i);
      }
    }

    @Override
    public State merge(State state, State other) {
      if (fails.equals("merge")) {
        throw new IllegalStateException("states disagree");
      }
      state.sum += other.sum;
      return state;
    }

    @Override
    public Object finish(State state) {
      switch (fails) {
        case "finish":
          throw new UnsupportedOperationException("no result today");
        case "result_type":
          return "forty-two";
        default:
          return state.sum;
      }
    }

    @Override
    public byte[] serialize(State state) throws Exception {
      if (state.attachment != null) {
        // What a state with a non-serializable field does when written with Java serialization.
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
          out.writeObject(state.attachment);
        }
      }
      return ByteBuffer.allocate(8).putLong(state.sum).array();
    }

    @Override
    public State deserialize(byte[] bytes) {
      State state = new State();
      state.sum = ByteBuffer.wrap(bytes).getLong();
      return state;
    }

    @Override
    public GroupsAccumulator<State> createGroupsAccumulator() {
      if (!vectorized) {
        return null;
      }
      return new GroupsAccumulator<>() {
        private long[] sums = new long[0];

        @Override
        public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
          sums = Arrays.copyOf(sums, Math.max(sums.length, numGroups));
          IntVector values = (IntVector) args.getVector(0);
          for (int i = 0; i < args.getRowCount(); i++) {
            sums[groupIds[i]] += values.get(i);
          }
        }

        @Override
        public void merge(int groupId, State state) {
          sums = Arrays.copyOf(sums, Math.max(sums.length, groupId + 1));
          sums[groupId] += state.sum;
        }

        @Override
        public State state(int groupId) {
          State state = new State();
          state.sum = groupId < sums.length ? sums[groupId] : 0;
          return state;
        }

        @Override
        public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
          // The wrong vector type for bigint, on purpose.
          IntVector out = new IntVector("wrong", allocator);
          out.allocateNew(numGroups);
          out.setValueCount(numGroups);
          return out;
        }

        @Override
        public long sizeInBytes() {
          return 8L * sums.length;
        }
      };
    }
  }
}

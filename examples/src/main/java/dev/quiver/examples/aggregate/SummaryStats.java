package dev.quiver.examples.aggregate;

import dev.quiver.function.aggregate.AbstractAggregateFunction;
import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.function.aggregate.StateCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * {@code summary_stats(reading)}: the count, mean, population standard deviation and maximum of
 * the non-null values of a group, in one pass and mergeable across partitions, for example to
 * summarize sensor readings per device before looking for anomalies.
 *
 * <pre>{@code
 * SELECT device_id, s.count, round(s.mean, 2), round(s.stddev, 2), s.max
 * FROM (SELECT device_id, summary_stats(reading) AS s FROM readings GROUP BY device_id)
 *
 * readings.groupBy("device_id").agg(Quiver.call("summary_stats", col("reading")).as("s"))
 * }</pre>
 *
 * <p>The state keeps the count, the running mean, the sum of squared deviations from it and the
 * maximum (Welford's method, merged with Chan's formula), which stays accurate where the
 * textbook {@code sum(x*x)/n - mean*mean} loses all digits to cancellation. It implements the
 * vectorized form too, which keeps the states of all groups in one primitive array and reads and
 * writes the shuffled states as one Arrow column per batch ({@code mergeBatch}, {@code state}).
 */
public final class SummaryStats extends AbstractAggregateFunction<SummaryStats.Stats> {
  private static final long serialVersionUID = 1L;

  /** The state of one group. */
  public static final class Stats {
    long count;
    double mean;
    double m2;
    double max = Double.NEGATIVE_INFINITY;

    void add(double x) {
      count++;
      double delta = x - mean;
      mean += delta / count;
      m2 += delta * (x - mean);
      max = Math.max(max, x);
    }

    void add(Stats other) {
      combine(this, other.count, other.mean, other.m2, other.max);
    }
  }

  /** {@code summary_stats(reading double)} returns {@code struct<count, mean, stddev, max>}. */
  public SummaryStats() {
    super("summary_stats", "struct<count:bigint,mean:double,stddev:double,max:double>",
        "double");
  }

  @Override
  public String description() {
    return "Count, mean, population standard deviation and maximum of the non-null values.\n"
        + "SELECT device_id, summary_stats(reading).* FROM readings GROUP BY device_id";
  }

  @Override
  public Stats createState() {
    return new Stats();
  }

  @Override
  public void update(Stats state, VectorSchemaRoot args) {
    Float8Vector values = (Float8Vector) args.getVector(0);
    for (int i = 0; i < args.getRowCount(); i++) {
      if (!values.isNull(i)) {
        state.add(values.get(i));
      }
    }
  }

  @Override
  public Stats merge(Stats state, Stats other) {
    state.add(other);
    return state;
  }

  @Override
  public Object finish(Stats state) {
    if (state.count == 0) {
      return new Object[] {0L, null, null, null};
    }
    return new Object[] {state.count, state.mean, Math.sqrt(state.m2 / state.count), state.max};
  }

  @Override
  public byte[] serialize(Stats state) {
    return ByteBuffer.allocate(32).putLong(state.count).putDouble(state.mean)
        .putDouble(state.m2).putDouble(state.max).array();
  }

  @Override
  public Stats deserialize(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Stats state = new Stats();
    state.count = in.getLong();
    state.mean = in.getDouble();
    state.m2 = in.getDouble();
    state.max = in.getDouble();
    return state;
  }

  /** Chan et al.: the moments of the union of two sets from the moments of each. */
  static void combine(Stats into, long count, double mean, double m2, double max) {
    if (count == 0) {
      return;
    }
    long total = into.count + count;
    double delta = mean - into.mean;
    into.mean += delta * count / total;
    into.m2 += m2 + delta * delta * ((double) into.count * count / total);
    into.count = total;
    into.max = Math.max(into.max, max);
  }

  @Override
  public GroupsAccumulator<Stats> createGroupsAccumulator() {
    return new Accumulator();
  }

  /**
   * The states of many groups in one array, four slots per group (count, mean, m2, max): a
   * group's state is one cache line, so with a million groups an update touches one line rather
   * than one in each of four arrays. Counts are exact in a double up to 2^53 rows.
   */
  static final class Accumulator implements GroupsAccumulator<Stats> {
    private static final int COUNT = 0;
    private static final int MEAN = 1;
    private static final int M2 = 2;
    private static final int MAX = 3;
    private double[] states = new double[0];

    @Override
    public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
      grow(numGroups);
      Float8Vector values = (Float8Vector) args.getVector(0);
      double[] s = states;
      for (int i = 0; i < args.getRowCount(); i++) {
        if (values.isNull(i)) {
          continue;
        }
        int at = groupIds[i] * 4;
        double x = values.get(i);
        double n = ++s[at + COUNT];
        double delta = x - s[at + MEAN];
        s[at + MEAN] += delta / n;
        s[at + M2] += delta * (x - s[at + MEAN]);
        s[at + MAX] = Math.max(s[at + MAX], x);
      }
    }

    @Override
    public void merge(int groupId, Stats state) {
      grow(groupId + 1);
      merge(groupId * 4, state.count, state.mean, state.m2, state.max);
    }

    /**
     * The second phase: reads the 32 bytes {@link SummaryStats#serialize} wrote for each state
     * straight from the Arrow column, without a {@code Stats} object per group.
     */
    @Override
    public void mergeBatch(VarBinaryVector encoded, int[] groupIds, int numGroups,
        StateCodec<Stats> codec) {
      grow(numGroups);
      ArrowBuf data = encoded.getDataBuffer();
      ArrowBuf offsets = encoded.getOffsetBuffer();
      for (int i = 0; i < encoded.getValueCount(); i++) {
        if (encoded.isNull(i)) {
          continue;
        }
        long from = offsets.getInt((long) i * BaseVariableWidthVector.OFFSET_WIDTH);
        long to = offsets.getInt((long) (i + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
        if (to - from != 32) { // not a state of this function: never read a neighbour's bytes
          throw new IllegalStateException("summary_stats: a partial state of " + (to - from)
              + " bytes, expected 32");
        }
        merge(groupIds[i] * 4, bigEndianLong(data, from), bigEndianDouble(data, from + 8),
            bigEndianDouble(data, from + 16), bigEndianDouble(data, from + 24));
      }
    }

    /** The first phase's output: every group's 32 bytes written straight into one column. */
    @Override
    public VarBinaryVector state(int numGroups, StateCodec<Stats> codec,
        BufferAllocator allocator) {
      grow(numGroups);
      VarBinaryVector out = new VarBinaryVector("state", allocator);
      out.allocateNew(32L * numGroups, numGroups);
      ArrowBuf data = out.getDataBuffer();
      ArrowBuf offsets = out.getOffsetBuffer();
      for (int g = 0; g < numGroups; g++) {
        long to = 32L * g;
        int at = g * 4;
        data.setLong(to, Long.reverseBytes((long) states[at + COUNT]));
        data.setLong(to + 8, Long.reverseBytes(Double.doubleToRawLongBits(states[at + MEAN])));
        data.setLong(to + 16, Long.reverseBytes(Double.doubleToRawLongBits(states[at + M2])));
        data.setLong(to + 24, Long.reverseBytes(Double.doubleToRawLongBits(states[at + MAX])));
        offsets.setInt((long) (g + 1) * BaseVariableWidthVector.OFFSET_WIDTH, 32 * (g + 1));
        BitVectorHelper.setBit(out.getValidityBuffer(), g);
      }
      out.setLastSet(numGroups - 1);
      out.setValueCount(numGroups);
      return out;
    }

    private static long bigEndianLong(ArrowBuf data, long at) {
      return Long.reverseBytes(data.getLong(at));
    }

    private static double bigEndianDouble(ArrowBuf data, long at) {
      return Double.longBitsToDouble(Long.reverseBytes(data.getLong(at)));
    }

    /** Chan's formula on the array: the state at {@code at} absorbs another group's moments. */
    private void merge(int at, long count, double mean, double m2, double max) {
      if (count == 0) {
        return;
      }
      double[] s = states;
      double n = s[at + COUNT];
      double total = n + count;
      double delta = mean - s[at + MEAN];
      s[at + MEAN] += delta * count / total;
      s[at + M2] += m2 + delta * delta * (n * count / total);
      s[at + COUNT] = total;
      s[at + MAX] = Math.max(s[at + MAX], max);
    }

    @Override
    public Stats state(int groupId) {
      Stats state = new Stats();
      if (groupId * 4 < states.length) {
        int at = groupId * 4;
        state.count = (long) states[at + COUNT];
        state.mean = states[at + MEAN];
        state.m2 = states[at + M2];
        state.max = states[at + MAX];
      }
      return state;
    }

    @Override
    public FieldVector evaluate(int numGroups, BufferAllocator allocator) {
      grow(numGroups);
      StructVector out = StructVector.empty("summary_stats", allocator);
      BigIntVector count = out.addOrGet("count",
          FieldType.nullable(new ArrowType.Int(64, true)), BigIntVector.class);
      FieldType doubles = FieldType.nullable(
          new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
      Float8Vector mean = out.addOrGet("mean", doubles, Float8Vector.class);
      Float8Vector stddev = out.addOrGet("stddev", doubles, Float8Vector.class);
      Float8Vector max = out.addOrGet("max", doubles, Float8Vector.class);
      out.allocateNew();
      for (int g = 0; g < numGroups; g++) {
        int at = g * 4;
        long n = (long) states[at + COUNT];
        out.setIndexDefined(g);
        count.setSafe(g, n);
        if (n == 0) {
          mean.setNull(g);
          stddev.setNull(g);
          max.setNull(g);
        } else {
          mean.setSafe(g, states[at + MEAN]);
          stddev.setSafe(g, Math.sqrt(states[at + M2] / n));
          max.setSafe(g, states[at + MAX]);
        }
      }
      out.setValueCount(numGroups);
      return out;
    }

    @Override
    public long sizeInBytes() {
      return 8L * states.length;
    }

    private void grow(int groups) {
      int have = states.length / 4;
      if (groups <= have) {
        return;
      }
      int size = Math.max(groups, Math.max(16, have * 2));
      states = Arrays.copyOf(states, size * 4);
      for (int g = have; g < size; g++) {
        states[g * 4 + MAX] = Double.NEGATIVE_INFINITY;
      }
    }
  }
}

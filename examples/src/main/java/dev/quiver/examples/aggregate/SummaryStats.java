package dev.quiver.examples.aggregate;

import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.function.aggregate.GroupsAccumulator;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
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
 * vectorized form too, which keeps the states of all groups in four primitive arrays.
 */
public final class SummaryStats implements AggregateFunction<SummaryStats.Stats> {
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

  @Override
  public String name() {
    return "summary_stats";
  }

  @Override
  public String description() {
    return "Count, mean, population standard deviation and maximum of the non-null values.\n"
        + "SELECT device_id, summary_stats(reading).* FROM readings GROUP BY device_id";
  }

  @Override
  public String resultType() {
    return "struct<count:bigint,mean:double,stddev:double,max:double>";
  }

  @Override
  public List<String> argumentTypes() {
    return List.of("double");
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

  /** The states of many groups in parallel arrays, indexed by group. */
  static final class Accumulator implements GroupsAccumulator<Stats> {
    private long[] counts = new long[0];
    private double[] means = new double[0];
    private double[] m2s = new double[0];
    private double[] maxes = new double[0];

    @Override
    public void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
      grow(numGroups);
      Float8Vector values = (Float8Vector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (values.isNull(i)) {
          continue;
        }
        int g = groupIds[i];
        double x = values.get(i);
        long n = ++counts[g];
        double delta = x - means[g];
        means[g] += delta / n;
        m2s[g] += delta * (x - means[g]);
        maxes[g] = Math.max(maxes[g], x);
      }
    }

    @Override
    public void merge(int groupId, Stats state) {
      grow(groupId + 1);
      Stats into = state(groupId);
      into.add(state);
      counts[groupId] = into.count;
      means[groupId] = into.mean;
      m2s[groupId] = into.m2;
      maxes[groupId] = into.max;
    }

    @Override
    public Stats state(int groupId) {
      Stats state = new Stats();
      if (groupId < counts.length) {
        state.count = counts[groupId];
        state.mean = means[groupId];
        state.m2 = m2s[groupId];
        state.max = maxes[groupId];
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
        out.setIndexDefined(g);
        count.setSafe(g, counts[g]);
        if (counts[g] == 0) {
          mean.setNull(g);
          stddev.setNull(g);
          max.setNull(g);
        } else {
          mean.setSafe(g, means[g]);
          stddev.setSafe(g, Math.sqrt(m2s[g] / counts[g]));
          max.setSafe(g, maxes[g]);
        }
      }
      out.setValueCount(numGroups);
      return out;
    }

    @Override
    public long sizeInBytes() {
      return 32L * counts.length;
    }

    private void grow(int groups) {
      if (groups <= counts.length) {
        return;
      }
      int size = Math.max(groups, Math.max(16, counts.length * 2));
      int from = counts.length;
      counts = Arrays.copyOf(counts, size);
      means = Arrays.copyOf(means, size);
      m2s = Arrays.copyOf(m2s, size);
      maxes = Arrays.copyOf(maxes, size);
      Arrays.fill(maxes, from, size, Double.NEGATIVE_INFINITY);
    }
  }
}

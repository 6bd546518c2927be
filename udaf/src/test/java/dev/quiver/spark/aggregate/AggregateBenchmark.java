package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.spark.Quiver;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.functions;

/**
 * The same aggregation, the mean of a double per key, written four ways and timed in one run:
 * (a) Spark's built-in {@code avg}, (b) a Spark {@link Aggregator} registered with
 * {@code functions.udaf}, (c) a Quiver aggregate with its vectorized form, and (d) the same Quiver
 * aggregate with only the simple form. 10 million rows, with 1 thousand and 1 million groups.
 *
 * <pre>
 * mvn -q -pl udaf -am test -DskipTests -Pbenchmark
 * </pre>
 *
 * Not part of the test suite; times depend on the machine, so only the ratios to (a) in the same
 * run mean anything.
 */
public final class AggregateBenchmark {
  private static final long ROWS = 10_000_000L;
  private static final int ROUNDS = 3;

  private AggregateBenchmark() {}

  public static void main(String[] args) {
    SparkSession spark = session(args.length > 0 ? args[0] : "local[2]");
    spark.udf().register("agg_mean", functions.udaf(new MeanAggregator(), Encoders.DOUBLE()));
    Quiver.register(spark, "q_avg_simple", new SimpleAverage());
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("(a) built-in avg", "avg");
    variants.put("(b) Spark Aggregator (functions.udaf)", "agg_mean");
    variants.put("(c) Quiver, vectorized GroupsAccumulator", "q_avg");
    variants.put("(d) Quiver, simple form only", "q_avg_simple");

    List<String> report = new ArrayList<>();
    for (long groups : new long[] {1_000L, 1_000_000L}) {
      // Round 0 warms up every path at full size (JIT, code generation, heap); the best of the
      // next rounds counts. Rounds interleave the variants so that a busy machine slows all.
      Map<String, Double> best = new LinkedHashMap<>();
      for (int round = 0; round <= ROUNDS; round++) {
        for (Map.Entry<String, String> variant : variants.entrySet()) {
          double seconds = run(spark, variant.getValue(), ROWS, groups);
          if (round > 0) {
            best.merge(variant.getKey(), seconds, Math::min);
          }
        }
      }
      double baseline = best.values().iterator().next();
      report.add(String.format(Locale.ROOT, "%,d rows, %,d groups:", ROWS, groups));
      for (Map.Entry<String, Double> result : best.entrySet()) {
        report.add(String.format(Locale.ROOT, "  %-44s %7.2f s   %5.2fx built-in",
            result.getKey(), result.getValue(), result.getValue() / baseline));
      }
    }
    System.out.println();
    System.out.println("Mean of a double per key, " + spark.sparkContext().master() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, best of " + ROUNDS
        + " runs after a warm-up run:");
    report.forEach(System.out::println);
    spark.stop();
  }

  static SparkSession session(String master) {
    SparkSession spark = SparkSession.builder()
        .master(master)
        .appName("quiver-aggregate-benchmark")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    return spark;
  }

  /** The wall time of one run, in seconds. */
  private static double run(SparkSession spark, String function, long rows, long groups) {
    String sql = "SELECT k, " + function + "(v) AS m FROM (SELECT (id * 7919) % " + groups
        + " AS k, cast(id % 1000 AS double) AS v FROM range(0, " + rows + ", 1, 4)) GROUP BY k";
    long start = System.nanoTime();
    spark.sql(sql).write().format("noop").mode("overwrite").save();
    return (System.nanoTime() - start) / 1e9;
  }

  /** The mean as a Spark Aggregator: what Spark offers for a user-defined aggregate in Java. */
  public static final class MeanAggregator extends Aggregator<Double, MeanBuffer, Double> {
    private static final long serialVersionUID = 1L;

    @Override
    public MeanBuffer zero() {
      return new MeanBuffer();
    }

    @Override
    public MeanBuffer reduce(MeanBuffer buffer, Double value) {
      if (value != null) {
        buffer.setSum(buffer.getSum() + value);
        buffer.setCount(buffer.getCount() + 1);
      }
      return buffer;
    }

    @Override
    public MeanBuffer merge(MeanBuffer a, MeanBuffer b) {
      a.setSum(a.getSum() + b.getSum());
      a.setCount(a.getCount() + b.getCount());
      return a;
    }

    @Override
    public Double finish(MeanBuffer buffer) {
      return buffer.getCount() == 0 ? null : buffer.getSum() / buffer.getCount();
    }

    @Override
    public Encoder<MeanBuffer> bufferEncoder() {
      return Encoders.bean(MeanBuffer.class);
    }

    @Override
    public Encoder<Double> outputEncoder() {
      return Encoders.DOUBLE();
    }
  }

  /** The Aggregator's buffer, a Java bean. */
  public static final class MeanBuffer implements Serializable {
    private static final long serialVersionUID = 1L;
    private double sum;
    private long count;

    public double getSum() {
      return sum;
    }

    public void setSum(double sum) {
      this.sum = sum;
    }

    public long getCount() {
      return count;
    }

    public void setCount(long count) {
      this.count = count;
    }
  }

  /** q_avg without its vectorized form: one state object and one update call per group. */
  public static final class SimpleAverage extends AggregateFixtures.Average {
    private static final long serialVersionUID = 1L;

    public SimpleAverage() {
      super("q_avg_simple");
    }

    @Override
    public GroupsAccumulator<double[]> createGroupsAccumulator() {
      return null;
    }
  }
}

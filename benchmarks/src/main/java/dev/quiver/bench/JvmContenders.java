package dev.quiver.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The JVM row-at-a-time contenders: Java UDF1s, an {@link Aggregator} registered through
 * {@code functions.udaf}, and Dataset group and flat maps for the table-function workloads. The
 * benchmark driver (Python) calls these through the Py4J gateway.
 */
public final class JvmContenders {
  private JvmContenders() {}

  /** Registers the row-at-a-time functions in the session. */
  public static void register(SparkSession spark) {
    spark.udf().register("jvm_arith", new ScalarWorkloads.ArithmeticUdf(), DataTypes.DoubleType);
    spark.udf().register("jvm_normal_cdf", new ScalarWorkloads.NormalCdfUdf(),
        DataTypes.DoubleType);
    spark.udf().register("jvm_upper_suffix", new ScalarWorkloads.UpperSuffixUdf(),
        DataTypes.StringType);
    spark.udf().register("jvm_stats", functions.udaf(new StatsAggregator(), Encoders.DOUBLE()));
  }

  /** Count, mean, population stddev and max: the state. */
  public static final class Stats implements Serializable {
    private long count;
    private double sum;
    private double sumSquares;
    private double max = Double.NEGATIVE_INFINITY;

    public long getCount() {
      return count;
    }

    public void setCount(long count) {
      this.count = count;
    }

    public double getSum() {
      return sum;
    }

    public void setSum(double sum) {
      this.sum = sum;
    }

    public double getSumSquares() {
      return sumSquares;
    }

    public void setSumSquares(double sumSquares) {
      this.sumSquares = sumSquares;
    }

    public double getMax() {
      return max;
    }

    public void setMax(double max) {
      this.max = max;
    }
  }

  /** The result: the same fields as Quiver's summary_stats. */
  public static final class Summary implements Serializable {
    private long count;
    private double mean;
    private double stddev;
    private double max;

    public long getCount() {
      return count;
    }

    public void setCount(long count) {
      this.count = count;
    }

    public double getMean() {
      return mean;
    }

    public void setMean(double mean) {
      this.mean = mean;
    }

    public double getStddev() {
      return stddev;
    }

    public void setStddev(double stddev) {
      this.stddev = stddev;
    }

    public double getMax() {
      return max;
    }

    public void setMax(double max) {
      this.max = max;
    }
  }

  /** Row-at-a-time statistics as a typed Aggregator. */
  public static final class StatsAggregator extends Aggregator<Double, Stats, Summary> {
    @Override
    public Stats zero() {
      return new Stats();
    }

    @Override
    public Stats reduce(Stats s, Double v) {
      if (v != null) {
        s.count++;
        s.sum += v;
        s.sumSquares += v * v;
        s.max = Math.max(s.max, v);
      }
      return s;
    }

    @Override
    public Stats merge(Stats a, Stats b) {
      a.count += b.count;
      a.sum += b.sum;
      a.sumSquares += b.sumSquares;
      a.max = Math.max(a.max, b.max);
      return a;
    }

    @Override
    public Summary finish(Stats s) {
      Summary out = new Summary();
      out.count = s.count;
      if (s.count > 0) {
        out.mean = s.sum / s.count;
        out.stddev = Math.sqrt(Math.max(s.sumSquares / s.count - out.mean * out.mean, 0));
        out.max = s.max;
      }
      return out;
    }

    @Override
    public Encoder<Stats> bufferEncoder() {
      return Encoders.bean(Stats.class);
    }

    @Override
    public Encoder<Summary> outputEncoder() {
      return Encoders.bean(Summary.class);
    }
  }

  private static final StructType DEVICE_STATS = new StructType()
      .add("device_id", DataTypes.IntegerType)
      .add("count", DataTypes.IntegerType)
      .add("mean", DataTypes.DoubleType)
      .add("stddev", DataTypes.DoubleType)
      .add("max_value", DataTypes.IntegerType);

  /** device_stats with groupByKey().flatMapGroups(): one row per device. */
  public static Dataset<Row> deviceStatsFlatMapGroups(SparkSession spark, String table) {
    return spark.table(table)
        .groupByKey((MapFunction<Row, Integer>) r -> r.getInt(0), Encoders.INT())
        .flatMapGroups((FlatMapGroupsFunction<Integer, Row, Row>) (device, rows) -> {
          long count = 0;
          double sum = 0;
          double sumSquares = 0;
          int max = Integer.MIN_VALUE;
          while (rows.hasNext()) {
            Row r = rows.next();
            if (r.isNullAt(1)) {
              continue;
            }
            int v = r.getInt(1);
            count++;
            sum += v;
            sumSquares += (double) v * v;
            max = Math.max(max, v);
          }
          if (count == 0) {
            return List.<Row>of().iterator();
          }
          double mean = sum / count;
          double stddev = Math.sqrt(Math.max(sumSquares / count - mean * mean, 0));
          return List.of(RowFactory.create(device, (int) count, Math.round(mean * 100) / 100.0,
              Math.round(stddev * 100) / 100.0, max)).iterator();
        }, encoder(DEVICE_STATS));
  }

  private static final StructType WORDS = new StructType()
      .add("doc_id", DataTypes.IntegerType)
      .add("word", DataTypes.StringType);

  /** tokenize with flatMap(): one row per word. */
  public static Dataset<Row> tokenizeFlatMap(SparkSession spark, String table) {
    return spark.table(table).flatMap((FlatMapFunction<Row, Row>) r -> {
      if (r.isNullAt(1)) {
        return java.util.Collections.emptyIterator();
      }
      int doc = r.getInt(0);
      List<Row> out = new ArrayList<>();
      for (String word : r.getString(1).split("\\s+")) {
        if (!word.isEmpty()) {
          out.add(RowFactory.create(doc, word));
        }
      }
      Iterator<Row> it = out.iterator();
      return it;
    }, encoder(WORDS));
  }

  private static Encoder<Row> encoder(StructType schema) {
    return Encoders.row(schema);
  }

}

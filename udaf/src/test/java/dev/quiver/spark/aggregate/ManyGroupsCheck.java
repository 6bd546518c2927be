package dev.quiver.spark.aggregate;

import dev.quiver.spark.testing.QueryPlans;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An aggregation with 10 million distinct keys in a small heap: each of the 10 million rows is
 * its own group, so the partial aggregation cannot shrink anything and the final one has to spill.
 * Run with the heap given by {@code -Dbenchmark.heap}:
 *
 * <pre>
 * mvn -q -pl udaf -am test -DskipTests -Pbenchmark \
 *     -Dbenchmark.main=dev.quiver.spark.aggregate.ManyGroupsCheck -Dbenchmark.heap=768m
 * </pre>
 *
 * Exits with status 1 if the result is wrong.
 */
public final class ManyGroupsCheck {
  private static final long KEYS = 10_000_000L;

  private ManyGroupsCheck() {}

  public static void main(String[] args) {
    SparkSession spark = AggregateBenchmark.session("local[2]");
    spark.conf().set("spark.sql.shuffle.partitions", "4");
    // (id * 7919) % 10^7 visits every key once, in scattered order.
    String groups = "SELECT k, %s(v) AS m FROM (SELECT (id * 7919) %% " + KEYS + " AS k, "
        + "cast(id %% 1000 AS double) AS v FROM range(0, " + KEYS + ", 1, 4)) GROUP BY k";
    boolean ok = true;
    for (String function : List.of("q_avg", "q_sum", "avg")) {
      String inner = String.format(Locale.ROOT, groups, function);
      if (function.equals("q_sum")) {
        inner = inner.replace("cast(id % 1000 AS double)", "id % 1000");
      }
      Dataset<Row> df = spark.sql("SELECT count(*), sum(m) FROM (" + inner + ")");
      long start = System.nanoTime();
      Row row;
      try {
        row = df.first();
      } catch (RuntimeException | OutOfMemoryError e) {
        System.out.println(function + " failed: " + e);
        // Spark's own avg is only the reference; the check is about Quiver's aggregates.
        ok &= function.equals("avg");
        continue;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // The values are id % 1000, each group holds one of them.
      double expected = 499.5 * KEYS;
      boolean right = row.getLong(0) == KEYS && ((Number) row.get(1)).doubleValue() == expected;
      ok &= right;
      System.out.printf(Locale.ROOT, "%-6s %,d groups in %.1f s, %s%n", function, row.getLong(0),
          seconds, right ? "correct" : "WRONG: " + row);
      for (QuiverHashAggregateExec op : QueryPlans.operators(df, QuiverHashAggregateExec.class)) {
        System.out.printf(Locale.ROOT, "       %s: %,d rows in, %,d groups, %d early flushes "
            + "or spills, %,d bytes spilled, peak table memory summed over tasks %,d bytes%n",
            op.partialOutput() ? "partial" : "final  ", QueryPlans.metric(op, "numInputRows"),
            QueryPlans.metric(op, "numGroups"), QueryPlans.metric(op, "numSpills"),
            Math.max(0, QueryPlans.metric(op, "spillSize")), QueryPlans.metric(op, "peakMemory"));
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak = Math.max(peak, pool.getPeakUsage().getUsed());
      }
    }
    System.out.printf(Locale.ROOT, "max heap %,d MB; largest heap pool peak %,d MB%n",
        Runtime.getRuntime().maxMemory() >> 20, peak >> 20);
    spark.stop();
    System.exit(ok ? 0 : 1);
  }
}

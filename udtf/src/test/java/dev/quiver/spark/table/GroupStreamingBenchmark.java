package dev.quiver.spark.table;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.arrow.QuiverMemory;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.TableArg;
import org.apache.spark.sql.functions;

/**
 * Shows that one group streams through a table function in bounded batches: the same call over
 * groups of 1 million and 20 million rows under a single key ({@code PARTITION BY k}, and
 * {@code WITH SINGLE PARTITION}, which needs no sort), each in a fresh JVM with a 512 MB heap
 * (the 20-million-row group alone is 320 MB of raw longs, more as Java objects), reporting the
 * peak live heap (the heap in use after a full GC, forced every 500 ms) and the peak Arrow
 * memory of Quiver.
 *
 * <p>Spark's own shuffle and sort buffers are configured off-heap (256 MB, or
 * {@code -Dquiver.benchmark.offHeap=3g}), so that the heap shows what the table-function operator
 * holds; with 256 MB the sort of the 20-million-row group spills to disk.
 *
 * <p>Measured on 2 cores (Spark 4.1.3, batches of 10,000 rows):
 * <pre>
 * grouping               group rows  peak live heap  peak Arrow
 * PARTITION BY k            1000000         47.1 MB      256 KB
 * PARTITION BY k           20000000         71.5 MB      256 KB   (Spark's sort spills and merges)
 * PARTITION BY k (3g)       1000000         49.2 MB      256 KB
 * PARTITION BY k (3g)      20000000         47.5 MB      256 KB   (enough off-heap: no spill)
 * WITH SINGLE PARTITION     1000000         46.3 MB      256 KB
 * WITH SINGLE PARTITION    20000000         46.5 MB      256 KB
 * </pre>
 *
 * <p>Run from the project directory:
 * <pre>
 * mvn -q -pl udtf -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp udtf/target/test-classes:udtf/target/classes:$(cat udtf/target/test-classpath.txt) \
 *     dev.quiver.spark.table.GroupStreamingBenchmark [rows...]
 * </pre>
 */
public final class GroupStreamingBenchmark {
  /** Spark's off-heap memory for shuffle and sort; more of it means fewer sort spills. */
  private static final String OFF_HEAP = "quiver.benchmark.offHeap";

  private static final String[] GROUPINGS = {"PARTITION BY k", "WITH SINGLE PARTITION"};

  private GroupStreamingBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--measure")) {
      measure(Long.parseLong(args[1]), args[2]);
      return;
    }
    List<Long> sizes = MeasuringJvm.sizes(args, List.of(1_000_000L, 20_000_000L));
    System.out.printf("%-22s %12s %8s %10s %7s %15s %13s %8s%n", "grouping", "group rows",
        "batches", "max batch", "sum ok", "peak live heap", "peak Arrow", "seconds");
    for (String grouping : GROUPINGS) {
      for (long rows : sizes) {
        MeasuringJvm.Outcome outcome = MeasuringJvm.run("512m",
            List.of("-D" + OFF_HEAP + "=" + System.getProperty(OFF_HEAP, "256m")),
            GroupStreamingBenchmark.class, List.of("--measure", Long.toString(rows), grouping));
        List<String> results = outcome.results();
        String result = results.isEmpty() ? null : results.get(results.size() - 1);
        System.out.printf("%-22s %s%n", grouping, result != null ? result
            : "run of " + rows + " rows failed: exit " + outcome.exit());
      }
    }
  }

  /** One run, in this JVM: the query, then a line for the parent. */
  private static void measure(long rows, String grouping) throws Exception {
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.memory.offHeap.enabled", "true")
        .config("spark.memory.offHeap.size", System.getProperty(OFF_HEAP, "256m"))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    run(spark, 100_000, grouping); // warm-up

    MeasuringJvm.Sampled<List<Row>> sampled = MeasuringJvm.sampling(500,
        () -> run(spark, rows, grouping));
    List<Row> result = sampled.result();
    Row row = result.get(0);
    long expectedSum = rows * (rows - 1) / 2;
    System.out.printf("RESULT %12d %8d %10d %7s %12.1f MB %10d KB %8.1f%n", row.getLong(1),
        row.getLong(3), row.getLong(4), result.size() == 1 && row.getLong(2) == expectedSum,
        sampled.peakLiveBytes() / 1048576.0, QuiverMemory.peakAllocatedBytes() / 1024,
        sampled.seconds());
    spark.stop();
  }

  /** The group of {@code rows} rows under one key through {@link GroupSum}. */
  private static List<Row> run(SparkSession spark, long rows, String grouping) {
    TableArg table = QuiverTables.asTable(spark.range(rows).selectExpr("0 AS k", "id AS v"));
    table = grouping.startsWith("PARTITION") ? table.partitionBy(functions.col("k"))
        : table.withSinglePartition();
    return QuiverTables.call(spark, new GroupSum(), table).collectAsList();
  }

  /** Rows, sum, batches and largest batch of its one group. */
  public static final class GroupSum extends DeclaredFunction implements TableFunction {
    private long rows;
    private long sum;
    private long batches;
    private long largest;

    public GroupSum() {
      super("group_sum", "k int, rows bigint, sum bigint, batches bigint, largest_batch bigint");
    }

    @Override
    public void startGroup() {
      rows = 0;
      sum = 0;
      batches = 0;
      largest = 0;
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      BigIntVector values = (BigIntVector) table.getVector("v");
      int n = table.getRowCount();
      for (int i = 0; i < n; i++) {
        sum += values.get(i);
      }
      rows += n;
      batches++;
      largest = Math.max(largest, n);
    }

    @Override
    public void terminate(Emitter out) {
      out.emitRow(0, rows, sum, batches, largest);
    }
  }
}

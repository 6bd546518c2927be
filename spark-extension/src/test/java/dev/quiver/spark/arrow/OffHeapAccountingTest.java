package dev.quiver.spark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.FixtureFunction;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * With {@code spark.memory.offHeap.enabled}, Spark's memory manager sees Quiver's Arrow memory
 * and refuses what its off-heap pool cannot hold. Off-heap memory is fixed when a SparkContext
 * starts, so this runs in a JVM of its own rather than in the tests' shared session.
 */
class OffHeapAccountingTest {

  /** Holds {@code megabytes} MiB while it evaluates; returns what Spark counts for its task. */
  public static final class Holder extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    private final int megabytes;

    public Holder(int megabytes) {
      super("holder", "bigint");
      this.megabytes = megabytes;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      List<ArrowBuf> held = new ArrayList<>();
      try {
        for (int i = 0; i < megabytes; i++) {
          held.add(allocator.buffer(1 << 20));
        }
        long seen = TaskContext.get().taskMemoryManager().getMemoryConsumptionForThisTask();
        return fill(new BigIntVector("out", allocator), args.getRowCount(),
            (out, r) -> out.set(r, seen));
      } finally {
        held.forEach(ArrowBuf::close);
      }
    }
  }

  /** The child JVM: a session with 64 MiB of off-heap memory. */
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("offheap")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        .config("spark.memory.offHeap.enabled", "true")
        .config("spark.memory.offHeap.size", "64m")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    Quiver.register(spark, "holder_16m", new Holder(16));
    Quiver.register(spark, "holder_128m", new Holder(128));
    long seen = spark.sql("SELECT max(holder_16m(id)) FROM range(10)").first().getLong(0);
    System.out.println("SEEN " + seen);
    try {
      spark.sql("SELECT max(holder_128m(id)) FROM range(10)").collect();
      System.out.println("REFUSED none");
    } catch (Exception e) {
      String message = e.getMessage().replace('\n', ' ');
      System.out.println("REFUSED " + message);
    }
    System.out.println("LEFT " + QuiverMemory.allocatedBytes());
    spark.stop();
  }

  @Test
  void sparkSeesAndBoundsQuiversMemory() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("-D") || arg.startsWith("-XX")) {
        command.add(arg);
      }
    }
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OffHeapAccountingTest.class.getName());
    // The child's logs go to a file of their own: interleaved with its output they would split
    // its lines.
    File log = File.createTempFile("quiver-offheap", ".log");
    log.deleteOnExit();
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.to(log)).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(3, TimeUnit.MINUTES), output);
    output += "\nlog: " + log;
    assertEquals(0, process.exitValue(), output);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("SEEN (\\d+)").matcher(output);
    long seen = m.find() ? Long.parseLong(m.group(1)) : -1;
    m = java.util.regex.Pattern.compile("REFUSED ([^\\n]*)").matcher(output);
    String refused = m.find() ? m.group(1) : null;
    m = java.util.regex.Pattern.compile("LEFT (\\d+)").matcher(output);
    String left = m.find() ? m.group(1) : null;
    assertTrue(seen >= 16L << 20, "Spark saw " + seen + " bytes for the task:\n" + output);
    assertTrue(refused != null && refused.contains("Quiver function 'holder_128m' failed in eval")
        && refused.contains("spark.memory.offHeap.size"), output);
    assertEquals("0", left, output);
  }
}

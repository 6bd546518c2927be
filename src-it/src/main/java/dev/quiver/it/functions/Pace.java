package dev.quiver.it.functions;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.ScalarFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code it_pace(bigint) -> bigint}: returns its argument, slowly, and tells which JVM runs it; the
 * fault test uses it to kill an executor while a task is running there.
 *
 * <p>Settings ({@code --conf}):
 * <ul>
 *   <li>{@code spark.quiver.function.it_pace.millisPerBatch}: sleep this long per batch (0);</li>
 *   <li>{@code spark.quiver.function.it_pace.markerDir}: when set, each task creates
 *       {@code running-p<partition>-a<attempt>-pid<pid>-t<nanos>} there when it opens the
 *       function and renames it to {@code done-...} when it closes it.</li>
 * </ul>
 */
public final class Pace implements ScalarFunction {
  public static final String MILLIS_PER_BATCH = "spark.quiver.function.it_pace.millisPerBatch";
  public static final String MARKER_DIR = "spark.quiver.function.it_pace.markerDir";

  private long millisPerBatch;
  private Path marker;

  @Override
  public String name() {
    return "it_pace";
  }

  @Override
  public String description() {
    return "Returns its argument, sleeping " + MILLIS_PER_BATCH + " per batch.";
  }

  @Override
  public String resultType() {
    return "bigint";
  }

  @Override
  public List<String> argumentTypes() {
    return List.of("bigint");
  }

  @Override
  public void open(FunctionContext context) throws IOException {
    millisPerBatch = Long.parseLong(context.conf(MILLIS_PER_BATCH, "0").trim());
    String dir = context.conf(MARKER_DIR, "");
    if (!dir.isEmpty()) {
      String task = "p" + context.partitionId() + "-a" + context.attemptNumber()
          + "-pid" + ProcessHandle.current().pid() + "-t" + System.nanoTime();
      marker = Path.of(dir, "running-" + task);
      Files.createDirectories(marker.getParent());
      Files.write(marker, task.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator)
      throws InterruptedException {
    if (millisPerBatch > 0) {
      Thread.sleep(millisPerBatch);
    }
    BigIntVector in = (BigIntVector) args.getVector(0);
    int rows = args.getRowCount();
    BigIntVector out = new BigIntVector(name(), allocator);
    out.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      if (in.isNull(i)) {
        out.setNull(i);
      } else {
        out.set(i, in.get(i));
      }
    }
    out.setValueCount(rows);
    return out;
  }

  @Override
  public void close() throws IOException {
    if (marker != null) {
      String done = marker.getFileName().toString().replaceFirst("^running-", "done-");
      Files.move(marker, marker.resolveSibling(done), StandardCopyOption.ATOMIC_MOVE);
      marker = null;
    }
  }
}

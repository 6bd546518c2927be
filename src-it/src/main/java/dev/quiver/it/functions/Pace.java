package dev.quiver.it.functions;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.scalar.ColumnOp;
import dev.quiver.function.scalar.LongFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.arrow.vector.BigIntVector;

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
public final class Pace extends LongFunction {
  public static final String MILLIS_PER_BATCH = "spark.quiver.function.it_pace.millisPerBatch";
  public static final String MARKER_DIR = "spark.quiver.function.it_pace.markerDir";

  private final PacedCopy copy;
  private Path marker;

  public Pace() {
    this(new PacedCopy());
  }

  private Pace(PacedCopy copy) {
    super("it_pace", copy);
    this.copy = copy;
  }

  @Override
  public String description() {
    return "Returns its argument, sleeping " + MILLIS_PER_BATCH + " per batch.";
  }

  @Override
  public void open(FunctionContext context) throws IOException {
    copy.millisPerBatch = Long.parseLong(context.conf(MILLIS_PER_BATCH, "0").trim());
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
  public void close() throws IOException {
    if (marker != null) {
      String done = marker.getFileName().toString().replaceFirst("^running-", "done-");
      Files.move(marker, marker.resolveSibling(done), StandardCopyOption.ATOMIC_MOVE);
      marker = null;
    }
  }

  /**
   * The batch's values, after the batch's pause. The pause lives in the column op, which the
   * function keeps to set it in {@link #open}, because the short path's eval is final; nulls
   * pass through it as in every {@link LongFunction}.
   */
  private static final class PacedCopy implements ColumnOp<BigIntVector, BigIntVector> {
    private static final long serialVersionUID = 1L;
    private long millisPerBatch;

    @Override
    public void apply(BigIntVector in, BigIntVector out) throws InterruptedException {
      if (millisPerBatch > 0) {
        Thread.sleep(millisPerBatch);
      }
      out.getDataBuffer().setBytes(0, in.getDataBuffer(), 0, 8L * in.getValueCount());
    }
  }
}

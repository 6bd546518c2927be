package dev.quiver.spark.table;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Table functions that emit a lot, or slowly: for the streaming and cancellation tests. */
final class StreamingFixtures {
  private StreamingFixtures() {}

  /** Opens, closes and eval calls of the slow functions, across the local session's tasks. */
  static final AtomicInteger OPENED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();
  static final AtomicLong CALLS = new AtomicLong();

  static void reset() {
    OPENED.set(0);
    CLOSED.set(0);
    CALLS.set(0);
  }

  /**
   * {@code emit_rows(n, mode)}: the rows 0..n-1 from a single eval call, one at a time with
   * emitRow ({@code 'row'}) or in batches of 10,000 rows ({@code 'batch'}).
   */
  public static final class EmitRows extends DeclaredFunction implements TableFunction {
    private static final int BATCH = 10_000;

    public EmitRows() {
      super("emit_rows", "i bigint");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      long n = arguments.getLong(0);
      if (arguments.getString(1).equals("row")) {
        for (long i = 0; i < n; i++) {
          out.emitRow(i);
        }
        return;
      }
      try (VectorSchemaRoot batch = out.newBatch()) {
        BigIntVector values = (BigIntVector) batch.getVector(0);
        values.allocateNew(BATCH);
        for (long start = 0; start < n; start += BATCH) {
          int rows = (int) Math.min(BATCH, n - start);
          for (int r = 0; r < rows; r++) {
            values.set(r, start + r);
          }
          batch.setRowCount(rows);
          out.emit(batch);
        }
      }
    }
  }

  /** Counts its instances for the cancellation tests. */
  private abstract static class Counted extends DeclaredFunction implements TableFunction {
    Counted(String name, String resultSchema) {
      super(name, resultSchema);
    }

    @Override
    public void open(FunctionContext context) {
      OPENED.incrementAndGet();
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  /** {@code slow_batches(TABLE(t), millis)}: sleeps per batch, emits each batch's row count. */
  public static final class SlowBatches extends Counted {
    public SlowBatches() {
      super("slow_batches", "rows bigint");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out)
        throws InterruptedException {
      CALLS.incrementAndGet();
      Thread.sleep(arguments.getLong(0));
      out.emitRow((long) table.getRowCount());
    }
  }

  /**
   * {@code slow_rows(n)}: the rows 0..n-1 from a single eval call, sleeping a millisecond after
   * every 100 rows; {@code CALLS} counts the rows emitted.
   */
  public static final class SlowRows extends Counted {
    public SlowRows() {
      super("slow_rows", "i bigint");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out)
        throws InterruptedException {
      long n = arguments.getLong(0);
      for (long i = 0; i < n; i++) {
        out.emitRow(i);
        CALLS.incrementAndGet();
        if (i % 100 == 99) {
          Thread.sleep(1);
        }
      }
    }
  }
}

package dev.quiver.spark.table;

import dev.quiver.spark.QuiverException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * Runs the {@code eval} and {@code terminate} calls of one task's table-function operator on a
 * worker thread of that task, and hands what they emit to the task's thread in chunks of
 * {@code chunkRows} rows as they fill (a copied batch, {@link EmittedBatch}, is not split: a
 * chunk ends with the row or batch that filled it). A call that emits millions of rows therefore
 * waits for Spark to consume them instead of piling them up: at most three chunks exist at once
 * (one being filled, one handed off, one being read); batches in them are closed once read, or by
 * {@link #close}. The task's thread could not do this alone, because a
 * call can only give rows back to Spark by returning.
 *
 * <p>One call runs at a time, started by the task's thread, which then reads its rows and, once
 * they are all handed over, runs the call's end action; the function instance is thus used by one
 * thread at a time, and everything around the calls (open, close, the input batches) stays on the
 * task's thread. The worker sees the task's {@link TaskContext}. A call's exception reaches the
 * task's thread as it was thrown. While waiting for rows the task's thread checks for task kills,
 * and {@link #close} (from the operator's completion listener, before the instance is closed)
 * stops the worker: it interrupts it, makes every further emit fail, and waits for it to end, so
 * that no call outlives the task and the instance is closed only after its last call returned.
 */
final class StreamedCalls implements AutoCloseable {
  private static final long POLL_MILLIS = 50;

  /** Work for the worker: one or more calls into the function, emitting through the emitter. */
  @FunctionalInterface
  interface Call {
    boolean run();
  }

  /** What the task's thread does with a call's result once its rows are all handed over. */
  @FunctionalInterface
  interface End {
    void accept(boolean result);
  }

  /**
   * A chunk of {@code rows} rows, its items rows and {@link EmittedBatch}es in emitted order; the
   * last one of a call also carries the call's result or failure.
   */
  private record Chunk(List<Object> items, int rows, boolean last, boolean result,
      Throwable failure) {
    /** Closes the chunk's batches from item {@code from} on; rows need no closing. */
    void close(int from) {
      for (int i = from; i < items.size(); i++) {
        if (items.get(i) instanceof EmittedBatch batch) {
          batch.close();
        }
      }
    }
  }

  private static final Chunk NONE = new Chunk(List.of(), 0, false, false, null);

  /** Unwinds a call whose rows nobody will read any more; never seen by the task's thread. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("the task ended; the rest of the call's output is discarded", null, false, false);
    }
  }

  private final String function;
  private final TaskContext task;
  private final int chunkRows;
  private final SQLMetric outputRows;
  private final BlockingQueue<Call> calls = new ArrayBlockingQueue<>(1);
  private final BlockingQueue<Chunk> handoff = new ArrayBlockingQueue<>(1);
  private volatile boolean stopped;
  private Thread worker;

  // Worker side.
  private List<Object> filling = new ArrayList<>();
  private int fillingRows;

  // Task side.
  private Chunk reading = NONE;
  /** The item of {@code reading} read next. */
  private int position;
  private boolean running;
  private End end;

  StreamedCalls(String function, TaskContext task, int chunkRows, SQLMetric outputRows) {
    this.function = function;
    this.task = task;
    this.chunkRows = chunkRows;
    this.outputRows = outputRows;
  }

  /**
   * Starts {@code call} on the worker; its rows come from {@link #hasRow} and {@link #next},
   * and {@code onEnd} runs on the task's thread once the last of them was handed over.
   */
  void start(Call call, End onEnd) {
    if (running || stopped) {
      throw new IllegalStateException("a call of Quiver function '" + function
          + "' is still running or the task has ended");
    }
    if (worker == null) {
      worker = new Thread(this::work, "quiver-" + function + "-task-" + task.taskAttemptId());
      worker.setDaemon(true);
      worker.start();
    }
    running = true;
    end = onEnd;
    calls.add(call);
  }

  /**
   * Whether a row of the running call is ready, waiting for the worker if need be; false once
   * no call runs or the call's rows were all read (its end action has run by then).
   */
  boolean hasRow() {
    while (position >= reading.items().size()) {
      if (!running) {
        return false;
      }
      Chunk chunk = take();
      reading = chunk;
      position = 0;
      outputRows.add(chunk.rows());
      if (chunk.last()) {
        running = false;
        End onEnd = end;
        end = null;
        if (chunk.failure() != null) {
          throw rethrow(chunk.failure());
        }
        onEnd.accept(chunk.result());
      }
    }
    return true;
  }

  /** The next row; only after {@link #hasRow} returned true. */
  InternalRow next() {
    Object item = reading.items().get(position);
    if (item instanceof EmittedBatch batch) {
      InternalRow row = batch.nextRow();
      if (!batch.hasRow()) {
        batch.close();
        position++;
      }
      return row;
    }
    position++;
    return (InternalRow) item;
  }

  /** Emits a row from the running call (on the worker); {@code row} must not be reused. */
  void add(InternalRow row) {
    add(row, 1);
  }

  /** Emits a batch's rows from the running call (on the worker), which this now owns. */
  void add(EmittedBatch batch) {
    add(batch, batch.rows());
  }

  /** A sink for an emitter: rows are copied, batches taken. */
  RowEmitter.Sink copyingSink() {
    return new RowEmitter.Sink() {
      @Override
      public void add(InternalRow row) {
        StreamedCalls.this.add(row.copy());
      }

      @Override
      public boolean takesBatches() {
        return true;
      }

      @Override
      public void add(EmittedBatch batch) {
        StreamedCalls.this.add(batch);
      }
    };
  }

  private void add(Object item, int rows) {
    if (stopped) {
      if (item instanceof EmittedBatch batch) {
        batch.close();
      }
      throw new Abandoned();
    }
    filling.add(item);
    fillingRows += rows;
    if (fillingRows >= chunkRows) {
      hand(takeFilling(false, false));
    }
  }

  /** What the worker has filled, as a chunk; it starts filling a new one. */
  private Chunk takeFilling(boolean last, boolean result) {
    Chunk chunk = new Chunk(filling, fillingRows, last, result, null);
    filling = new ArrayList<>();
    fillingRows = 0;
    return chunk;
  }

  private void work() {
    TaskContext$.MODULE$.setTaskContext(task);
    try {
      while (!stopped) {
        Call call;
        try {
          call = calls.take();
        } catch (InterruptedException e) {
          continue; // from close, or left over from user code: the loop condition decides
        }
        Chunk last;
        try {
          boolean result = call.run();
          last = takeFilling(true, result);
        } catch (Throwable t) {
          takeFilling(false, false).close(0);
          if (stopped) {
            return;
          }
          last = new Chunk(List.of(), 0, true, false, t);
        }
        hand(last);
      }
    } catch (Abandoned stop) {
      // close() was called while the worker waited to hand over a chunk
    } finally {
      TaskContext$.MODULE$.unset();
    }
  }

  /** Waits until the task's thread takes the chunk, or the task ends (then closes it). */
  private void hand(Chunk chunk) {
    boolean interrupted = false;
    try {
      while (true) {
        if (stopped) {
          chunk.close(0);
          throw new Abandoned();
        }
        try {
          if (handoff.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          // close() sets stopped before it interrupts; otherwise user code interrupted its own
          // thread, which must not lose the chunk
          interrupted = true;
        }
      }
    } finally {
      if (interrupted && !stopped) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Chunk take() {
    while (true) {
      task.killTaskIfInterrupted();
      Chunk chunk;
      try {
        chunk = handoff.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        task.killTaskIfInterrupted();
        throw new QuiverException("Quiver function '" + function + "': the task was "
            + "interrupted while waiting for the function's output.");
      }
      if (chunk != null) {
        return chunk;
      }
      if (!worker.isAlive()) {
        throw new IllegalStateException("the worker thread of Quiver function '" + function
            + "' ended during a call");
      }
    }
  }

  private static RuntimeException rethrow(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    // Calls go through TaskFunction.call, which wraps checked exceptions; this is a fallback.
    return new QuiverException(failure.toString(), failure);
  }

  /** Stops the worker and waits for it; idempotent. Rows not yet read are dropped. */
  @Override
  public void close() {
    stopped = true;
    Thread thread = worker;
    if (thread != null) {
      thread.interrupt();
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    running = false;
    end = null;
    // The worker has ended: what it filled, handed or left unread is closed here.
    reading.close(position);
    reading = NONE;
    position = 0;
    Chunk handed = handoff.poll();
    if (handed != null) {
      handed.close(0);
    }
    takeFilling(false, false).close(0);
    calls.clear();
  }
}

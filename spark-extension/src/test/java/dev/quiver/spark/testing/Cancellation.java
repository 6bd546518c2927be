package dev.quiver.spark.testing;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Cancels a running query the way a user or a notebook does: the query runs on its own thread
 * under a job group, and once it is under way another thread cancels it.
 */
public final class Cancellation {
  private Cancellation() {}

  /**
   * How a cancelled query ended: its failure (null if it completed) and the milliseconds from
   * the cancellation until the query's thread saw it end and until {@code stopped} held.
   */
  public record Outcome(Throwable failure, long queryMillis, long stoppedMillis) {}

  /**
   * Runs {@code query} on a new thread under job group {@code group}; once {@code running}
   * holds, calls {@code cancel}, then waits (at most 30 s each) for the query to end and for
   * {@code stopped} to hold: the driver fails a cancelled job at once, while its tasks stop on
   * their own.
   */
  public static Outcome cancelWhileRunning(SparkSession spark, String group,
      boolean interruptOnCancel, Runnable query, BooleanSupplier running,
      Consumer<SparkContext> cancel, BooleanSupplier stopped) throws InterruptedException {
    SparkContext context = spark.sparkContext();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread = new Thread(() -> {
      context.setJobGroup(group, "cancellation test", interruptOnCancel);
      try {
        query.run();
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        context.clearJobGroup();
      }
    }, "query-" + group);
    thread.setDaemon(true);
    thread.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!running.getAsBoolean()) {
      if (!thread.isAlive() || System.currentTimeMillis() > deadline) {
        throw new AssertionError("the query never got under way", failure.get());
      }
      Thread.sleep(5);
    }
    long start = System.nanoTime();
    cancel.accept(context);
    thread.join(30_000);
    long queryMillis = (System.nanoTime() - start) / 1_000_000;
    if (thread.isAlive()) {
      context.cancelJobGroup(group);
      thread.join();
      throw new AssertionError("the query was not cancelled within 30 s");
    }
    long stopDeadline = System.currentTimeMillis() + 30_000;
    while (!stopped.getAsBoolean()) {
      if (System.currentTimeMillis() > stopDeadline) {
        throw new AssertionError("the query's tasks did not stop within 30 s of the "
            + "cancellation");
      }
      Thread.sleep(5);
    }
    return new Outcome(failure.get(), queryMillis, (System.nanoTime() - start) / 1_000_000);
  }
}

package dev.quiver.spark.aggregate;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.function.FunctionContext;
import dev.quiver.spark.testing.Cancellation;
import dev.quiver.spark.testing.QuiverSession;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cancelled job stops its Quiver aggregates within a batch, also over {@code range()}, whose
 * generated code never checks for kills: the functions are closed and no Arrow memory is left
 * (the session checks that after each test).
 */
class AggregateCancelTest extends QuiverSession {
  static final AtomicInteger OPENED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();
  static final AtomicLong UPDATES = new AtomicLong();

  /** {@code slow_sum(bigint)}: sleeps 5 ms per batch it is given; merges or not, by name. */
  public static final class SlowSum extends AggregateFixtures.LongState {
    SlowSum(boolean mergeable) {
      super(mergeable ? "slow_sum" : "slow_sum_unmerged", mergeable, "bigint");
    }

    @Override
    public void open(FunctionContext context) {
      OPENED.incrementAndGet();
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) throws InterruptedException {
      UPDATES.incrementAndGet();
      Thread.sleep(5);
      BigIntVector values = (BigIntVector) args.getVector(0);
      for (int i = 0; i < args.getRowCount(); i++) {
        state[0] += values.get(i);
      }
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  @BeforeAll
  static void register() {
    ensureRegistered(new SlowSum(true), new SlowSum(false));
  }

  private static void cancel(String sql, Consumer<SparkContext> cancel)
      throws InterruptedException {
    OPENED.set(0);
    CLOSED.set(0);
    UPDATES.set(0);
    AtomicLong updatesAtCancel = new AtomicLong();
    Cancellation.Outcome outcome = Cancellation.cancelWhileRunning(spark(), "quiver-cancel-agg",
        false, () -> spark().sql(sql).collectAsList(), () -> UPDATES.get() >= 10, sc -> {
          updatesAtCancel.set(UPDATES.get());
          cancel.accept(sc);
        }, () -> CLOSED.get() == OPENED.get());
    long after = UPDATES.get() - updatesAtCancel.get();
    System.out.printf("%s: query failed %d ms, functions closed %d ms after the cancellation, "
        + "%d batches after it%n", sql, outcome.queryMillis(), outcome.stoppedMillis(), after);
    assertNotNull(outcome.failure(), "the query was cancelled, not completed");
    String messages = messages(outcome.failure());
    assertTrue(messages.contains("cancelled"), messages);
    assertTrue(outcome.stoppedMillis() < 5_000, outcome.stoppedMillis() + " ms");
    // The kill reaches the tasks a few milliseconds after the cancellation; each then finishes
    // at most its current batch.
    assertTrue(after < 100, after + " batches after the cancellation");
  }

  @Test
  void cancelJobGroupStopsAHashAggregate() throws InterruptedException {
    // Two tasks of 5,000 batches, 5 ms each: about 25 s if nothing stopped them.
    cancel("SELECT id % 3 AS k, slow_sum(id) FROM range(0, 100000000, 1, 2) GROUP BY 1",
        sc -> sc.cancelJobGroup("quiver-cancel-agg"));
  }

  @Test
  void cancelAllJobsStopsASortAggregate() throws InterruptedException {
    // One task of 400 batches after the shuffle, 5 ms each.
    cancel("SELECT slow_sum_unmerged(id) FROM range(0, 4000000, 1, 2)",
        SparkContext::cancelAllJobs);
  }
}

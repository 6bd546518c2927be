package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.Cancellation;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cancelled job stops its table functions within a batch, also over {@code range()}, whose
 * generated code never checks for kills: the function is closed and no Arrow memory is left (the
 * session checks that after each test).
 */
class TableFunctionCancelTest extends QuiverSession {
  /** Two tasks of 5,000 batches each, 5 ms per batch: about 25 s if nothing stopped them. */
  private static final String SLOW_BATCHES =
      "SELECT * FROM slow_batches(TABLE(SELECT id FROM range(0, 100000000, 1, 2)), 5)";

  @BeforeAll
  static void register() {
    ensureRegistered(new StreamingFixtures.SlowBatches(), new StreamingFixtures.SlowRows());
  }

  private static Cancellation.Outcome cancel(String sql, boolean interrupt,
      Consumer<SparkContext> cancel, long callsBeforeCancel) throws InterruptedException {
    StreamingFixtures.reset();
    Cancellation.Outcome outcome = Cancellation.cancelWhileRunning(spark(),
        "quiver-cancel-table", interrupt, () -> spark().sql(sql).count(),
        () -> StreamingFixtures.CALLS.get() >= callsBeforeCancel, cancel,
        () -> StreamingFixtures.OPENED.get() > 0
            && StreamingFixtures.CLOSED.get() == StreamingFixtures.OPENED.get());
    System.out.printf("%s (interrupt %s): query failed %d ms, functions closed %d ms after "
        + "the cancellation%n", sql, interrupt, outcome.queryMillis(), outcome.stoppedMillis());
    assertNotNull(outcome.failure(), "the query was cancelled, not completed");
    String messages = messages(outcome.failure());
    assertTrue(messages.contains("cancelled"), messages);
    assertTrue(outcome.stoppedMillis() < 5_000, outcome.stoppedMillis() + " ms");
    assertNoWorkerLeft();
    return outcome;
  }

  /** The threads that ran the calls ended with their tasks. */
  private static void assertNoWorkerLeft() {
    List<String> workers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("quiver-slow_"))
        .map(Thread::getName).toList();
    assertEquals(List.of(), workers, "worker threads still alive");
  }

  @Test
  void limitStopsACallThatEmitsMore() throws InterruptedException {
    StreamingFixtures.reset();
    assertEquals(5, spark().sql("SELECT * FROM slow_rows(10000000) LIMIT 5").collectAsList()
        .size());
    long deadline = System.currentTimeMillis() + 5_000;
    while (StreamingFixtures.CLOSED.get() != StreamingFixtures.OPENED.get()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(StreamingFixtures.OPENED.get(), StreamingFixtures.CLOSED.get(), "closed");
    // The call ran on only until the chunks between it and Spark were full.
    assertTrue(StreamingFixtures.CALLS.get() < 100_000, StreamingFixtures.CALLS.get() + " rows");
    assertNoWorkerLeft();
  }

  @Test
  void cancelJobGroupStopsEachTaskWithinABatch() throws InterruptedException {
    AtomicLong callsAtCancel = new AtomicLong();
    cancel(SLOW_BATCHES, false, sc -> {
      callsAtCancel.set(StreamingFixtures.CALLS.get());
      sc.cancelJobGroup("quiver-cancel-table");
    }, 20);
    long callsAtStop = StreamingFixtures.CALLS.get();
    Thread.sleep(200);
    assertEquals(callsAtStop, StreamingFixtures.CALLS.get(), "batches after the tasks stopped");
    // The kill reaches the tasks a few milliseconds after the cancellation; each task then
    // ends its current batch and starts no other.
    long after = callsAtStop - callsAtCancel.get();
    System.out.println("batches evaluated after the cancellation: " + after);
    assertTrue(after < 100, after + " batches after the cancellation");
  }

  @Test
  void cancelJobGroupWithInterruptStopsASleepingCall() throws InterruptedException {
    cancel(SLOW_BATCHES.replace(", 5)", ", 200)"), true,
        sc -> sc.cancelJobGroup("quiver-cancel-table"), 2);
  }

  @Test
  void cancelAllJobsStopsACallThatEmitsWithoutEnd() throws InterruptedException {
    // One call emitting 10 million rows, 100 per millisecond: almost two minutes uncancelled.
    cancel("SELECT * FROM slow_rows(10000000)", false, SparkContext::cancelAllJobs, 30_000);
    assertTrue(StreamingFixtures.CALLS.get() < 1_000_000, StreamingFixtures.CALLS.get()
        + " rows emitted");
  }
}

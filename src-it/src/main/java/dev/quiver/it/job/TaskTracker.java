package dev.quiver.it.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Records, per job group (one per check of the {@link SqlJob}), which executors ran successful
 * tasks, which tasks failed and why and how many run now, and which executors joined and left the
 * application.
 * Events arrive on Spark's listener thread; {@link #report} is called after the context stopped.
 *
 * <p>Spark creates it, through {@code spark.extraListeners}, before the context asks for
 * executors: a listener added after the session started misses the executors that registered in
 * the meantime, and would report a replacement where there was none.
 */
public final class TaskTracker extends SparkListener {
  private static final String JOB_GROUP = "spark.jobGroup.id";
  private static final AtomicReference<TaskTracker> CREATED = new AtomicReference<>();

  private final Map<Integer, String> stageGroups = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> successfulOn = new TreeMap<>();
  private final Map<String, List<String>> failures = new TreeMap<>();
  private final Map<String, Integer> stageAttempts = new TreeMap<>();
  private final Map<String, String> executorsAdded = new TreeMap<>();
  private final Map<String, String> executorsRemoved = new TreeMap<>();
  private final Map<String, Integer> running = new TreeMap<>();

  /** For Spark's {@code spark.extraListeners}; {@link #created} hands the instance to the job. */
  public TaskTracker() {
    if (!CREATED.compareAndSet(null, this)) {
      throw new IllegalStateException("one TaskTracker per driver JVM");
    }
  }

  /** The tracker Spark created for this application's context. */
  static TaskTracker created() {
    TaskTracker tracker = CREATED.get();
    if (tracker == null) {
      throw new IllegalStateException("Spark created no TaskTracker: spark.extraListeners lacks "
          + TaskTracker.class.getName());
    }
    return tracker;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    String group = event.properties() == null ? null : event.properties().getProperty(JOB_GROUP);
    if (group != null) {
      stageGroups.put(event.stageInfo().stageId(), group);
      synchronized (this) {
        stageAttempts.merge(group, 1, Integer::sum);
      }
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart event) {
    running.merge(stageGroups.getOrDefault(event.stageId(), "(no check)"), 1, Integer::sum);
    notifyAll();
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd event) {
    String group = stageGroups.getOrDefault(event.stageId(), "(no check)");
    running.merge(group, -1, Integer::sum);
    notifyAll();
    String executor = event.taskInfo().executorId();
    if (event.reason() instanceof TaskFailedReason) {
      String why = ((TaskFailedReason) event.reason()).toErrorString().split("\n", 2)[0];
      failures.computeIfAbsent(group, g -> new ArrayList<>())
          .add("stage " + event.stageId() + "." + event.stageAttemptId() + " partition "
              + event.taskInfo().partitionId() + " on executor " + executor + ": " + why);
    } else if (event.taskInfo().successful()) {
      successfulOn.computeIfAbsent(group, g -> new TreeSet<>()).add(executor);
    }
  }

  @Override
  public synchronized void onExecutorAdded(SparkListenerExecutorAdded event) {
    executorsAdded.put(event.executorId(), event.executorInfo().executorHost());
  }

  @Override
  public synchronized void onExecutorRemoved(SparkListenerExecutorRemoved event) {
    executorsRemoved.put(event.executorId(), event.reason());
  }

  /** How many tasks of a job group run now, as far as the events seen so far tell. */
  synchronized int running(String group) {
    return running.getOrDefault(group, 0);
  }

  /**
   * Waits at most {@code timeoutMillis} until as many tasks as {@code atLeast} (when
   * {@code atLeast} &gt; 0) or none (when it is 0) of a job group run; returns how many run then.
   */
  synchronized int awaitRunning(String group, int atLeast, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (atLeast > 0 ? running(group) < atLeast : running(group) > 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return running(group);
  }

  synchronized void report(Properties report) {
    report.setProperty("executors.added", String.join(",", executorsAdded.keySet()));
    report.setProperty("executors.removed", String.join(",", executorsRemoved.keySet()));
    executorsAdded.forEach((id, host) -> report.setProperty("executor." + id + ".host", host));
    executorsRemoved.forEach((id, why) -> report.setProperty("executor." + id + ".removed", why));
    successfulOn.forEach((group, executors) ->
        report.setProperty("check." + group + ".executors", String.join(",", executors)));
    stageAttempts.forEach((group, stages) ->
        report.setProperty("check." + group + ".stages", String.valueOf(stages)));
    failures.forEach((group, list) -> {
      report.setProperty("check." + group + ".failedTasks", String.valueOf(list.size()));
      for (int i = 0; i < list.size(); i++) {
        report.setProperty("check." + group + ".failure." + i, list.get(i));
      }
    });
  }
}

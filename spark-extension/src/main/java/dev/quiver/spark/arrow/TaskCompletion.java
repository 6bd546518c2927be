package dev.quiver.spark.arrow;

import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/** A task completion listener from a Java lambda. */
public final class TaskCompletion implements TaskCompletionListener {
  private final Runnable action;

  public TaskCompletion(Runnable action) {
    this.action = action;
  }

  @Override
  public void onTaskCompletion(TaskContext context) {
    action.run();
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.execution.TaskScope;
import dev.quiver.spark.catalog.FunctionHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BasePredicate;
import org.apache.spark.sql.catalyst.expressions.Predicate$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The calls of one task, one {@link ScalarCalls} per guard: each batch of the operator's input
 * is gathered per guard into the rows that need its calls, the calls run on those rows only, and
 * their results are scattered back to the batch's positions (see {@link ScatteredVector}).
 */
final class ConditionalCalls implements AutoCloseable {
  private final ScalarEvalExec.Evaluation plan;
  private final TaskContext task;
  private final TaskScope scope;
  private final Group[] groups;
  private KeptColumns kept;
  private int rows;

  /** One guard's calls and the batch positions of the rows gathered for them. */
  private static final class Group {
    final CallGroup spec;
    final ScalarCalls calls;
    final BasePredicate guard;
    final UnsafeProjection computed;
    int[] positions = new int[0];
    /** Over a columnar batch, the rows the guard holds on. */
    int[] selected = new int[0];
    int gathered;

    Group(CallGroup spec, ScalarEvalExec.Evaluation plan, TaskScope scope) {
      TaskContext task = scope.task();
      this.spec = spec;
      int partition = task.partitionId();
      // Guards are deterministic; initializing costs nothing and keeps a later change safe.
      this.guard = spec.guard == null ? null
          : Predicate$.MODULE$.create(spec.guard, plan.input());
      if (guard != null) {
        guard.initialize(partition);
      }
      this.computed = spec.computed.isEmpty() ? null
          : UnsafeProjection.create(spec.computed, plan.input());
      if (computed != null) {
        computed.initialize(partition);
      }
      this.calls = new ScalarCalls(spec, scope);
    }

    void position(int row, int at) {
      if (row == positions.length) {
        positions = Arrays.copyOf(positions, Math.max(1024, 2 * row));
      }
      positions[row] = at;
    }
  }

  ConditionalCalls(ScalarEvalExec.Evaluation plan, TaskContext task) {
    this.plan = plan;
    this.task = task;
    this.scope = TaskScope.open(task);
    this.groups = new Group[plan.groups().length];
    for (int g = 0; g < groups.length; g++) {
      groups[g] = new Group(plan.groups()[g], plan, scope);
    }
  }

  /** Keeps the input columns the output reads with every batch of rows written; returns them. */
  KeptColumns keep(ScalarEvalExec.Evaluation plan) {
    List<FunctionHandle> functions = new ArrayList<>();
    for (Group group : groups) {
      functions.addAll(Arrays.asList(group.spec.functions));
    }
    kept = new KeptColumns(plan.keptSchema(), plan.keptOrdinals(), plan.groups()[0].timeZone,
        functions.toArray(new FunctionHandle[0]), scope);
    return kept;
  }

  /** Forgets the previous batch's arguments and results. */
  private void reset() {
    if (kept != null) {
      kept.reset();
    }
    for (Group group : groups) {
      group.calls.reset();
      group.gathered = 0;
    }
    rows = 0;
  }

  /** Appends one input row to the batch of every guard that holds on it. */
  void write(InternalRow row) {
    if (kept != null) {
      kept.write(row);
    }
    for (Group group : groups) {
      if (group.guard == null || group.guard.eval(row)) {
        group.calls.write(row, group.computed == null ? null : group.computed.apply(row));
        group.position(rows, group.gathered++);
      } else {
        group.position(rows, -1);
      }
    }
    rows++;
  }

  /**
   * For generated code that writes values itself: group {@code g}'s argument batch, written for
   * the rows its guard holds on, each completed by {@link #gathered}; {@link #skipped} for the
   * others; the kept columns' batch (or null); after each row, {@link #rowWritten}.
   */
  RowBatchWriter argumentWriter(int g) {
    return groups[g].calls.writer();
  }

  RowBatchWriter keptWriter() {
    return kept == null ? null : kept.writer();
  }

  void gathered(int g) {
    Group group = groups[g];
    group.calls.writer().next();
    // Only a guarded group's results are scattered back to the rows' positions.
    if (group.guard != null) {
      group.position(rows, group.gathered);
    }
    group.gathered++;
  }

  int[] positions(int g) {
    return groups[g].positions;
  }

  void skipped(int g) {
    groups[g].position(rows, -1);
  }

  void rowWritten() {
    if (kept != null) {
      kept.writer().next();
    }
    rows++;
  }

  /** Group {@code g}'s arguments, or the kept columns, did not fit in the task's Arrow memory. */
  QuiverException argumentsTooLarge(int g, OutOfMemoryException e) {
    return groups[g].calls.argumentsTooLarge(e);
  }

  QuiverException keptTooLarge(OutOfMemoryException e) {
    return kept.tooLarge(e);
  }

  /** Writes a whole columnar batch, whose call arguments are all plain columns. */
  void write(ColumnarBatch batch) {
    int count = batch.numRows();
    for (Group group : groups) {
      if (group.guard == null) {
        group.calls.write(batch);
        group.gathered = count;
        continue;
      }
      // The guard row by row, then the arguments of the rows it holds on column by column.
      if (group.selected.length < count) {
        group.selected = new int[Math.max(count, 2 * group.selected.length)];
      }
      int[] selected = group.selected;
      int gathered = 0;
      for (int r = 0; r < count; r++) {
        if (group.guard.eval(batch.getRow(r))) {
          group.position(r, gathered);
          selected[gathered++] = r;
        } else {
          group.position(r, -1);
        }
      }
      group.calls.write(batch, selected, gathered);
      group.gathered = gathered;
    }
    rows = count;
  }

  /** Evaluates every call on its rows of the batch; returns one column per call, in order. */
  ColumnVector[] evaluate() {
    ColumnVector[] columns = new ColumnVector[plan.results().size()];
    for (Group group : groups) {
      // No row of this batch needs the calls: they are not called on an empty batch.
      ColumnVector[] results = group.guard != null && group.gathered == 0
          ? new ColumnVector[group.spec.functions.length] : group.calls.evaluate();
      for (int c = 0; c < results.length; c++) {
        int index = group.spec.callIndexes[c];
        columns[index] = group.guard == null ? results[c] : new ScatteredVector(
            group.spec.resultSchema.fields()[c].dataType(), results[c], group.positions, rows);
      }
    }
    plan.metrics().inputRows.add(rows);
    plan.metrics().outputRows.add(rows);
    plan.metrics().batches.add(1);
    return columns;
  }

  /** Forgets the previous batch; stops when the task was cancelled. */
  void startBatch() {
    reset();
    task.killTaskIfInterrupted();
  }

  /**
   * Starts a batch if {@code input} has more: forgets the previous batch, and stops when the task
   * was cancelled (sources such as range() never check). At the end of input closes the calls
   * and returns false.
   */
  boolean nextBatch(scala.collection.Iterator<?> input) {
    startBatch();
    if (!input.hasNext()) {
      close();
      return false;
    }
    return true;
  }

  /**
   * End of input: closes every guard's calls now, so that a leak fails this task rather than
   * later, also when closing one of them fails; the task's end closes them otherwise.
   */
  @Override
  public void close() {
    scope.close();
  }
}

package dev.quiver.spark.aggregate;

import dev.quiver.spark.QuiverException;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.execution.TaskScope;
import dev.quiver.spark.shims.SparkShims;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Final$;
import org.apache.spark.sql.execution.UnsafeKVExternalSorter;
import scala.Function1;
import scala.Option;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * What the tasks of a Quiver aggregate operator run over each partition: a record, shipped
 * without the operator and its driver-side state.
 */
record AggregatePartitions(Seq<NamedExpression> grouping, Seq<AggregateExpression> aggregates,
    Seq<Attribute> aggregateAttributes, int initialInputBufferOffset,
    Seq<NamedExpression> resultExpressions, Seq<Attribute> input, boolean partialOutput,
    boolean sortedInput, int batchSize, int maxGroups, String timeZone, AggregateMetrics metrics)
    implements Function1<Iterator<InternalRow>, Iterator<InternalRow>>, Serializable {

  @Override
  public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
    return new Aggregation(this, rows, TaskContext.get());
  }

  /**
   * Drives a {@link GroupTable} over a partition. Three ways to run out of room in the table:
   * <ul>
   *   <li>a partial aggregation emits all its groups' buffers and goes on with an empty table
   *       (the final aggregation merges the duplicates);</li>
   *   <li>a final aggregation spills all groups' buffers, sorted by key, and at the end merges
   *       the sorted runs one group after another into a small table;</li>
   *   <li>over input sorted by key, every group in the table is complete once a new key
   *       arrives, so the table is finished and emitted before that key.</li>
   * </ul>
   */
  private static final class Aggregation extends AbstractIterator<InternalRow> {
    private final AggregatePartitions plan;
    private final TaskContext task;
    private Iterator<InternalRow> input;
    private TaskScope scope;
    private TaskAggregate[] functions;
    private GroupTable table;
    private UnsafeKVExternalSorter sorter;
    private boolean sorted;
    private boolean merging;
    private boolean started;
    private boolean emitting;
    private boolean inputDone;
    private boolean finished;
    private InternalRow pending;
    private InternalRow nextRow;
    private long inputRows;
    private long outputRows;
    private int sinceKillCheck;

    Aggregation(AggregatePartitions plan, Iterator<InternalRow> input, TaskContext task) {
      this.plan = plan;
      this.input = input;
      this.task = task;
      this.sorted = plan.sortedInput;
    }

    @Override
    public boolean hasNext() {
      if (nextRow != null) {
        return true;
      }
      if (!started) {
        started = true;
        // Like Spark: a grouped aggregate of nothing is nothing, without opening functions.
        if (plan.grouping.nonEmpty() && !input.hasNext()) {
          finished = true;
        } else {
          start();
        }
      }
      while (!finished) {
        if (emitting) {
          checkKilled();
          InternalRow out = table.nextOutput();
          if (out != null) {
            nextRow = out;
            outputRows++;
            return true;
          }
          emitting = false;
          if (inputDone && pending == null) {
            finish();
            return false;
          }
          table.reset();
          continue;
        }
        consume();
      }
      return false;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow row = nextRow;
      nextRow = null;
      return row;
    }

    /**
     * Fails the task if it was killed, once per batch's worth of rows in or out: sources such
     * as range() do not check, and a slow function would otherwise run on to the end.
     */
    private void checkKilled() {
      if (++sinceKillCheck >= plan.batchSize) {
        sinceKillCheck = 0;
        task.killTaskIfInterrupted();
      }
    }

    private void start() {
      List<AggregateExpression> aggregates = Scala.list(plan.aggregates);
      functions = new TaskAggregate[aggregates.size()];
      scope = TaskScope.open(task);
      TaskScope functionScope = scope.nested();
      // The scope closes in reverse: states and batches before the functions check that their
      // allocators are empty.
      scope.add(this::releaseTable);
      for (int i = 0; i < functions.length; i++) {
        if (aggregates.get(i).aggregateFunction() instanceof AggregateCall call) {
          functions[i] = TaskAggregate.open(call, functionScope, plan.timeZone);
        }
      }
      table = new GroupTable(plan.grouping, aggregates, plan.aggregateAttributes,
          plan.resultExpressions, plan.input, plan.initialInputBufferOffset, functions,
          plan.partialOutput, plan.batchSize, plan.maxGroups, task, plan.metrics);
    }

    private boolean mayAddGroup() {
      return !sorted || (table.numGroups() < plan.batchSize && !table.isFull());
    }

    private void consume() {
      while (true) {
        checkKilled();
        InternalRow row;
        if (pending != null) {
          row = pending;
          pending = null;
        } else if (input.hasNext()) {
          row = input.next();
          if (!merging) {
            inputRows++;
          }
        } else {
          inputDone = true;
          break;
        }
        if (!table.add(row, mayAddGroup())) {
          if (table.numGroups() == 0) {
            throw GroupTable.outOfMemory(describe());
          }
          pending = row.copy();
          break;
        }
        if (!sorted && table.isFull()) {
          break;
        }
      }
      if (!plan.partialOutput && !sorted) {
        if (!inputDone) {
          spill();
          return;
        }
        if (sorter != null) {
          spill();
          mergeSpills();
          return;
        }
      }
      if (!inputDone) {
        plan.metrics.spills.add(sorted ? 0 : 1);
      }
      table.startEmit(plan.partialOutput);
      emitting = true;
    }

    private void spill() {
      try {
        table.spillTo(this::sorter);
      } catch (IOException e) {
        throw new QuiverException("Could not spill the groups of " + describe() + ": " + e, e);
      }
      plan.metrics.spills.add(1);
    }

    private UnsafeKVExternalSorter sorter() {
      if (sorter == null) {
        SparkEnv env = SparkEnv.get();
        try {
          sorter = SparkShims.newKVExternalSorter(GroupTable.keySchema(plan.grouping),
              GroupTable.bufferSchema(Scala.list(plan.aggregates)), env.blockManager(),
              env.serializerManager(), task.taskMemoryManager().pageSizeBytes(), env.conf());
        } catch (IOException e) {
          throw new QuiverException("Could not spill the groups of " + describe() + ": " + e, e);
        }
      }
      return sorter;
    }

    /** Continues with the spilled runs, merged in key order, as a sorted input of buffers. */
    private void mergeSpills() {
      List<Attribute> groupingAttributes = new ArrayList<>();
      for (NamedExpression g : Scala.list(plan.grouping)) {
        groupingAttributes.add(g.toAttribute());
      }
      List<Attribute> buffers = new ArrayList<>(groupingAttributes);
      List<AggregateExpression> finals = new ArrayList<>();
      for (AggregateExpression ae : Scala.list(plan.aggregates)) {
        buffers.addAll(Scala.list(ae.aggregateFunction().inputAggBufferAttributes()));
        finals.add(ae.copy(ae.aggregateFunction(), Final$.MODULE$, ae.isDistinct(),
            Option.empty(), ae.resultId()));
      }
      table.close();
      @SuppressWarnings({"unchecked", "rawtypes"})
      Seq<NamedExpression> keys = (Seq) Scala.seq(groupingAttributes);
      table = new GroupTable(keys, finals, plan.aggregateAttributes, plan.resultExpressions,
          Scala.seq(buffers), groupingAttributes.size(), functions, false, plan.batchSize,
          plan.maxGroups, task, plan.metrics);
      try {
        input = new SortedRuns(sorter.sortedIterator());
      } catch (IOException e) {
        throw new QuiverException("Could not read back the spilled groups of " + describe()
            + ": " + e, e);
      }
      plan.metrics.spillSize.add(sorter.getSpillSize());
      sorted = true;
      merging = true;
      inputDone = false;
    }

    private String describe() {
      List<String> names = new ArrayList<>();
      for (TaskAggregate f : functions) {
        if (f != null) {
          names.add(f.name());
        }
      }
      return "Quiver aggregate " + names;
    }

    /** End of the partition: release everything now, so a leak fails this task. */
    private void finish() {
      finished = true;
      plan.metrics.inputRows.add(inputRows);
      plan.metrics.outputRows.add(outputRows);
      inputRows = 0;
      outputRows = 0;
      release();
    }

    private void release() {
      if (scope != null) {
        scope.close();
      }
    }

    private void releaseTable() {
      try {
        if (table != null) {
          table.close();
        }
      } finally {
        if (sorter != null) {
          sorter.cleanupResources();
        }
      }
    }
  }

  /** The spilled groups in key order, as rows of the grouping key followed by the buffers. */
  private static final class SortedRuns extends AbstractIterator<InternalRow> {
    private final UnsafeKVExternalSorter.KVSorterIterator runs;
    private final JoinedRow row = new JoinedRow();
    private boolean ready;
    private boolean done;

    SortedRuns(UnsafeKVExternalSorter.KVSorterIterator runs) {
      this.runs = runs;
    }

    @Override
    public boolean hasNext() {
      if (!ready && !done) {
        try {
          ready = runs.next();
        } catch (IOException e) {
          throw new QuiverException("Could not read back spilled aggregation groups: " + e, e);
        }
        if (!ready) {
          done = true;
          runs.close();
        }
      }
      return ready;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      return row.apply(runs.getKey(), runs.getValue());
    }
  }
}

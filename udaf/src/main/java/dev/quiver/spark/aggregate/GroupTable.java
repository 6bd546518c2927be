package dev.quiver.spark.aggregate;

import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.execution.TaskScope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BasePredicate;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Predicate;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateMode;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.DeclarativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.NoOp$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Partial$;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.UnsafeKVExternalSorter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;

/**
 * The groups one task aggregates in memory, split as DataFusion splits them: {@link GroupKeys}
 * interns keys into dense group ids (and holds the built-in aggregates' buffers, see
 * {@link BuiltinBuffers}), one {@link AggregateSlot} per Quiver aggregate holds its states and
 * the rows waiting for the next Arrow batch, and {@link StateMemory} reserves the states' heap.
 * This class routes each row and writes the output: every group's buffers (for the next phase,
 * a shuffle or a spill file) or every group's results.
 *
 * <p>What a row means depends on each aggregate's mode, exactly as in Spark's aggregation
 * iterators: in Partial and Complete mode it is an input row, whose arguments are added to the
 * group; in PartialMerge and Final mode it carries the group's buffers from an earlier phase,
 * which are merged.
 */
final class GroupTable implements AutoCloseable {
  private final int batchSize;
  private final GroupKeys keys;
  private final BuiltinBuffers builtins;
  private final AggregateSlot[] slots;
  /** The position of each slot's aggregate among all aggregates, for results. */
  private final int[] resultPositions;
  private final AggregateMetrics metrics;
  private final StateMemory memory;

  // output in the buffer layout: grouping columns, then every aggregate's buffer columns
  private final UnsafeProjection bufferProjection;
  private final UnsafeProjection spillValueProjection;
  private final SpecificInternalRow statesRow;
  private final JoinedRow valueAndStates = new JoinedRow();
  private final JoinedRow keyAndRest = new JoinedRow();
  /**
   * Writes the buffer layout directly where it is one integral key and Quiver states only:
   * without the projection over joined rows, and the states copied from Arrow memory.
   */
  private final UnsafeRowWriter partialWriter;
  // output of results
  private final SpecificInternalRow aggregateResult;
  private final UnsafeProjection resultProjection;

  private int sinceFlush;
  private boolean full;
  private boolean emitPartial;
  private boolean closed;

  /**
   * @param functions the opened Quiver function of each aggregate; null for built-ins
   */
  GroupTable(Seq<NamedExpression> grouping, List<AggregateExpression> aggregates,
      Seq<Attribute> aggregateAttributes, Seq<NamedExpression> resultExpressions,
      Seq<Attribute> input, int initialInputBufferOffset, TaskAggregate[] functions,
      boolean partialOutput, int batchSize, int maxGroups, TaskContext task,
      AggregateMetrics metrics) {
    this.batchSize = batchSize;
    this.metrics = metrics;
    int partition = task.partitionId();

    AttributeReference groupId = new AttributeReference("quiver_group_id",
        DataTypes.IntegerType, false, Metadata.empty(), NamedExpression.newExprId(), Scala.seq());
    List<Attribute> valueAttributes = new ArrayList<>(List.of(groupId));
    List<Expression> initialValues = new ArrayList<>(List.of(Literal.create(0,
        DataTypes.IntegerType)));
    List<Expression> processExpressions = new ArrayList<>(List.of(NoOp$.MODULE$));
    List<Expression> resultExpressionsOfBuiltins = new ArrayList<>();
    List<Attribute> stateAttributes = new ArrayList<>();
    List<Expression> bufferColumns = new ArrayList<>();
    List<AggregateSlot> slotList = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    boolean anyBuiltin = false;
    int inputBufferOffset = initialInputBufferOffset;
    // Slots hold Arrow buffers and user states from the start: a failure later in building the
    // table (a function's createState, the key map's first allocation) must close them.
    try {
      for (int i = 0; i < aggregates.size(); i++) {
        AggregateExpression ae = aggregates.get(i);
        AggregateMode mode = ae.mode();
        boolean updating = mode == Partial$.MODULE$ || mode == Complete$.MODULE$;
        if (ae.aggregateFunction() instanceof AggregateCall call) {
          if (updating) {
            UnsafeProjection arguments = UnsafeProjection.create(call.children(), input);
            arguments.initialize(partition);
            BasePredicate filter = null;
            if (ae.filter().isDefined()) {
              filter = Predicate.create(ae.filter().get(), input);
              filter.initialize(partition);
            }
            slotList.add(AggregateSlot.updating(functions[i], arguments,
                GroupKeys.ordinals(call.children(), input), filter,
                QuiverMemory.taskAllocator(task), batchSize));
          } else {
            slotList.add(AggregateSlot.merging(functions[i], inputBufferOffset,
                QuiverMemory.taskAllocator(task), batchSize));
            inputBufferOffset += 1;
          }
          positions.add(i);
          Attribute state = call.aggBufferAttributes().head();
          stateAttributes.add(state);
          bufferColumns.add(state);
          resultExpressionsOfBuiltins.add(NoOp$.MODULE$);
        } else {
          DeclarativeAggregate d = (DeclarativeAggregate) ae.aggregateFunction();
          anyBuiltin = true;
          List<AttributeReference> buffer = Scala.list(d.aggBufferAttributes());
          valueAttributes.addAll(buffer);
          bufferColumns.addAll(buffer);
          initialValues.addAll(Scala.list(d.initialValues()));
          if (updating) {
            List<Expression> updates = Scala.list(d.updateExpressions());
            if (ae.filter().isDefined()) {
              for (int b = 0; b < updates.size(); b++) {
                updates.set(b, new If(ae.filter().get(), updates.get(b), buffer.get(b)));
              }
            }
            processExpressions.addAll(updates);
          } else {
            processExpressions.addAll(Scala.list(d.mergeExpressions()));
            inputBufferOffset += buffer.size();
          }
          resultExpressionsOfBuiltins.add(d.evaluateExpression());
        }
      }
      this.slots = slotList.toArray(new AggregateSlot[0]);
      this.resultPositions = positions.stream().mapToInt(Integer::intValue).toArray();

      UnsafeRow template = UnsafeProjection.create(Scala.seq(initialValues))
          .apply(new GenericInternalRow(0)).copy();
      List<Attribute> processInput = new ArrayList<>(valueAttributes);
      processInput.addAll(Scala.list(input));
      this.builtins = anyBuiltin ? new BuiltinBuffers(processExpressions, processInput,
          partialOutput ? null : resultExpressionsOfBuiltins, valueAttributes, partition) : null;

      List<Attribute> groupingAttributes = new ArrayList<>();
      for (NamedExpression g : Scala.list(grouping)) {
        groupingAttributes.add(g.toAttribute());
      }
      List<Attribute> valueAndStateAttributes = new ArrayList<>(valueAttributes);
      valueAndStateAttributes.addAll(stateAttributes);
      List<Attribute> keyValueStates = new ArrayList<>(groupingAttributes);
      keyValueStates.addAll(valueAndStateAttributes);
      List<Expression> partialColumns = new ArrayList<>(groupingAttributes);
      partialColumns.addAll(bufferColumns);
      this.statesRow = new SpecificInternalRow(binaryTypes(stateAttributes.size()));
      this.bufferProjection = UnsafeProjection.create(Scala.seq(partialColumns),
          Scala.seq(keyValueStates));
      this.spillValueProjection = UnsafeProjection.create(Scala.seq(bufferColumns),
          Scala.seq(valueAndStateAttributes));
      if (partialOutput) {
        this.aggregateResult = null;
        this.resultProjection = null;
      } else {
        List<DataType> resultTypes = new ArrayList<>();
        for (Attribute a : Scala.list(aggregateAttributes)) {
          resultTypes.add(a.dataType());
        }
        this.aggregateResult = new SpecificInternalRow(Scala.seq(resultTypes));
        List<Attribute> resultInput = new ArrayList<>(groupingAttributes);
        resultInput.addAll(Scala.list(aggregateAttributes));
        this.resultProjection = UnsafeProjection.create(GroupKeys.upcast(resultExpressions),
            Scala.seq(resultInput));
        this.resultProjection.initialize(partition);
      }

      this.keys = GroupKeys.create(grouping, input, template, anyBuiltin, maxGroups,
          task.taskMemoryManager());
      this.partialWriter = partialOutput && builtins == null && keys instanceof LongGroupKeys
          ? new UnsafeRowWriter(1 + slots.length) : null;
      this.memory = new StateMemory(task.taskMemoryManager());
    } catch (Throwable t) {
      for (AggregateSlot slot : slotList) {
        try {
          slot.close();
        } catch (RuntimeException e) {
          t.addSuppressed(e);
        }
      }
      throw t;
    }
  }

  private static Seq<DataType> binaryTypes(int n) {
    List<DataType> types = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      types.add(DataTypes.BinaryType);
    }
    return Scala.seq(types);
  }

  int numGroups() {
    return keys.numGroups();
  }

  /** Whether the table should be flushed or spilled: Spark granted no more memory. */
  boolean isFull() {
    return full || keys.isFull();
  }

  boolean hasKeys() {
    return keys.hasKeys();
  }

  /**
   * Adds a row to its group.
   *
   * @param mayAddGroup whether the row may start a new group
   * @return false when the row belongs to a new group and the table takes no more: it was not
   *     added, and the table must be emitted or spilled first
   */
  boolean add(InternalRow row, boolean mayAddGroup) {
    int group = keys.groupOf(row, mayAddGroup);
    if (group < 0) {
      return false;
    }
    if (builtins != null) {
      builtins.update(keys.value(), row);
    }
    for (AggregateSlot slot : slots) {
      slot.add(row, group);
    }
    if (++sinceFlush >= batchSize) {
      flushUpdates();
    }
    return true;
  }

  /**
   * Passes the rows gathered so far to the functions: one Arrow batch per function to update, or
   * one column of states to merge.
   */
  void flushUpdates() {
    sinceFlush = 0;
    long states = keys.heapBytes();
    for (AggregateSlot slot : slots) {
      slot.flush(keys.numGroups(), metrics);
      states += slot.states().sizeInBytes();
    }
    if (!memory.reserve(states) && keys.hasKeys()) {
      full = true;
    }
  }

  // ---- emitting

  /** Starts emitting every group: its buffers ({@code partial}) or its results. */
  void startEmit(boolean partial) {
    flushUpdates();
    metrics.peakMemory.set(Math.max(metrics.peakMemory.value(), memoryUsed()));
    metrics.groups.add(keys.numGroups());
    emitPartial = partial;
    for (AggregateSlot slot : slots) {
      long start = System.nanoTime();
      if (partial) {
        slot.states().encodeAll(keys.numGroups());
      } else {
        slot.states().finishAll(keys.numGroups());
      }
      metrics.functionTime.add(System.nanoTime() - start);
    }
    keys.startIteration();
  }

  /** The next output row, or null when every group was emitted. */
  InternalRow nextOutput() {
    UnsafeRow key = keys.next();
    if (key == null) {
      return null;
    }
    UnsafeRow value = keys.value();
    int group = value.getInt(0);
    long start = System.nanoTime();
    if (emitPartial && partialWriter != null) {
      partialWriter.reset();
      partialWriter.zeroOutNullBytes();
      if (key.isNullAt(0)) {
        partialWriter.setNullAt(0);
      } else {
        // The key's 8-byte slot as it is: an int key is stored widened, as the projection does.
        partialWriter.write(0, key.getLong(0));
      }
      for (int s = 0; s < slots.length; s++) {
        slots[s].states().writeEncodedState(group, partialWriter, 1 + s);
      }
      metrics.functionTime.add(System.nanoTime() - start);
      return partialWriter.getRow();
    }
    if (emitPartial) {
      encodedStates(group);
      metrics.functionTime.add(System.nanoTime() - start);
      return bufferProjection.apply(keyAndRest.apply(key, valueAndStates.apply(value, statesRow)));
    }
    if (builtins != null) {
      builtins.results(value, aggregateResult);
    }
    for (int s = 0; s < slots.length; s++) {
      aggregateResult.update(resultPositions[s], slots[s].states().result(group));
    }
    metrics.functionTime.add(System.nanoTime() - start);
    return resultProjection.apply(keyAndRest.apply(key, aggregateResult));
  }

  private void encodedStates(int group) {
    for (int s = 0; s < slots.length; s++) {
      statesRow.update(s, slots[s].states().encodedState(group));
    }
  }

  /**
   * Writes every group's buffers into the sorter, keyed by group, and empties the table. The
   * sorter is asked for only once the map is being read destructively: creating it needs memory,
   * which Spark can then take from the map's pages not read yet.
   */
  void spillTo(Supplier<UnsafeKVExternalSorter> sorters) throws IOException {
    flushUpdates();
    metrics.peakMemory.set(Math.max(metrics.peakMemory.value(), memoryUsed()));
    for (AggregateSlot slot : slots) {
      slot.states().encodeAll(keys.numGroups());
    }
    keys.startIteration();
    // The states and any heap key table are dropped right after: hand their reservation to the
    // sorter, as the map's destructive iterator hands it the pages already read.
    memory.release();
    UnsafeKVExternalSorter sorter = sorters.get();
    for (UnsafeRow key = keys.next(); key != null; key = keys.next()) {
      UnsafeRow value = keys.value();
      encodedStates(value.getInt(0));
      sorter.insertKV(key, spillValueProjection.apply(valueAndStates.apply(value, statesRow)));
    }
    reset();
  }

  /** The schema of the grouping key, for a sorter of spilled groups. */
  static StructType keySchema(Seq<NamedExpression> grouping) {
    List<Attribute> attributes = new ArrayList<>();
    for (NamedExpression g : Scala.list(grouping)) {
      attributes.add(g.toAttribute());
    }
    return DataTypeUtils.fromAttributes(Scala.seq(attributes));
  }

  /** The schema of the spilled buffers: every aggregate's buffer columns. */
  static StructType bufferSchema(List<AggregateExpression> aggregates) {
    List<Attribute> attributes = new ArrayList<>();
    for (AggregateExpression ae : aggregates) {
      attributes.addAll(Scala.list(ae.aggregateFunction().aggBufferAttributes()));
    }
    return DataTypeUtils.fromAttributes(Scala.seq(attributes));
  }

  /** Empties the table for more groups, keeping its memory pages as Spark allows. */
  void reset() {
    for (AggregateSlot slot : slots) {
      slot.resetStates();
    }
    keys.reset();
    memory.release();
    full = false;
  }

  private long memoryUsed() {
    return keys.memoryUsed() + memory.getUsed();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = TaskScope.closeAll(Arrays.asList(slots));
    keys.close();
    memory.release();
    if (failure != null) {
      throw failure;
    }
  }

  static QuiverException outOfMemory(String what) {
    return new QuiverException("Not enough memory for a single group of " + what
        + "; give executors more memory (spark.executor.memory) or lower "
        + AggregateConf.MAX_GROUPS + ".");
  }
}

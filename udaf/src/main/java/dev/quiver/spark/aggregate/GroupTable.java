package dev.quiver.spark.aggregate;

import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.catalyst.Scala;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BasePredicate;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.MutableProjection;
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
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.UnsafeKVExternalSorter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.map.BytesToBytesMap;
import scala.collection.immutable.Seq;

/**
 * The groups one task aggregates in memory: a hash table from grouping key to a dense group id
 * and the buffers of built-in aggregates (a {@link BytesToBytesMap} in Spark's managed memory),
 * and for each Quiver aggregate its {@link GroupStates} with the rows waiting for the next Arrow
 * batch.
 *
 * <p>What a row means depends on each aggregate's mode, exactly as in Spark's aggregation
 * iterators: in Partial and Complete mode it is an input row, whose arguments are added to the
 * group; in PartialMerge and Final mode it carries the group's buffers from an earlier phase,
 * which are merged. The table then either emits every group's buffers (for the next phase, a
 * shuffle or a spill) or every group's results.
 */
final class GroupTable implements AutoCloseable {
  private static final int INITIAL_CAPACITY = 1 << 14;

  private final int numKeys;
  private final int batchSize;
  private final int maxGroups;
  private final UnsafeProjection keyProjection;
  private final UnsafeRow emptyKey;
  private final UnsafeRow template;
  private final MutableProjection builtins;
  private final JoinedRow builtinInput = new JoinedRow();
  private final Slot[] slots;
  private final AggregateMetrics metrics;
  /** Null unless the table is keyed by one integral column and holds no built-in buffers. */
  private final KeyCache keyCache;

  // output in the buffer layout: grouping columns, then every aggregate's buffer columns
  private final UnsafeProjection bufferProjection;
  private final UnsafeProjection spillValueProjection;
  private final SpecificInternalRow statesRow;
  private final JoinedRow valueAndStates = new JoinedRow();
  private final JoinedRow keyAndRest = new JoinedRow();
  // output of results
  private final MutableProjection builtinResults;
  private final SpecificInternalRow aggregateResult;
  private final UnsafeProjection resultProjection;

  private final TaskMemoryManager memoryManager;
  /**
   * The keyed groups. It is read with its destructive iterator, which lets Spark spill the pages
   * not read yet when whatever consumes the output (a sorter, a shuffle) needs memory; after that
   * it is freed and replaced.
   */
  private BytesToBytesMap map;
  private final UnsafeRow singleValue;
  private final UnsafeRow value;
  private final StateMemory memory;
  private int numGroups;
  private int sinceFlush;
  private boolean full;
  private BytesToBytesMap.MapIterator entries;
  private boolean singleEmitted;
  private boolean emitPartial;
  private boolean closed;

  /** One Quiver aggregate of the table. */
  private static final class Slot {
    final TaskAggregate function;
    final boolean merging;
    final int inputOrdinal;
    final UnsafeProjection arguments;
    /** Where each argument is in the input row when all are plain columns; otherwise null. */
    final int[] argumentOrdinals;
    final BasePredicate filter;
    final RowBatchWriter writer;
    /** The group of each row waiting for the next batch (update) or merge. */
    int[] groupIds;
    /** Serialized states waiting to be merged. */
    byte[][] pendingStates;
    final int resultPosition;
    final int batchSize;
    int rows;
    GroupStates states;

    Slot(TaskAggregate function, boolean merging, int inputOrdinal, UnsafeProjection arguments,
        int[] argumentOrdinals, BasePredicate filter, RowBatchWriter writer, int batchSize,
        int resultPosition) {
      this.function = function;
      this.merging = merging;
      this.inputOrdinal = inputOrdinal;
      this.arguments = arguments;
      this.argumentOrdinals = argumentOrdinals;
      this.filter = filter;
      this.writer = writer;
      // Grown as rows arrive: a large batch size costs nothing on small input.
      this.batchSize = batchSize;
      this.groupIds = new int[Math.min(batchSize, 1024)];
      this.pendingStates = merging ? new byte[groupIds.length][] : null;
      this.resultPosition = resultPosition;
      this.states = GroupStates.create(function);
    }
  }

  /** Makes room for one more row in {@code slot}'s batch. */
  private static void ensureRoom(Slot slot) {
    if (slot.rows == slot.groupIds.length) {
      int size = (int) Math.min(slot.batchSize, 2L * slot.rows);
      slot.groupIds = java.util.Arrays.copyOf(slot.groupIds, size);
      if (slot.pendingStates != null) {
        slot.pendingStates = java.util.Arrays.copyOf(slot.pendingStates, size);
      }
    }
  }

  /**
   * @param functions the opened Quiver function of each aggregate; null for built-ins
   */
  GroupTable(Seq<NamedExpression> grouping, List<AggregateExpression> aggregates,
      Seq<Attribute> aggregateAttributes, Seq<NamedExpression> resultExpressions,
      Seq<Attribute> input, int initialInputBufferOffset, TaskAggregate[] functions,
      boolean partialOutput, int batchSize, int maxGroups, TaskContext task,
      AggregateMetrics metrics) {
    this.numKeys = grouping.size();
    this.batchSize = batchSize;
    this.maxGroups = maxGroups;
    this.metrics = metrics;
    int partition = task.partitionId();
    this.keyProjection = UnsafeProjection.create(upcast(grouping), input);
    this.emptyKey = UnsafeProjection.create(new DataType[0]).apply(new GenericInternalRow(0))
        .copy();

    AttributeReference groupId = new AttributeReference("quiver_group_id",
        DataTypes.IntegerType, false, Metadata.empty(), NamedExpression.newExprId(), Scala.seq());
    List<Attribute> valueAttributes = new ArrayList<>(List.of(groupId));
    List<Expression> initialValues = new ArrayList<>(List.of(Literal.create(0,
        DataTypes.IntegerType)));
    List<Expression> processExpressions = new ArrayList<>(List.of(NoOp$.MODULE$));
    List<Expression> resultExpressionsOfBuiltins = new ArrayList<>();
    List<Attribute> stateAttributes = new ArrayList<>();
    List<Expression> bufferColumns = new ArrayList<>();
    List<Slot> slotList = new ArrayList<>();
    boolean anyBuiltin = false;
    int inputBufferOffset = initialInputBufferOffset;
    for (int i = 0; i < aggregates.size(); i++) {
      AggregateExpression ae = aggregates.get(i);
      AggregateMode mode = ae.mode();
      boolean updating = mode == Partial$.MODULE$ || mode == Complete$.MODULE$;
      if (ae.aggregateFunction() instanceof AggregateCall call) {
        UnsafeProjection arguments = null;
        int[] argumentOrdinals = null;
        BasePredicate filter = null;
        RowBatchWriter writer = null;
        int inputOrdinal = -1;
        if (updating) {
          arguments = UnsafeProjection.create(call.children(), input);
          arguments.initialize(partition);
          argumentOrdinals = ordinals(call.children(), input);
          if (ae.filter().isDefined()) {
            filter = Predicate.create(ae.filter().get(), input);
            filter.initialize(partition);
          }
          writer = new RowBatchWriter(functions[i].argumentSchema(), functions[i].timeZone(),
              QuiverMemory.taskAllocator(task));
        } else {
          inputOrdinal = inputBufferOffset;
          inputBufferOffset += 1;
        }
        slotList.add(new Slot(functions[i], !updating, inputOrdinal, arguments, argumentOrdinals,
            filter, writer, batchSize, i));
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
    this.slots = slotList.toArray(new Slot[0]);

    StructType valueSchema = DataTypeUtils.fromAttributes(Scala.seq(valueAttributes));
    this.template = UnsafeProjection.create(Scala.seq(initialValues))
        .apply(new GenericInternalRow(0)).copy();
    this.value = new UnsafeRow(valueSchema.length());
    List<Attribute> processInput = new ArrayList<>(valueAttributes);
    processInput.addAll(Scala.list(input));
    this.builtins = anyBuiltin
        ? MutableProjection.create(Scala.seq(processExpressions), Scala.seq(processInput)) : null;
    if (builtins != null) {
      builtins.initialize(partition);
    }

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
      this.builtinResults = null;
      this.aggregateResult = null;
      this.resultProjection = null;
    } else {
      List<DataType> resultTypes = new ArrayList<>();
      for (Attribute a : Scala.list(aggregateAttributes)) {
        resultTypes.add(a.dataType());
      }
      this.aggregateResult = new SpecificInternalRow(Scala.seq(resultTypes));
      this.builtinResults = anyBuiltin ? MutableProjection.create(
          Scala.seq(resultExpressionsOfBuiltins), Scala.seq(valueAttributes)) : null;
      List<Attribute> resultInput = new ArrayList<>(groupingAttributes);
      resultInput.addAll(Scala.list(aggregateAttributes));
      this.resultProjection = UnsafeProjection.create(upcast(resultExpressions),
          Scala.seq(resultInput));
      this.resultProjection.initialize(partition);
    }

    this.keyCache = anyBuiltin ? null : KeyCache.create(grouping, input);

    this.memoryManager = task.taskMemoryManager();
    this.memory = new StateMemory(memoryManager);
    if (numKeys > 0) {
      this.map = newMap();
      this.singleValue = null;
    } else {
      this.map = null;
      this.singleValue = template.copy();
      this.numGroups = 1; // a global aggregate has its one group even without input
    }
  }

  /** Where each expression is in the input, when every one is a plain input column. */
  private static int[] ordinals(Seq<Expression> expressions, Seq<Attribute> input) {
    List<Expression> list = Scala.list(expressions);
    List<Attribute> columns = Scala.list(input);
    int[] ordinals = new int[list.size()];
    for (int i = 0; i < ordinals.length; i++) {
      ordinals[i] = list.get(i) instanceof Attribute a ? Scala.ordinalOf(columns, a) : -1;
      if (ordinals[i] < 0) {
        return null;
      }
    }
    return ordinals;
  }

  /**
   * A small open-addressing table from a single integral grouping column's value to its group,
   * in front of the {@link BytesToBytesMap}: a hit skips building the key row, hashing its bytes
   * and comparing them, which is most of the per-row cost with few distinct keys. It holds at
   * most {@link #CAPACITY} / 2 keys (so its memory is fixed and small, and a miss costs few
   * probes); further keys go to the map only. Once full, it watches its hit rate and switches
   * itself off while most lookups miss (many distinct keys, little repetition), until the table
   * is emptied.
   */
  private static final class KeyCache {
    static final int CAPACITY = 1 << 16;
    static final int WINDOW = 1 << 16;
    final int ordinal;
    final DataType type;
    final long[] keys = new long[CAPACITY];
    /** The group + 1 of each slot; 0 for an empty slot. */
    final int[] groups = new int[CAPACITY];
    int size;
    boolean enabled = true;
    int lookups;
    int hits;

    private KeyCache(int ordinal, DataType type) {
      this.ordinal = ordinal;
      this.type = type;
    }

    static KeyCache create(Seq<NamedExpression> grouping, Seq<Attribute> input) {
      if (grouping.size() != 1) {
        return null;
      }
      DataType type = ((Expression) grouping.head()).dataType();
      boolean integral = type == DataTypes.LongType || type == DataTypes.IntegerType
          || type == DataTypes.DateType || type == DataTypes.ShortType
          || type == DataTypes.ByteType;
      int[] ordinal = ordinals(upcast(grouping), input);
      return integral && ordinal != null ? new KeyCache(ordinal[0], type) : null;
    }

    long keyOf(InternalRow row) {
      if (type == DataTypes.LongType) {
        return row.getLong(ordinal);
      }
      if (type == DataTypes.ShortType) {
        return row.getShort(ordinal);
      }
      if (type == DataTypes.ByteType) {
        return row.getByte(ordinal);
      }
      return row.getInt(ordinal);
    }

    int get(long key) {
      int mask = CAPACITY - 1;
      int group = -1;
      for (int slot = hash(key) & mask; groups[slot] != 0; slot = (slot + 1) & mask) {
        if (keys[slot] == key) {
          group = groups[slot] - 1;
          break;
        }
      }
      if (size >= CAPACITY / 2) {
        hits += group >= 0 ? 1 : 0;
        if (++lookups == WINDOW) {
          enabled = hits >= WINDOW / 2;
          lookups = 0;
          hits = 0;
        }
      }
      return group;
    }

    void put(long key, int group) {
      if (group < 0 || size >= CAPACITY / 2) {
        return;
      }
      int mask = CAPACITY - 1;
      int slot = hash(key) & mask;
      while (groups[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      groups[slot] = group + 1;
      size++;
    }

    void clear() {
      if (size > 0) {
        java.util.Arrays.fill(groups, 0);
        size = 0;
      }
      enabled = true;
      lookups = 0;
      hits = 0;
    }

    private static int hash(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }

  private BytesToBytesMap newMap() {
    return new BytesToBytesMap(memoryManager, INITIAL_CAPACITY, memoryManager.pageSizeBytes());
  }

  private static Seq<DataType> binaryTypes(int n) {
    List<DataType> types = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      types.add(DataTypes.BinaryType);
    }
    return Scala.seq(types);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Seq<Expression> upcast(Seq<?> expressions) {
    return (Seq) expressions;
  }

  int numGroups() {
    return numGroups;
  }

  /** Whether the table should be flushed or spilled: Spark granted no more memory. */
  boolean isFull() {
    return full;
  }

  boolean hasKeys() {
    return numKeys > 0;
  }

  /**
   * Adds a row to its group.
   *
   * @param mayAddGroup whether the row may start a new group
   * @return false when the row belongs to a new group and the table takes no more: it was not
   *     added, and the table must be emitted or spilled first
   */
  boolean add(InternalRow row, boolean mayAddGroup) {
    int group;
    if (keyCache != null && keyCache.enabled && !row.isNullAt(keyCache.ordinal)) {
      long key = keyCache.keyOf(row);
      group = keyCache.get(key);
      if (group < 0) {
        group = groupOf(keyProjection.apply(row), mayAddGroup);
        keyCache.put(key, group);
      }
    } else {
      group = groupOf(keyProjection.apply(row), mayAddGroup);
    }
    if (group < 0) {
      return false;
    }
    if (builtins != null) {
      builtins.target(value).apply(builtinInput.apply(value, row));
    }
    for (Slot slot : slots) {
      if (slot.merging) {
        if (!row.isNullAt(slot.inputOrdinal)) {
          ensureRoom(slot);
          slot.pendingStates[slot.rows] = row.getBinary(slot.inputOrdinal);
          slot.groupIds[slot.rows++] = group;
        }
      } else if (slot.filter == null || slot.filter.eval(row)) {
        if (slot.argumentOrdinals != null) {
          int[] ordinals = slot.argumentOrdinals;
          for (int a = 0; a < ordinals.length; a++) {
            slot.writer.write(a, row, ordinals[a]);
          }
          slot.writer.next();
        } else {
          slot.writer.write(slot.arguments.apply(row));
        }
        ensureRoom(slot);
        slot.groupIds[slot.rows++] = group;
      }
    }
    if (++sinceFlush >= batchSize) {
      flushUpdates();
    }
    return true;
  }

  private int groupOf(UnsafeRow key, boolean mayAddGroup) {
    if (numKeys == 0) {
      value.pointTo(singleValue.getBaseObject(), singleValue.getBaseOffset(),
          singleValue.getSizeInBytes());
      return 0;
    }
    BytesToBytesMap.Location location = map.lookup(key.getBaseObject(), key.getBaseOffset(),
        key.getSizeInBytes());
    if (!location.isDefined()) {
      if (!mayAddGroup || numGroups >= maxGroups) {
        return -1;
      }
      template.setInt(0, numGroups);
      if (!location.append(key.getBaseObject(), key.getBaseOffset(), key.getSizeInBytes(),
          template.getBaseObject(), template.getBaseOffset(), template.getSizeInBytes())) {
        full = true; // Spark granted no page for the new entry
        return -1;
      }
      numGroups++;
    }
    value.pointTo(location.getValueBase(), location.getValueOffset(),
        location.getValueLength());
    return value.getInt(0);
  }

  /**
   * Passes the rows gathered so far to the functions: one Arrow batch per function to update, or
   * the states to merge.
   */
  void flushUpdates() {
    sinceFlush = 0;
    for (Slot slot : slots) {
      if (slot.rows == 0) {
        continue;
      }
      long start = System.nanoTime();
      try {
        if (slot.merging) {
          slot.states.merge(slot.groupIds, slot.pendingStates, slot.rows);
        } else {
          slot.states.update(slot.writer.finish(), slot.groupIds, numGroups);
        }
      } finally {
        metrics.functionTime.add(System.nanoTime() - start);
        if (slot.merging) {
          java.util.Arrays.fill(slot.pendingStates, 0, slot.rows, null);
        } else {
          slot.writer.reset();
          metrics.batches.add(1);
        }
        slot.rows = 0;
      }
    }
    long states = 0;
    for (Slot slot : slots) {
      states += slot.states.sizeInBytes();
    }
    if (!memory.reserve(states) && numKeys > 0) {
      full = true;
    }
  }

  // ---- emitting

  /** Starts emitting every group: its buffers ({@code partial}) or its results. */
  void startEmit(boolean partial) {
    flushUpdates();
    metrics.peakMemory.set(Math.max(metrics.peakMemory.value(), memoryUsed()));
    metrics.groups.add(numGroups);
    emitPartial = partial;
    if (!partial) {
      for (Slot slot : slots) {
        long start = System.nanoTime();
        slot.states.finishAll(numGroups);
        metrics.functionTime.add(System.nanoTime() - start);
      }
    }
    entries = map == null ? null : map.destructiveIterator();
    singleEmitted = false;
  }

  /** The next output row, or null when every group was emitted. */
  InternalRow nextOutput() {
    if (map == null) {
      if (singleEmitted) {
        return null;
      }
      singleEmitted = true;
      value.pointTo(singleValue.getBaseObject(), singleValue.getBaseOffset(),
          singleValue.getSizeInBytes());
      return output(emptyKey);
    }
    if (!entries.hasNext()) {
      return null;
    }
    BytesToBytesMap.Location location = entries.next();
    UnsafeRow key = new UnsafeRow(numKeys);
    key.pointTo(location.getKeyBase(), location.getKeyOffset(), location.getKeyLength());
    value.pointTo(location.getValueBase(), location.getValueOffset(), location.getValueLength());
    return output(key);
  }

  private InternalRow output(UnsafeRow key) {
    int group = value.getInt(0);
    long start = System.nanoTime();
    if (emitPartial) {
      serializeStates(group);
      metrics.functionTime.add(System.nanoTime() - start);
      return bufferProjection.apply(keyAndRest.apply(key, valueAndStates.apply(value, statesRow)));
    }
    if (builtinResults != null) {
      builtinResults.target(aggregateResult).apply(value);
    }
    for (Slot slot : slots) {
      aggregateResult.update(slot.resultPosition, slot.states.result(group));
    }
    metrics.functionTime.add(System.nanoTime() - start);
    return resultProjection.apply(keyAndRest.apply(key, aggregateResult));
  }

  private void serializeStates(int group) {
    for (int s = 0; s < slots.length; s++) {
      statesRow.update(s, slots[s].function.serialize(slots[s].states.state(group)));
    }
  }

  /**
   * Writes every group's buffers into the sorter, keyed by group, and empties the table. The
   * sorter is asked for only once the map is being read destructively: creating it needs memory,
   * which Spark can then take from the map's pages not read yet.
   */
  void spillTo(java.util.function.Supplier<UnsafeKVExternalSorter> sorters) throws IOException {
    flushUpdates();
    metrics.peakMemory.set(Math.max(metrics.peakMemory.value(), memoryUsed()));
    BytesToBytesMap.MapIterator all = map.destructiveIterator();
    UnsafeKVExternalSorter sorter = sorters.get();
    UnsafeRow key = new UnsafeRow(numKeys);
    while (all.hasNext()) {
      BytesToBytesMap.Location location = all.next();
      key.pointTo(location.getKeyBase(), location.getKeyOffset(), location.getKeyLength());
      value.pointTo(location.getValueBase(), location.getValueOffset(),
          location.getValueLength());
      serializeStates(value.getInt(0));
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
    entries = null;
    for (Slot slot : slots) {
      slot.states.close();
      slot.states = null;
      slot.states = GroupStates.create(slot.function);
    }
    if (map != null) {
      map.free();
      map = newMap();
      numGroups = 0;
    }
    if (keyCache != null) {
      keyCache.clear();
    }
    memory.release();
    full = false;
  }

  private long memoryUsed() {
    return (map == null ? 0 : map.getTotalMemoryConsumption()) + memory.getUsed();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    entries = null;
    RuntimeException failure = null;
    for (Slot slot : slots) {
      try {
        if (slot.states != null) {
          slot.states.close();
        }
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      } finally {
        if (slot.writer != null) {
          slot.writer.close();
        }
      }
    }
    if (map != null) {
      map.free();
    }
    memory.release();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The heap the functions' states take, reserved from Spark's execution memory so that the
   * memory manager can refuse it and make the table flush or spill.
   */
  private static final class StateMemory extends MemoryConsumer {
    StateMemory(TaskMemoryManager manager) {
      super(manager, manager.pageSizeBytes(), MemoryMode.ON_HEAP);
    }

    // Only getUsed(): the field behind it is a long in Spark 4.1 and an AtomicLong in 4.2.

    /** Reserves up to {@code bytes} in total; false if Spark granted less. */
    boolean reserve(long bytes) {
      long used = getUsed();
      if (bytes > used) {
        long wanted = bytes - used;
        return acquireMemory(wanted) >= wanted;
      }
      if (bytes < used) {
        freeMemory(used - bytes);
      }
      return true;
    }

    void release() {
      long used = getUsed();
      if (used > 0) {
        freeMemory(used);
      }
    }

    /** States live on the heap as the functions keep them; the table spills them as a whole. */
    @Override
    public long spill(long size, MemoryConsumer trigger) {
      return 0L;
    }
  }

  static QuiverException outOfMemory(String what) {
    return new QuiverException("Not enough memory for a single group of " + what
        + "; give executors more memory (spark.executor.memory) or lower "
        + AggregateConf.MAX_GROUPS + ".");
  }
}

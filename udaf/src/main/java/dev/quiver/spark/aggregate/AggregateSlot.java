package dev.quiver.spark.aggregate;

import dev.quiver.spark.arrow.RowBatchWriter;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BasePredicate;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

/**
 * One Quiver aggregate of a {@link GroupTable}: its {@link GroupStates} and the rows waiting for
 * them. Updating (Partial and Complete mode), each row's arguments go into an Arrow batch with
 * the row's group id, and a full batch goes to the states in one call. Merging (PartialMerge and
 * Final mode), each row's encoded state is copied into a binary Arrow column, and the column
 * goes to the states in one {@code mergeBatch} call.
 */
final class AggregateSlot implements AutoCloseable {
  final TaskAggregate function;
  final boolean merging;
  private final int inputOrdinal;
  private final UnsafeProjection arguments;
  /** Where each argument is in the input row when all are plain columns; otherwise null. */
  private final int[] argumentOrdinals;
  private final BasePredicate filter;
  private final RowBatchWriter writer;
  /** Encoded states waiting to be merged. */
  private final VarBinaryVector pendingStates;
  private final int batchSize;
  /** The group of each row waiting for the next batch (update) or merge. */
  private int[] groupIds;
  private int rows;
  private GroupStates states;

  /** A slot that adds input rows: their arguments, where the filter (if any) holds. */
  static AggregateSlot updating(TaskAggregate function, UnsafeProjection arguments,
      int[] argumentOrdinals, BasePredicate filter, BufferAllocator allocator, int batchSize) {
    RowBatchWriter writer = new RowBatchWriter(function.argumentSchema(), function.timeZone(),
        allocator);
    return new AggregateSlot(function, false, -1, arguments, argumentOrdinals, filter, writer,
        null, batchSize);
  }

  /** A slot that merges the encoded states in column {@code inputOrdinal} of its rows. */
  static AggregateSlot merging(TaskAggregate function, int inputOrdinal,
      BufferAllocator allocator, int batchSize) {
    return new AggregateSlot(function, true, inputOrdinal, null, null, null, null,
        new VarBinaryVector("states", allocator), batchSize);
  }

  private AggregateSlot(TaskAggregate function, boolean merging, int inputOrdinal,
      UnsafeProjection arguments, int[] argumentOrdinals, BasePredicate filter,
      RowBatchWriter writer, VarBinaryVector pendingStates, int batchSize) {
    this.function = function;
    this.merging = merging;
    this.inputOrdinal = inputOrdinal;
    this.arguments = arguments;
    this.argumentOrdinals = argumentOrdinals;
    this.filter = filter;
    this.writer = writer;
    this.pendingStates = pendingStates;
    // Grown as rows arrive: a large batch size costs nothing on small input.
    this.batchSize = batchSize;
    this.groupIds = new int[Math.min(batchSize, 1024)];
    try {
      this.states = GroupStates.create(function);
    } catch (RuntimeException | Error e) { // the function's createGroupsAccumulator, or memory
      if (writer != null) {
        writer.close();
      }
      if (pendingStates != null) {
        pendingStates.close();
      }
      throw e;
    }
  }

  GroupStates states() {
    return states;
  }

  /** Adds {@code row} of group {@code group} to the waiting rows. */
  void add(InternalRow row, int group) {
    if (merging) {
      if (row.isNullAt(inputOrdinal)) {
        return;
      }
      appendBinary(pendingStates, rows, row, inputOrdinal);
    } else if (filter == null || filter.eval(row)) {
      if (argumentOrdinals != null) {
        int[] ordinals = argumentOrdinals;
        for (int a = 0; a < ordinals.length; a++) {
          writer.write(a, row, ordinals[a]);
        }
        writer.next();
      } else {
        writer.write(arguments.apply(row));
      }
    } else {
      return;
    }
    if (rows == groupIds.length) {
      groupIds = Arrays.copyOf(groupIds, (int) Math.min(batchSize, 2L * rows));
    }
    groupIds[rows++] = group;
  }

  /** Copies a binary value into the column without an intermediate array where it can. */
  private static void appendBinary(VarBinaryVector column, int index, InternalRow row,
      int ordinal) {
    if (row instanceof UnsafeRow unsafe && unsafe.getBaseObject() instanceof byte[] base) {
      long offsetAndSize = unsafe.getLong(ordinal);
      int offset = (int) (offsetAndSize >> 32);
      int size = (int) offsetAndSize;
      long start = unsafe.getBaseOffset() + offset - Platform.BYTE_ARRAY_OFFSET;
      column.setSafe(index, base, (int) start, size);
    } else {
      column.setSafe(index, row.getBinary(ordinal));
    }
  }

  /**
   * Passes the waiting rows to the states: one Arrow batch of arguments, or one column of states
   * to merge.
   */
  void flush(int numGroups, AggregateMetrics metrics) {
    if (rows == 0) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (merging) {
        pendingStates.setValueCount(rows);
        states.mergeBatch(pendingStates, groupIds, numGroups);
      } else {
        states.update(writer.finish(), groupIds, numGroups);
      }
    } finally {
      metrics.functionTime.add(System.nanoTime() - start);
      if (merging) {
        pendingStates.reset();
      } else {
        writer.reset();
        metrics.batches.add(1);
      }
      rows = 0;
    }
  }

  /** Drops every group's state for a fresh table. */
  void resetStates() {
    states.close();
    states = null;
    states = GroupStates.create(function);
  }

  @Override
  public void close() {
    try {
      if (states != null) {
        states.close();
      }
    } finally {
      if (writer != null) {
        writer.close();
      }
      if (pendingStates != null) {
        pendingStates.close();
      }
    }
  }
}

package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.ArrowMemoryVector;
import dev.quiver.spark.arrow.ArrowTypes;
import dev.quiver.spark.arrow.VectorChecks;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The states of one Quiver aggregate for all groups of a {@link GroupTable}, addressed by dense
 * group ids: either the function's own {@link GroupsAccumulator}, or one state object per group
 * when the function has only the simple form.
 */
abstract class GroupStates implements AutoCloseable {
  protected final TaskAggregate function;

  GroupStates(TaskAggregate function) {
    this.function = function;
  }

  static GroupStates create(TaskAggregate function) {
    GroupsAccumulator<Object> accumulator = function.newAccumulator();
    return accumulator == null ? new PerGroup(function) : new Vectorized(function, accumulator);
  }

  /** Adds rows: {@code groupIds[i]} is the group of row {@code i}. */
  abstract void update(VectorSchemaRoot args, int[] groupIds, int numGroups);

  /** Merges encoded states: entry {@code i} of {@code states} into group {@code groupIds[i]}. */
  abstract void mergeBatch(VarBinaryVector states, int[] groupIds, int numGroups);

  /** A group's state in the simple form. */
  abstract Object state(int groupId);

  /** Prepares {@link #encodedState} for groups {@code 0..numGroups-1}. */
  void encodeAll(int numGroups) {}

  /** A group's encoded state, after {@link #encodeAll}. */
  byte[] encodedState(int groupId) {
    return function.serialize(state(groupId));
  }

  /** Writes a group's encoded state, after {@link #encodeAll}, as field {@code ordinal}. */
  void writeEncodedState(int groupId, UnsafeRowWriter writer, int ordinal) {
    writer.write(ordinal, encodedState(groupId));
  }

  /** Prepares {@link #result} for groups {@code 0..numGroups-1}. */
  abstract void finishAll(int numGroups);

  /** A group's value as Spark's internal value, after {@link #finishAll}. */
  abstract Object result(int groupId);

  /** Heap bytes held, as far as the function tells. */
  abstract long sizeInBytes();

  @Override
  public abstract void close();

  /** The function's vectorized form. */
  private static final class Vectorized extends GroupStates {
    private final GroupsAccumulator<Object> accumulator;
    private FieldVector results;
    private VarBinaryVector encoded;
    private ColumnarBatch batch;
    private boolean closed;

    Vectorized(TaskAggregate function, GroupsAccumulator<Object> accumulator) {
      super(function);
      this.accumulator = accumulator;
    }

    @Override
    void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
      try {
        accumulator.update(args, groupIds, numGroups);
      } catch (Throwable e) {
        throw function.failed("update", e);
      }
    }

    @Override
    void mergeBatch(VarBinaryVector states, int[] groupIds, int numGroups) {
      try {
        accumulator.mergeBatch(states, groupIds, numGroups, function.codec());
      } catch (Throwable e) {
        throw function.failed("merge", e);
      }
    }

    @Override
    void encodeAll(int numGroups) {
      ArrowTypes.closeQuietly(encoded);
      encoded = null;
      encoded = function.call("state",
          () -> accumulator.state(numGroups, function.codec(), function.allocator()));
      if (encoded == null || encoded.getValueCount() != numGroups) {
        throw new QuiverException("Quiver function '" + function.name() + "' returned "
            + (encoded == null ? "no vector" : encoded.getValueCount() + " states")
            + " from GroupsAccumulator.state for " + numGroups + " groups; it must return one "
            + "state per group (did it call setValueCount?).");
      }
      VectorChecks.checkStructure(function.name(), encoded, "GroupsAccumulator.state");
    }

    @Override
    byte[] encodedState(int groupId) {
      checkNotNull(groupId);
      return encoded.get(groupId);
    }

    /**
     * Copies the state's bytes from Arrow memory, its structure checked by {@link #encodeAll}:
     * no byte array per group (with a million groups, getting each state as one was a tenth of
     * the first phase). The bytes go in through the string write, the same unaligned copy as a
     * binary write's.
     */
    @Override
    void writeEncodedState(int groupId, UnsafeRowWriter writer, int ordinal) {
      checkNotNull(groupId);
      long offsets = encoded.getOffsetBuffer().memoryAddress();
      int start = Platform.getInt(null, offsets + 4L * groupId);
      int end = Platform.getInt(null, offsets + 4L * (groupId + 1));
      writer.write(ordinal, UTF8String.fromAddress(null,
          encoded.getDataBuffer().memoryAddress() + start, end - start));
    }

    private void checkNotNull(int groupId) {
      if (encoded.isNull(groupId)) {
        throw new QuiverException("Quiver function '" + function.name() + "' returned null from "
            + "GroupsAccumulator.state for group " + groupId + ".");
      }
    }

    @Override
    Object state(int groupId) {
      Object state;
      try {
        state = accumulator.state(groupId);
      } catch (Throwable e) {
        throw function.failed("state", e);
      }
      if (state == null) {
        throw new QuiverException("Quiver function '" + function.name() + "' returned null from "
            + "GroupsAccumulator.state for group " + groupId + ".");
      }
      return state;
    }

    @Override
    void finishAll(int numGroups) {
      results = function.call("evaluate",
          () -> accumulator.evaluate(numGroups, function.allocator()));
      if (results != null && results.getValueCount() != numGroups) {
        throw new QuiverException("Quiver function '" + function.name() + "' returned "
            + results.getValueCount() + " values from GroupsAccumulator.evaluate for "
            + numGroups + " groups; it must return one value per group (did it call "
            + "setValueCount?).");
      }
      ArrowTypes.checkResult(function.name(), results, function.resultField(), numGroups);
      batch = new ColumnarBatch(new ColumnVector[] {
          ArrowMemoryVector.readable(function.resultType(), results, numGroups)}, numGroups);
    }

    @Override
    Object result(int groupId) {
      InternalRow row = batch.getRow(groupId);
      return row.isNullAt(0) ? null : row.get(0, function.resultType());
    }

    @Override
    long sizeInBytes() {
      return Math.max(0L, function.call("sizeInBytes", accumulator::sizeInBytes));
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      batch = null;
      try {
        ArrowTypes.closeQuietly(results);
        ArrowTypes.closeQuietly(encoded);
      } finally {
        results = null;
        encoded = null;
        function.call("close of its GroupsAccumulator", () -> {
          accumulator.close();
          return null;
        });
      }
    }
  }

  /**
   * One state per group for functions with only the simple form. A batch is cut into the runs of
   * each group (copied into a scratch batch) so that {@code update} sees one group's rows; a
   * batch of a single group is passed as it is.
   */
  private static final class PerGroup extends GroupStates {
    private static final long REFERENCE_BYTES = 16;
    private Object[] states = new Object[64];
    private long[] sizes = new long[64];
    private long statesBytes;
    private long[] order = new long[0];
    private VectorSchemaRoot scratch;

    PerGroup(TaskAggregate function) {
      super(function);
    }

    @Override
    void update(VectorSchemaRoot args, int[] groupIds, int numGroups) {
      int rows = args.getRowCount();
      if (rows == 0) {
        return;
      }
      grow(numGroups);
      int first = groupIds[0];
      boolean single = true;
      for (int i = 1; i < rows && single; i++) {
        single = groupIds[i] == first;
      }
      if (single) {
        updateGroup(first, args);
        return;
      }
      if (order.length < rows) {
        order = new long[Math.max(rows, order.length * 2)];
      }
      for (int i = 0; i < rows; i++) {
        order[i] = ((long) groupIds[i] << 32) | i;
      }
      Arrays.sort(order, 0, rows); // by group, then by row: runs keep the input order
      if (scratch == null) {
        scratch = VectorSchemaRoot.create(args.getSchema(), function.allocator());
      }
      List<FieldVector> from = args.getFieldVectors();
      List<FieldVector> to = scratch.getFieldVectors();
      int start = 0;
      while (start < rows) {
        int group = (int) (order[start] >>> 32);
        int end = start + 1;
        while (end < rows && (int) (order[end] >>> 32) == group) {
          end++;
        }
        for (int c = 0; c < to.size(); c++) {
          FieldVector target = to.get(c);
          FieldVector source = from.get(c);
          target.reset();
          for (int k = start; k < end; k++) {
            target.copyFromSafe((int) order[k], k - start, source);
          }
          target.setValueCount(end - start);
        }
        scratch.setRowCount(end - start);
        updateGroup(group, scratch);
        start = end;
      }
    }

    private void updateGroup(int group, VectorSchemaRoot rows) {
      Object state = states[group];
      if (state == null) {
        state = function.createState();
        states[group] = state;
      }
      function.update(state, rows);
      track(group, state);
    }

    @Override
    void mergeBatch(VarBinaryVector states, int[] groupIds, int numGroups) {
      grow(numGroups);
      for (int i = 0; i < states.getValueCount(); i++) {
        if (!states.isNull(i)) {
          merge(groupIds[i], function.deserialize(states.get(i)));
        }
      }
    }

    private void merge(int groupId, Object state) {
      Object existing = states[groupId];
      // A deserialized state is ours alone, so it can become the group's state as it is.
      Object merged = existing == null ? state : function.merge(existing, state);
      states[groupId] = merged;
      track(groupId, merged);
    }

    private void track(int group, Object state) {
      long size = function.stateSize(state);
      statesBytes += size - sizes[group];
      sizes[group] = size;
    }

    @Override
    Object state(int groupId) {
      Object state = groupId < states.length ? states[groupId] : null;
      return state != null ? state : function.createState();
    }

    @Override
    void finishAll(int numGroups) {}

    @Override
    Object result(int groupId) {
      return function.finish(state(groupId));
    }

    @Override
    long sizeInBytes() {
      return statesBytes + (long) states.length * REFERENCE_BYTES;
    }

    private void grow(int groups) {
      if (groups > states.length) {
        int size = Math.max(groups, states.length * 2);
        states = Arrays.copyOf(states, size);
        sizes = Arrays.copyOf(sizes, size);
      }
    }

    @Override
    public void close() {
      states = new Object[0];
      sizes = new long[0];
      if (scratch != null) {
        scratch.close();
        scratch = null;
      }
    }
  }
}

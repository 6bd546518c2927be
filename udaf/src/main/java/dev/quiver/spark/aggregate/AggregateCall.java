package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.CaseClass;
import dev.quiver.spark.execution.TaskScope;
import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.ArgumentTypes;
import dev.quiver.spark.catalyst.CallSpec;
import dev.quiver.spark.catalyst.Scala;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ImplicitCastInputTypes;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.ImperativeAggregate;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A call of a Quiver aggregate function in a query plan. It is a Spark
 * {@link TypedImperativeAggregate}, so every operator Spark has for aggregates runs it as it is:
 * hash and sort aggregation with partial states before the shuffle, global aggregation of empty
 * input, DISTINCT, FILTER, and window frames. Rows passed one at a time by those operators are
 * buffered and reach the function as Arrow batches. For plain GROUP BY queries
 * {@link AggregateStrategy} plans Quiver's own operators instead, which write the same state
 * bytes, so either side of a shuffle may be Spark's or Quiver's.
 *
 * <p>The buffer of a mergeable function is its state plus the rows not yet passed to it; that of
 * a function that cannot merge is all of its group's rows, replayed into a fresh state when the
 * group is finished.
 */
public final class AggregateCall extends TypedImperativeAggregate<AggregateCall.Buffer>
    implements CaseClass, ImplicitCastInputTypes, java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final CallSpec spec;
  private final boolean mergeable;
  private final Seq<Expression> children;
  private final int mutableAggBufferOffset;
  private final int inputAggBufferOffset;
  /** Why Spark's row-by-row operators run this call, shown in EXPLAIN; null on Quiver's. */
  private final String fallback;
  private transient TaskRows task;

  public AggregateCall(CallSpec spec, boolean mergeable, Seq<Expression> children,
      int mutableAggBufferOffset, int inputAggBufferOffset) {
    this(spec, mergeable, children, mutableAggBufferOffset, inputAggBufferOffset, null);
  }

  public AggregateCall(CallSpec spec, boolean mergeable, Seq<Expression> children,
      int mutableAggBufferOffset, int inputAggBufferOffset, String fallback) {
    this.spec = spec;
    this.mergeable = mergeable;
    this.children = children;
    this.mutableAggBufferOffset = mutableAggBufferOffset;
    this.inputAggBufferOffset = inputAggBufferOffset;
    this.fallback = fallback;
  }

  public FunctionHandle function() {
    return spec.function();
  }

  public String name() {
    return spec.name();
  }

  /** Whether partial states of this function can be merged; see AggregateFunction.isMergeable. */
  public boolean mergeable() {
    return mergeable;
  }

  /** Why Spark's row-by-row operators run this call (see {@link AggregateFallback}), or null. */
  public String fallback() {
    return fallback;
  }

  /** This call, marked as run by Spark's row-by-row operators for {@code reason}. */
  AggregateCall withFallback(String reason) {
    return new AggregateCall(spec, mergeable, children, mutableAggBufferOffset,
        inputAggBufferOffset, reason);
  }

  @Override
  public DataType dataType() {
    return spec.dataType();
  }

  @Override
  public boolean nullable() {
    return spec.nullable();
  }

  @Override
  public boolean deterministic() {
    return spec.deterministic(children);
  }

  @Override
  public Seq<Expression> children() {
    return children;
  }

  @Override
  public int mutableAggBufferOffset() {
    return mutableAggBufferOffset;
  }

  @Override
  public int inputAggBufferOffset() {
    return inputAggBufferOffset;
  }

  @Override
  public ImperativeAggregate withNewMutableAggBufferOffset(int offset) {
    return new AggregateCall(spec, mergeable, children, offset, inputAggBufferOffset, fallback);
  }

  @Override
  public ImperativeAggregate withNewInputAggBufferOffset(int offset) {
    return new AggregateCall(spec, mergeable, children, mutableAggBufferOffset, offset,
        fallback);
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new AggregateCall(spec, mergeable, newChildren.toList(), mutableAggBufferOffset,
        inputAggBufferOffset, fallback);
  }

  @Override
  public Seq<AbstractDataType> inputTypes() {
    return spec.inputTypes(children);
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    TypeCheckResult types = ArgumentTypes.check(inputTypes(), children);
    if (types.isFailure()) {
      return types;
    }
    return ConstantArguments.check(name(), (AggregateFunction<?>) function().prototype(), children);
  }

  // ---- the aggregation buffer, for Spark's operators

  /** The per-group buffer Spark's operators keep for this function. */
  public static final class Buffer {
    /** The function's state; null for functions that cannot merge. */
    Object state;
    /** Argument rows not yet passed to the function (all rows when it cannot merge). */
    List<UnsafeRow> rows;

    Buffer(Object state) {
      this.state = state;
    }
  }

  @Override
  public Buffer createAggregationBuffer() {
    return new Buffer(mergeable ? task().function.createState() : null);
  }

  @Override
  public Buffer update(Buffer buffer, InternalRow input) {
    TaskRows t = task();
    if (buffer.rows == null) {
      buffer.rows = new ArrayList<>();
    }
    buffer.rows.add(t.arguments().apply(input).copy());
    if (mergeable && buffer.rows.size() >= t.rowsPerGroup) {
      flush(buffer);
    }
    return buffer;
  }

  @Override
  public Buffer merge(Buffer buffer, Buffer other) {
    if (!mergeable) {
      if (other.rows != null) {
        if (buffer.rows == null) {
          buffer.rows = new ArrayList<>();
        }
        buffer.rows.addAll(other.rows);
      }
      return buffer;
    }
    flush(buffer);
    flush(other);
    buffer.state = task().function.merge(buffer.state, other.state);
    return buffer;
  }

  @Override
  public Object eval(Buffer buffer) {
    TaskRows t = task();
    if (mergeable) {
      flush(buffer);
      return t.function.finish(buffer.state);
    }
    // Replays every row into a fresh state; the buffer stays as it is for a window's next row.
    Object state = t.function.createState();
    List<UnsafeRow> rows = buffer.rows == null ? List.of() : buffer.rows;
    for (int start = 0; start < rows.size(); start += t.batchSize) {
      t.update(state, rows.subList(start, Math.min(rows.size(), start + t.batchSize)));
    }
    return t.function.finish(state);
  }

  @Override
  public byte[] serialize(Buffer buffer) {
    if (mergeable) {
      flush(buffer);
      return task().function.serialize(buffer.state);
    }
    return writeRows(buffer.rows == null ? List.of() : buffer.rows);
  }

  @Override
  public Buffer deserialize(byte[] bytes) {
    if (mergeable) {
      return new Buffer(task().function.deserialize(bytes));
    }
    Buffer buffer = new Buffer(null);
    buffer.rows = readRows(bytes, children.size());
    return buffer;
  }

  private void flush(Buffer buffer) {
    if (buffer.rows != null && !buffer.rows.isEmpty()) {
      task().update(buffer.state, buffer.rows);
      buffer.rows.clear();
    }
  }

  private static byte[] writeRows(List<UnsafeRow> rows) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(rows.size());
      byte[] scratch = new byte[4096];
      for (UnsafeRow row : rows) {
        out.writeInt(row.getSizeInBytes());
        row.writeToStream(out, scratch);
      }
    } catch (IOException e) {
      throw new QuiverException("Cannot buffer the rows of a Quiver aggregate: " + e, e);
    }
    return bytes.toByteArray();
  }

  private static List<UnsafeRow> readRows(byte[] bytes, int fields) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int count = in.readInt();
      List<UnsafeRow> rows = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        byte[] row = new byte[in.readInt()];
        in.readFully(row);
        UnsafeRow unsafe = new UnsafeRow(fields);
        unsafe.pointTo(row, row.length);
        rows.add(unsafe);
      }
      return rows;
    } catch (IOException e) {
      throw new QuiverException("Cannot read the buffered rows of a Quiver aggregate: " + e, e);
    }
  }

  /** The function opened for the running task, with a reusable argument batch. */
  private TaskRows task() {
    TaskContext context = TaskContext.get();
    long attempt = context == null ? -1 : context.taskAttemptId();
    if (task == null || task.attempt != attempt) {
      task = new TaskRows(this, context);
    }
    return task;
  }

  /** What one task needs to pass buffered rows to the function. */
  private static final class TaskRows {
    final long attempt;
    final TaskAggregate function;
    private final Seq<Expression> children;
    private final int partition;
    private UnsafeProjection arguments;
    final RowBatchWriter writer;
    final int batchSize;
    /**
     * Rows a group buffers before they go to the function: fewer than a batch, because Spark's
     * hash aggregation keeps up to 128 groups' buffers at once (and windows one per frame).
     */
    final int rowsPerGroup;

    TaskRows(AggregateCall call, TaskContext context) {
      TaskScope scope = TaskScope.open(TaskAggregate.running(call, context));
      this.function = TaskAggregate.open(call, scope.nested(),
          SQLConf.get().sessionLocalTimeZone());
      this.attempt = context.taskAttemptId();
      this.children = call.children;
      this.partition = context.partitionId();
      this.batchSize = QuiverConf.batchSize();
      this.rowsPerGroup = Math.min(batchSize, 1024);
      // Closed by the scope before the function (in its nested scope) checks for leaks.
      this.writer = scope.writer(function.argumentSchema(), function.timeZone());
    }

    /**
     * Built on the first input row: only the phases that read input rows have their children
     * bound to the operator's input. The merge and final phases see this call with its children
     * unbound, and a projection of those would fail to compile (and be logged) in every task.
     */
    UnsafeProjection arguments() {
      if (arguments == null) {
        arguments = UnsafeProjection.create(children);
        arguments.initialize(partition);
      }
      return arguments;
    }

    void update(Object state, List<UnsafeRow> rows) {
      writer.reset();
      for (UnsafeRow row : rows) {
        writer.write(row);
      }
      VectorSchemaRoot batch = writer.finish();
      try {
        function.update(state, batch);
      } finally {
        writer.reset();
      }
    }
  }

  // ---- presentation and the case-class contract Catalyst relies on

  @Override
  public String prettyName() {
    return name();
  }

  @Override
  public String toAggString(boolean isDistinct) {
    return spec.describe(children, isDistinct ? "(distinct " : "(")
        + (fallback == null ? "" : " [row by row: " + fallback + "]");
  }

  @Override
  public String toString() {
    return toAggString(false);
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {spec, mergeable, children, mutableAggBufferOffset, inputAggBufferOffset,
        fallback};
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

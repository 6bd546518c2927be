package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.function.aggregate.StateCodec;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.ArrowTypes;
import dev.quiver.spark.execution.TaskFunction;
import dev.quiver.spark.execution.TaskScope;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One aggregate function opened for one task: every call into its code names the function and
 * the phase when it fails, and checks what comes back.
 */
final class TaskAggregate implements AutoCloseable {
  private final AggregateCall call;
  private final TaskFunction<AggregateFunction> task;
  private final AggregateFunction<Object> function;
  private final ResultConverter converter;
  private final StructType argumentSchema;
  private final String timeZone;
  private Field resultField;
  private final StateCodec<Object> codec = new StateCodec<>() {
    @Override
    public byte[] encode(Object state) {
      if (state == null) {
        throw new QuiverException("Quiver function '" + name() + "' has a null state to "
            + "serialize; GroupsAccumulator.state must return an object for every group.");
      }
      return serialize(state);
    }

    @Override
    public Object decode(byte[] bytes) {
      return deserialize(bytes);
    }
  };

  @SuppressWarnings("unchecked")
  private TaskAggregate(AggregateCall call, TaskFunction<AggregateFunction> task,
      String timeZone) {
    this.call = call;
    this.task = task;
    this.function = (AggregateFunction<Object>) task.function();
    this.converter = new ResultConverter(call.name(), call.dataType(), call.nullable());
    this.argumentSchema = argumentSchema(call.children());
    this.timeZone = timeZone;
  }

  /** The running task; outside of one, fails naming the function. */
  static TaskContext running(AggregateCall call, TaskContext context) {
    if (context == null) {
      throw new QuiverException("Quiver aggregate function '" + call.name()
          + "' can only run inside a Spark task.");
    }
    return context;
  }

  /** Opens the function for {@code scope}'s task; the scope closes it. */
  static TaskAggregate open(AggregateCall call, TaskScope scope, String timeZone) {
    return new TaskAggregate(call, scope.function(call.function(), AggregateFunction.class),
        timeZone);
  }

  /** The Spark schema of the argument batches: one column per argument, named argN. */
  static StructType argumentSchema(scala.collection.Seq<Expression> children) {
    List<Expression> args = dev.quiver.spark.catalyst.Scala.list(children);
    StructField[] fields = new StructField[args.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = new StructField("arg" + i, args.get(i).dataType(), args.get(i).nullable(),
          Metadata.empty());
    }
    return new StructType(fields);
  }

  String name() {
    return call.name();
  }

  AggregateCall call() {
    return call;
  }

  StructType argumentSchema() {
    return argumentSchema;
  }

  String timeZone() {
    return timeZone;
  }

  /** The function's own allocator: for its results and whatever it keeps across batches. */
  BufferAllocator allocator() {
    return task.allocator();
  }

  DataType resultType() {
    return call.dataType();
  }

  /** The Arrow field a vectorized result must match. */
  Field resultField() {
    if (resultField == null) {
      resultField = ArrowTypes.field(call.name(), call.dataType(), call.nullable(), timeZone);
    }
    return resultField;
  }

  // The calls below run once per row or group: plain try/catch rather than a lambda per call.

  Object createState() {
    Object state;
    try {
      state = function.createState();
    } catch (Throwable e) {
      throw failed("createState", e);
    }
    if (state == null) {
      throw new QuiverException("Quiver function '" + name() + "' returned null from "
          + "createState; a group's state must be an object.");
    }
    return state;
  }

  void update(Object state, VectorSchemaRoot args) {
    try {
      function.update(state, args);
    } catch (Throwable e) {
      throw failed("update", e);
    }
  }

  Object merge(Object state, Object other) {
    Object merged;
    try {
      merged = function.merge(state, other);
    } catch (Throwable e) {
      throw failed("merge", e);
    }
    if (merged == null) {
      throw new QuiverException("Quiver function '" + name() + "' returned null from merge; "
          + "return the merged state.");
    }
    return merged;
  }

  /** The group's value as Spark's internal value of the result type. */
  Object finish(Object state) {
    Object value;
    try {
      value = function.finish(state);
    } catch (Throwable e) {
      throw failed("finish", e);
    }
    return converter.toCatalyst(value);
  }

  byte[] serialize(Object state) {
    byte[] bytes;
    try {
      bytes = function.serialize(state);
    } catch (Throwable e) {
      throw failed("serialize", e);
    }
    if (bytes == null) {
      throw new QuiverException("Quiver function '" + name() + "' returned null from "
          + "serialize; a state must serialize to bytes.");
    }
    return bytes;
  }

  Object deserialize(byte[] bytes) {
    Object state;
    try {
      state = function.deserialize(bytes);
    } catch (Throwable e) {
      throw failed("deserialize", e);
    }
    if (state == null) {
      throw new QuiverException("Quiver function '" + name() + "' returned null from "
          + "deserialize for a state of " + bytes.length + " bytes.");
    }
    return state;
  }

  long stateSize(Object state) {
    try {
      return Math.max(0L, function.stateSize(state));
    } catch (Throwable e) {
      throw failed("stateSize", e);
    }
  }

  /**
   * The function's serialize and deserialize as a codec, for its {@link GroupsAccumulator}:
   * failures and null results are reported as those of the function's own methods.
   */
  StateCodec<Object> codec() {
    return codec;
  }

  /** The failure of user code in {@code phase}, naming the function. */
  RuntimeException failed(String phase, Throwable e) {
    return QuiverException.functionFailed(name(), phase, e);
  }

  /** The function's vectorized form, or null when it has none. */
  GroupsAccumulator<Object> newAccumulator() {
    return task.call("createGroupsAccumulator", function::createGroupsAccumulator);
  }

  <T> T call(String phase, TaskFunction.Body<T> body) {
    return task.call(phase, body);
  }

  /** Closes the function and checks that it released its memory. */
  @Override
  public void close() {
    task.close();
  }
}

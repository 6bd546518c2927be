package dev.quiver.function.testing;

import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.function.aggregate.GroupsAccumulator;
import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.arrow.ResultChecks;
import dev.quiver.function.arrow.SparkTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs an {@link AggregateFunction} in a plain unit test through both phases Quiver runs it in
 * on a cluster, each in its own task ({@code open} once, {@code close} always, the allocator
 * checked for leaks):
 * <ol>
 *   <li>partial tasks: each group's rows are split into {@link #partials} parts, and each part
 *       goes through its own task: {@code createState}, {@code update} per batch,
 *       {@code serialize};</li>
 *   <li>the final task: for each group, {@code createState}, then {@code deserialize} and
 *       {@code merge} of every partial state, and {@code finish}, whose value is checked
 *       against the declared result type as Quiver's executors check it.</li>
 * </ol>
 * A function that cannot merge ({@code isMergeable() == false}) gets one task that feeds every
 * row of a group into one state and finishes it. A function with a {@link GroupsAccumulator}
 * also runs through it, all groups at once, and must give the same values. {@code finish} is
 * called twice and must give the same value both times: it must not change the state.
 *
 * <pre>{@code
 * // SELECT k, long_sum(x) FROM t GROUP BY k
 * Map<Object, Object> sums = AggregateHarness.of(new LongSum())
 *     .group("a", 1L, 2L, null).group("b", 5L)
 *     .run();                                      // {a=3, b=5}
 * assertEquals(6L, AggregateHarness.of(new LongSum()).value(1L, 2L, 3L));
 * }</pre>
 *
 * Argument values are Java values of the argument types (see {@link Batches}); a function that
 * declares no {@code argumentTypes()} is given them with {@link #argumentTypes}.
 */
public final class AggregateHarness
    extends Harness<AggregateFunction<Object>, AggregateHarness> {
  /** How many entries past the batch's rows the group-id arrays have. */
  private static final int STALE_IDS = 16;

  private final Map<Object, List<List<?>>> groups = new LinkedHashMap<>();
  private List<String> argumentTypes;
  private int partials = 2;

  private AggregateHarness(AggregateFunction<Object> prototype,
      Supplier<AggregateFunction<Object>> instances) {
    super(prototype, instances);
    this.argumentTypes = prototype.argumentTypes();
  }

  /** A harness whose tasks run copies of {@code function}, shipped as by Quiver.register. */
  @SuppressWarnings("unchecked")
  public static AggregateHarness of(AggregateFunction<?> function) {
    AggregateFunction<Object> f = (AggregateFunction<Object>) function;
    return new AggregateHarness(f, shipped(f));
  }

  /** A harness whose tasks run instances from {@code instances}, such as {@code Median::new}. */
  @SuppressWarnings("unchecked")
  public static AggregateHarness of(Supplier<? extends AggregateFunction<?>> instances) {
    return new AggregateHarness((AggregateFunction<Object>) instances.get(),
        () -> (AggregateFunction<Object>) instances.get());
  }

  /** The argument types as Spark DDL types, for a function that declares none. */
  public AggregateHarness argumentTypes(String... types) {
    this.argumentTypes = List.of(types);
    return this;
  }

  /** Into how many partial states each group's rows are split (2 by default; at least 1). */
  public AggregateHarness partials(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("partials must be at least 1, not " + count);
    }
    this.partials = count;
    return this;
  }

  /** A group of a one-argument function: its key and its argument values. */
  public AggregateHarness group(Object key, Object... values) {
    List<List<?>> rows = groups.computeIfAbsent(key, k -> new ArrayList<>());
    for (Object value : values) {
      rows.add(Arrays.asList(value));
    }
    return this;
  }

  /** A group: its key and its rows, each a list of one call's arguments. */
  public AggregateHarness groupRows(Object key, List<?>... rows) {
    groups.computeIfAbsent(key, k -> new ArrayList<>()).addAll(Arrays.asList(rows));
    return this;
  }

  /** A group: its key and its rows as an Arrow batch of the argument columns (copied). */
  public AggregateHarness groupBatch(Object key, VectorSchemaRoot args) {
    groups.computeIfAbsent(key, k -> new ArrayList<>()).addAll(Batches.rows(args));
    return this;
  }

  /** The value of a one-argument function over these values, as one group. */
  public Object value(Object... values) {
    groups.clear();
    group("", values);
    return run().get("");
  }

  /** The value of each group, by key, in the order the groups were given. */
  public Map<Object, Object> run() {
    Schema schema = argumentSchema();
    List<Object> keys = new ArrayList<>(groups.keySet());
    Map<Object, Object> values;
    if (!prototype.isMergeable()) {
      values = task((function, allocator) -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object key : keys) {
          Object state = function.createState();
          update(function, state, groups.get(key), schema, allocator);
          out.put(key, finish(function, state, allocator));
        }
        return out;
      });
    } else {
      List<List<byte[]>> states = new ArrayList<>();
      for (int p = 0; p < partials; p++) {
        int part = p;
        states.add(task((function, allocator) -> {
          List<byte[]> out = new ArrayList<>();
          for (Object key : keys) {
            Object state = function.createState();
            update(function, state, part(groups.get(key), part), schema, allocator);
            out.add(function.serialize(state));
          }
          return out;
        }));
      }
      values = task((function, allocator) -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int g = 0; g < keys.size(); g++) {
          Object state = function.createState();
          for (List<byte[]> partial : states) {
            state = function.merge(state, function.deserialize(partial.get(g)));
          }
          out.put(keys.get(g), finish(function, state, allocator));
        }
        return out;
      });
    }
    checkAccumulator(schema, keys, values);
    return values;
  }

  /** Part {@code p} of {@link #partials} consecutive parts of a group's rows. */
  private List<List<?>> part(List<List<?>> rows, int p) {
    int size = (rows.size() + partials - 1) / partials;
    int from = Math.min(rows.size(), p * size);
    return rows.subList(from, Math.min(rows.size(), from + size));
  }

  private void update(AggregateFunction<Object> function, Object state, List<List<?>> rows,
      Schema schema, BufferAllocator allocator) throws Exception {
    for (List<List<?>> batch : batches(rows)) {
      try (VectorSchemaRoot args = Batches.create(schema, batch, allocator)) {
        function.update(state, args);
      }
    }
  }

  /** {@code finish}, twice, with the value checked and read back as a query would see it. */
  private Object finish(AggregateFunction<Object> function, Object state,
      BufferAllocator allocator) throws Exception {
    Object value = checked(function.finish(state), allocator);
    Object again = checked(function.finish(state), allocator);
    if (!Objects.deepEquals(value, again)) {
      throw new AssertionError("Quiver function '" + name() + "' finished the same state as "
          + value + " and then as " + again + "; finish must not change the state.");
    }
    return value;
  }

  private Object checked(Object value, BufferAllocator allocator) {
    Field field = resultField();
    if (value == null && !field.isNullable()) {
      throw new InvalidResultException("Quiver function '" + name() + "' returned null from "
          + "finish, but it declares a result that is never null (resultNullable is false).");
    }
    try (FieldVector vector = field.createVector(allocator)) {
      vector.allocateNew();
      try {
        Batches.writeExact(vector, 0, value);
      } catch (IllegalArgumentException e) {
        throw new InvalidResultException("Quiver function '" + name() + "' returned "
            + e.getMessage() + " from finish (declared result type "
            + prototype.resultType() + ").");
      }
      vector.setValueCount(1);
      ResultChecks.checkNulls(name(), vector, field, "result");
      return Batches.read(vector, 0);
    }
  }

  /**
   * Runs the groups through the function's GroupsAccumulator, if it has one, split into the same
   * partial parts as the simple form (so that sums add up in the same order), and compares.
   */
  private void checkAccumulator(Schema schema, List<Object> keys, Map<Object, Object> expected) {
    Map<Object, Object> values = task((function, allocator) -> {
      GroupsAccumulator<Object> first = function.createGroupsAccumulator();
      if (first == null) {
        return null;
      }
      first.close();
      if (!prototype.isMergeable()) {
        try (GroupsAccumulator<Object> accumulator = function.createGroupsAccumulator()) {
          update(accumulator, keys, -1, schema, allocator);
          return evaluate(accumulator, keys, allocator);
        }
      }
      List<List<byte[]>> states = new ArrayList<>();
      for (int p = 0; p < partials; p++) {
        try (GroupsAccumulator<Object> partial = function.createGroupsAccumulator()) {
          update(partial, keys, p, schema, allocator);
          List<byte[]> bytes = new ArrayList<>();
          for (int g = 0; g < keys.size(); g++) {
            bytes.add(function.serialize(partial.state(g)));
          }
          states.add(bytes);
        }
      }
      try (GroupsAccumulator<Object> merged = function.createGroupsAccumulator()) {
        for (List<byte[]> partial : states) {
          for (int g = 0; g < keys.size(); g++) {
            merged.merge(g, function.deserialize(partial.get(g)));
          }
        }
        return evaluate(merged, keys, allocator);
      }
    });
    if (values != null && !deepEquals(values, expected)) {
      throw new AssertionError("Quiver function '" + name() + "' gives " + values
          + " through its GroupsAccumulator, but " + expected + " through update, merge and "
          + "finish; both forms must agree.");
    }
  }

  /** Feeds part {@code p} of every group (all rows for -1) to the accumulator, groups mixed. */
  private void update(GroupsAccumulator<Object> accumulator, List<Object> keys, int p,
      Schema schema, BufferAllocator allocator) throws Exception {
    List<List<?>> rows = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (int g = 0; g < keys.size(); g++) {
      List<List<?>> group = groups.get(keys.get(g));
      for (List<?> row : p < 0 ? group : part(group, p)) {
        rows.add(row);
        ids.add(g);
      }
    }
    int start = 0;
    for (List<List<?>> batch : batches(rows)) {
      // Quiver reuses a longer array, with stale ids past the batch's rows: so does the harness,
      // with ids no group has, so that an accumulator reading past getRowCount() fails here.
      int[] groupIds = new int[batch.size() + STALE_IDS];
      Arrays.fill(groupIds, -1);
      for (int i = 0; i < batch.size(); i++) {
        groupIds[i] = ids.get(start + i);
      }
      start += batch.size();
      try (VectorSchemaRoot args = Batches.create(schema, batch, allocator)) {
        accumulator.update(args, groupIds, keys.size());
      }
    }
  }

  private Map<Object, Object> evaluate(GroupsAccumulator<Object> accumulator, List<Object> keys,
      BufferAllocator allocator) throws Exception {
    try (FieldVector vector = accumulator.evaluate(keys.size(), allocator)) {
      ResultChecks.checkResult(name(), vector, resultField(), keys.size());
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int g = 0; g < keys.size(); g++) {
        out.put(keys.get(g), Batches.read(vector, g));
      }
      return out;
    }
  }

  private static boolean deepEquals(Map<Object, Object> a, Map<Object, Object> b) {
    for (Map.Entry<Object, Object> entry : a.entrySet()) {
      if (!Objects.deepEquals(entry.getValue(), b.get(entry.getKey()))) {
        return false;
      }
    }
    return a.size() == b.size();
  }

  private Field resultField() {
    return SparkTypes.field(name(), prototype.resultType(), prototype.resultNullable());
  }

  private Schema argumentSchema() {
    if (argumentTypes == null) {
      throw new IllegalStateException("Quiver function '" + name() + "' declares no "
          + "argumentTypes(); give them to the harness with argumentTypes(\"double\", ...)");
    }
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < argumentTypes.size(); i++) {
      fields.add(SparkTypes.field("arg" + i, argumentTypes.get(i), true));
    }
    return new Schema(fields);
  }
}

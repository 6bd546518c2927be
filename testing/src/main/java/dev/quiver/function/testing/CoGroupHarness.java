package dev.quiver.function.testing;

import dev.quiver.function.arrow.SparkTypes;
import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.function.table.SkipRestOfInputTableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs a {@link CoGroupFunction} in a plain unit test, as Quiver runs
 * {@code QuiverTables.groupBy(left, keys).cogroup(QuiverTables.groupBy(right, keys))} on a
 * cluster: one task with a fresh instance: {@code open}; for each key {@code startGroup},
 * {@code evalLeft} per batch of the left input's rows with that key, {@code evalRight} per batch
 * of the right input's, each side until {@link SkipRestOfInputTableException}, and
 * {@code terminate}; {@code close} always. A key missing from one input gets no calls for that
 * side. Every emitted batch and row is checked against the result schema as Quiver's executors
 * check it, and the task's allocator is checked for leaks.
 *
 * <pre>{@code
 * List<List<Object>> rows = CoGroupHarness.of(new CountBoth())
 *     .left("id bigint, v int", List.of(1L, 10), List.of(2L, 20), List.of(1L, 30))
 *     .right("id bigint, w string", List.of(1L, "a"))
 *     .groupBy("id")
 *     .run();                                      // [[1, 2, 1], [2, 1, 0]]
 * }</pre>
 *
 * Groups come in the order their keys first appear, in the left input and then in the right;
 * on a cluster each task sees its keys in sorted order, so a test should not depend on the
 * order of groups. Keys match by {@code equals} of their Java values, nulls included, so both
 * inputs' key columns should have the same type. Without {@link #groupBy}, all rows of each
 * input form one group.
 */
public final class CoGroupHarness extends Harness<CoGroupFunction, CoGroupHarness> {
  private Input left;
  private Input right;
  private List<String> leftKeys = List.of();
  private List<String> rightKeys = List.of();
  private List<String> leftOrder = List.of();
  private List<String> rightOrder = List.of();

  /** One side: its columns and its rows. */
  private record Input(Schema schema, List<List<?>> rows) {
    static Input of(String schema, List<?>[] rows) {
      return new Input(SparkTypes.schema(schema), new ArrayList<>(Arrays.asList(rows)));
    }
  }

  private CoGroupHarness(CoGroupFunction prototype, Supplier<CoGroupFunction> instances) {
    super(prototype, instances);
  }

  /** A harness whose task runs a copy of {@code function}, shipped as by Quiver.register. */
  public static CoGroupHarness of(CoGroupFunction function) {
    return new CoGroupHarness(function, shipped(function));
  }

  /** A harness whose task runs an instance from {@code instances}, such as {@code Join::new}. */
  public static CoGroupHarness of(Supplier<? extends CoGroupFunction> instances) {
    return new CoGroupHarness(instances.get(), instances::get);
  }

  /** The left input: its columns as DDL, for example {@code "id bigint, v int"}, and rows. */
  public CoGroupHarness left(String schema, List<?>... rows) {
    this.left = Input.of(schema, rows);
    return this;
  }

  /** The right input, which {@code evalRight} reads: its columns as DDL, and rows. */
  public CoGroupHarness right(String schema, List<?>... rows) {
    this.right = Input.of(schema, rows);
    return this;
  }

  /** Groups both inputs by these columns, which both have. */
  public CoGroupHarness groupBy(String... columns) {
    return groupBy(List.of(columns), List.of(columns));
  }

  /** Groups the left input by {@code leftColumns} and the right by as many columns of its own. */
  public CoGroupHarness groupBy(List<String> leftColumns, List<String> rightColumns) {
    if (leftColumns.size() != rightColumns.size()) {
      throw new IllegalArgumentException("both inputs need as many key columns: "
          + leftColumns + " and " + rightColumns);
    }
    this.leftKeys = List.copyOf(leftColumns);
    this.rightKeys = List.copyOf(rightColumns);
    return this;
  }

  /**
   * Sorts the rows of each group, as {@code Grouped.orderBy} does: columns of each input, each
   * optionally followed by {@code DESC}; an empty list leaves that side's rows in input order.
   */
  public CoGroupHarness orderBy(List<String> leftColumns, List<String> rightColumns) {
    this.leftOrder = List.copyOf(leftColumns);
    this.rightOrder = List.copyOf(rightColumns);
    return this;
  }

  /** Runs the co-group; the rows it emitted, in order, as lists of Java values. */
  public List<List<Object>> run() {
    if (left == null || right == null) {
      throw new IllegalStateException("a co-group needs both inputs: left(...) and right(...)");
    }
    Schema result = SparkTypes.schema(prototype.resultSchema());
    Map<List<Object>, List<List<?>>> lefts =
        Groups.byKey(left.schema(), left.rows(), leftKeys, leftOrder);
    Map<List<Object>, List<List<?>>> rights =
        Groups.byKey(right.schema(), right.rows(), rightKeys, rightOrder);
    Set<List<Object>> keys = new LinkedHashSet<>(lefts.keySet());
    keys.addAll(rights.keySet());
    return task((function, allocator) -> {
      CheckingEmitter out = new CheckingEmitter(name(), result, allocator);
      for (List<Object> key : keys) {
        function.startGroup();
        // A key missing on one side gives that side no call; each side may skip its rest.
        feed(left.schema(), lefts.getOrDefault(key, List.of()), allocator,
            batch -> function.evalLeft(batch, out));
        feed(right.schema(), rights.getOrDefault(key, List.of()), allocator,
            batch -> function.evalRight(batch, out));
        function.terminate(out);
      }
      return out.rows();
    });
  }

}

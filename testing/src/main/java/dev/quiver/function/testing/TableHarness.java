package dev.quiver.function.testing;

import dev.quiver.function.arrow.SparkTypes;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.SkipRestOfInputTableException;
import dev.quiver.function.table.TableFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs a {@link TableFunction} in a plain unit test, as Quiver runs a call on a cluster:
 * {@code analyze} on the driver's instance for the result schema, then one task with a fresh
 * instance: {@code open}; for each group {@code startGroup}, {@code eval} per batch (until
 * {@link SkipRestOfInputTableException}) and {@code terminate}; {@code close} always. Every
 * emitted batch and row is checked against the result schema as Quiver's executors check it,
 * and the task's allocator is checked for leaks.
 *
 * <pre>{@code
 * // SELECT * FROM sum_per_user(TABLE(purchases) PARTITION BY user_id)
 * List<List<Object>> rows = TableHarness.of(new SumPerUser())
 *     .table("user_id int, amount int", List.of(1, 10), List.of(2, 5), List.of(1, 20))
 *     .partitionBy("user_id")
 *     .run();                                      // [[1, 30, 2], [2, 5, 1]]
 *
 * // SELECT * FROM threshold_filter(TABLE(v), threshold => 10), in batches of 100 rows
 * TableHarness.of(new ThresholdFilter()).table("k int, v int", rows)
 *     .args(Arguments.builder().add("threshold", 10).build()).batchSize(100).run();
 * }</pre>
 *
 * Groups: {@link #partitionBy} makes one group per distinct value of these columns, in the
 * order the values first appear; {@link #orderBy} sorts the rows within each group; without
 * them, all rows form one group, as a Spark partition of a plain {@code TABLE(t)} does. A
 * partitioning that {@code analyze} requests is applied the same way when the call gives none.
 * Without {@link #table}, the function runs as a call without TABLE argument: one {@code eval}
 * with one row and no columns.
 */
public final class TableHarness extends Harness<TableFunction, TableHarness> {
  private Schema table;
  private List<List<?>> rows = List.of();
  private List<String> partitionBy = List.of();
  private List<String> orderBy = List.of();
  private boolean singlePartition;
  private Arguments arguments = Arguments.empty();

  private TableHarness(TableFunction prototype, Supplier<TableFunction> instances) {
    super(prototype, instances);
  }

  /** A harness whose task runs a copy of {@code function}, shipped as by Quiver.register. */
  public static TableHarness of(TableFunction function) {
    return new TableHarness(function, shipped(function));
  }

  /** A harness whose task runs an instance from {@code instances}, such as {@code Tokenize::new}. */
  public static TableHarness of(Supplier<? extends TableFunction> instances) {
    return new TableHarness(instances.get(), instances::get);
  }

  /** The TABLE argument: its columns as DDL, for example {@code "id int, name string"}, and rows. */
  public TableHarness table(String schema, List<?>... rows) {
    return table(schema, Arrays.asList(rows));
  }

  /** The TABLE argument: its columns as DDL and its rows, each a list of column values. */
  public TableHarness table(String schema, List<? extends List<?>> rows) {
    this.table = SparkTypes.schema(schema);
    this.rows = new ArrayList<>(rows);
    return this;
  }

  /** The TABLE argument as an Arrow batch the test built: its schema and rows (copied). */
  public TableHarness table(VectorSchemaRoot batch) {
    this.table = batch.getSchema();
    this.rows = new ArrayList<>(Batches.rows(batch));
    return this;
  }

  /** {@code PARTITION BY} these columns of the TABLE argument. */
  public TableHarness partitionBy(String... columns) {
    this.partitionBy = List.of(columns);
    return this;
  }

  /** {@code WITH SINGLE PARTITION}. */
  public TableHarness withSinglePartition() {
    this.singlePartition = true;
    return this;
  }

  /** {@code ORDER BY} within each group: columns, each optionally followed by {@code DESC}. */
  public TableHarness orderBy(String... columns) {
    this.orderBy = List.of(columns);
    return this;
  }

  /** The scalar arguments, positional. */
  public TableHarness args(Object... values) {
    return args(Arguments.of(values));
  }

  /** The scalar arguments, for example with names from {@link Arguments#builder()}. */
  public TableHarness args(Arguments arguments) {
    this.arguments = arguments;
    return this;
  }

  /** Runs the call; the rows it emitted, in order, as lists of Java values. */
  public List<List<Object>> run() {
    AnalyzeResult analyzed = analyze();
    Schema result = SparkTypes.schema(analyzed.schema());
    List<String> keys = partitionBy;
    List<String> order = orderBy;
    if (!partitioned() && analyzed.requestsPartitioning()) {
      keys = analyzed.singlePartition() ? List.of() : analyzed.partitionByExpressions();
      order = analyzed.orderByExpressions();
    }
    List<List<List<?>>> groups = groups(keys, order);
    return task((function, allocator) -> {
      CheckingEmitter out = new CheckingEmitter(name(), result, allocator);
      for (List<List<?>> group : groups) {
        function.startGroup();
        if (table == null) {
          // A call without TABLE argument: one eval with one row and no columns.
          feed(new Schema(List.of()), List.of(List.of()), allocator,
              batch -> function.eval(batch, arguments, out));
        } else {
          feed(table, group, allocator, batch -> function.eval(batch, arguments, out));
        }
        function.terminate(out);
      }
      return out.rows();
    });
  }

  private boolean partitioned() {
    return singlePartition || !partitionBy.isEmpty();
  }

  private AnalyzeResult analyze() {
    Map<String, String> columns = null;
    String ddl = "";
    if (table != null) {
      columns = new LinkedHashMap<>();
      List<String> parts = new ArrayList<>();
      for (Field field : table.getFields()) {
        String type = SparkTypes.typeName(field);
        columns.put(field.getName(), type);
        parts.add(field.getName() + " " + type.toUpperCase(Locale.ROOT)
            + (field.isNullable() ? "" : " NOT NULL"));
      }
      ddl = String.join(", ", parts);
    }
    AnalyzeArguments call = new AnalyzeArguments(name(), columns, ddl, partitioned(),
        partitionBy, orderBy, arguments);
    try {
      return prototype.analyze(call);
    } catch (Exception e) {
      throw Harness.<RuntimeException>rethrow(e);
    }
  }

  /** The rows grouped by {@code keys}, in order of first appearance, each group sorted. */
  private List<List<List<?>>> groups(List<String> keys, List<String> order) {
    Map<List<Object>, List<List<?>>> groups = Groups.byKey(table, rows, keys, order);
    if (groups.isEmpty()) {
      // No rows, or no TABLE argument at all: the call still runs once.
      return List.of(new ArrayList<>());
    }
    return new ArrayList<>(groups.values());
  }
}

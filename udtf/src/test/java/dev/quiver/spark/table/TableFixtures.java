package dev.quiver.spark.table;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.SkipRestOfInputTableException;
import dev.quiver.function.table.TableFunction;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Table functions for the tests; the first ones are declared in META-INF/services. */
final class TableFixtures {
  private TableFixtures() {}

  /** Counts instances opened and closed, across tasks of the local test session. */
  static final AtomicInteger OPENED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  static String text(FieldVector vector, int row) {
    Object value = vector.getObject(row);
    return String.valueOf(value);
  }

  /** Emits each batch of its TABLE argument as it is, whatever its result schema says. */
  static class EmitsInput extends DeclaredFunction implements TableFunction {
    EmitsInput(String name, String resultSchema) {
      super(name, resultSchema);
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      out.emit(table);
    }
  }

  /** Returns its TABLE argument unchanged; the schema is computed from the argument. */
  public static final class Echo extends EmitsInput {
    public Echo() {
      super("echo", null);
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      if (!call.hasTable()) {
        throw new IllegalArgumentException("echo needs a TABLE argument");
      }
      return AnalyzeResult.of(call.tableSchema());
    }
  }

  /**
   * One row per batch: the distinct values of the first column, the row count and the values of
   * the second column in order; and one row from terminate with the number of batches.
   */
  public static class Trace extends DeclaredFunction implements TableFunction {
    private static final String SCHEMA = "kind string, keys string, rows int, val string";
    private final String partitionBy;
    private final String orderBy;
    private int batches;
    private String key = "";

    public Trace() {
      super("trace", SCHEMA);
      this.partitionBy = null;
      this.orderBy = null;
    }

    /**
     * Declares no schema; its analyze asks for PARTITION BY {@code partitionBy} ORDER BY
     * {@code orderBy}.
     */
    Trace(String name, String partitionBy, String orderBy) {
      super(name, null);
      this.partitionBy = partitionBy;
      this.orderBy = orderBy;
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      AnalyzeResult result = AnalyzeResult.of(SCHEMA);
      return partitionBy == null ? result : result.partitionBy(partitionBy).orderBy(orderBy);
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      Set<String> keys = new LinkedHashSet<>();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < table.getRowCount(); i++) {
        keys.add(text(table.getVector(0), i));
        values.add(text(table.getVector(1), i));
      }
      key = String.join("|", keys);
      batches++;
      out.emitRow("eval", key, table.getRowCount(), String.join(",", values));
    }

    @Override
    public void startGroup() {
      batches = 0;
      key = "";
    }

    @Override
    public void terminate(Emitter out) {
      out.emitRow("terminate", key, batches, null);
    }
  }

  /** Keeps rows whose column {@code value} exceeds the {@code threshold} argument. */
  public static final class ThresholdFilter extends DeclaredFunction implements TableFunction {
    public ThresholdFilter() {
      super("threshold_filter_test", "k bigint, x bigint");
      namedParameters(1, "threshold", "label");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      long threshold = arguments.getLong("threshold");
      BigIntVector k = (BigIntVector) table.getVector("k");
      BigIntVector x = (BigIntVector) table.getVector("x");
      for (int i = 0; i < table.getRowCount(); i++) {
        if (x.get(i) > threshold) {
          out.emitRow(k.get(i), x.get(i));
        }
      }
    }
  }

  /** {@code series(n)}: the rows 1..n; {@code terminate} adds a row 0. */
  public static final class Series extends DeclaredFunction implements TableFunction {
    private int calls;

    public Series() {
      super("series", "i int, calls int");
    }

    @Override
    public void startGroup() {
      calls = 0;
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      calls++;
      int n = arguments.getInt(0);
      try (VectorSchemaRoot batch = out.newBatch()) {
        IntVector i = (IntVector) batch.getVector(0);
        IntVector c = (IntVector) batch.getVector(1);
        i.allocateNew(n);
        c.allocateNew(n);
        for (int r = 0; r < n; r++) {
          i.set(r, r + 1);
          c.set(r, calls);
        }
        batch.setRowCount(n);
        out.emit(batch);
      }
    }
  }

  /** {@code columns(n)}: one row of n int columns, named by analyze from the constant n. */
  public static final class Columns extends DeclaredFunction implements TableFunction {
    public Columns() {
      super("columns", null);
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      Arguments args = call.arguments();
      if (args.size() != 1 || !args.isConstant(0) || !"int".equals(args.type(0))) {
        throw new IllegalArgumentException("columns takes one constant int, got " + args);
      }
      List<String> columns = new ArrayList<>();
      for (int i = 0; i < args.getInt(0); i++) {
        columns.add("c" + i + " int");
      }
      return AnalyzeResult.of(String.join(", ", columns));
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      Object[] row = new Object[arguments.getInt(0)];
      for (int i = 0; i < row.length; i++) {
        row[i] = i;
      }
      out.emitRow(row);
    }
  }

  /** Analyze asks for PARTITION BY k ORDER BY x DESC; emits like {@link Trace}. */
  public static final class SelfPartitioned extends Trace {
    public SelfPartitioned() {
      super("self_partitioned", "k", "x DESC");
    }
  }

  /** Emits the first batch of each group, then skips the rest. */
  public static final class FirstBatch extends DeclaredFunction implements TableFunction {
    private int evals;

    public FirstBatch() {
      super("first_batch", "k bigint, x bigint");
    }

    @Override
    public void startGroup() {
      evals = 0;
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      evals++;
      out.emit(table);
      throw new SkipRestOfInputTableException("enough");
    }

    @Override
    public void terminate(Emitter out) {
      out.emitRow(-1L, (long) evals);
    }
  }

  /** Fails in eval or terminate, as the argument says; counts opens and closes. */
  public static final class Failing extends DeclaredFunction implements TableFunction {
    public Failing() {
      super("failing", "x int");
    }

    @Override
    public void open(FunctionContext context) {
      OPENED.incrementAndGet();
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      if (arguments.getString(0).equals("eval")) {
        throw new IllegalStateException("boom in eval");
      }
    }

    @Override
    public void terminate(Emitter out) {
      throw new IllegalStateException("boom in terminate");
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  /** Emits a batch whose only column is a bigint where the schema says int. */
  public static final class WrongType extends EmitsInput {
    public WrongType() {
      super("wrong_type", "total int"); // the TABLE argument has one bigint column
    }
  }

  /** Emits a batch with fewer columns than its schema. */
  public static final class WrongWidth extends EmitsInput {
    public WrongWidth() {
      super("wrong_width", "k bigint, x bigint, extra string");
    }
  }

  /** Emits a row with a string where the schema says int. */
  public static final class BadRow extends DeclaredFunction implements TableFunction {
    public BadRow() {
      super("bad_row", "n int not null");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      out.emitRow(arguments.get(0));
    }
  }

  /** Declares a schema that is not DDL. */
  public static final class BadSchema extends DeclaredFunction implements TableFunction {
    public BadSchema() {
      super("bad_schema", "total int,, rows");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {}
  }

  /** Counts the rows of both sides of each cogroup. */
  public static final class CountBoth extends DeclaredFunction implements CoGroupFunction {
    private Long key;
    private int left;
    private int right;
    private long leftSum;

    public CountBoth() {
      super("count_both", "k bigint, left_rows int, right_rows int, left_sum bigint");
    }

    @Override
    public void startGroup() {
      key = null;
      left = 0;
      right = 0;
      leftSum = 0;
    }

    @Override
    public void evalLeft(VectorSchemaRoot batch, Emitter out) {
      BigIntVector keys = (BigIntVector) batch.getVector("k");
      BigIntVector values = (BigIntVector) batch.getVector("x");
      key = keys.get(0);
      left += batch.getRowCount();
      for (int i = 0; i < batch.getRowCount(); i++) {
        leftSum += values.get(i);
      }
    }

    @Override
    public void evalRight(VectorSchemaRoot batch, Emitter out) {
      key = ((BigIntVector) batch.getVector("k")).get(0);
      right += batch.getRowCount();
    }

    @Override
    public void terminate(Emitter out) {
      out.emitRow(key, left, right, leftSum);
    }
  }

  /** Per group: the key (column k), row count, and first and last x; not registered. */
  public static final class GroupSummary extends DeclaredFunction implements TableFunction {
    private Long key;
    private int rows;
    private Long first;
    private long last;

    public GroupSummary() {
      super("group_summary", "k bigint, rows int, first bigint, last bigint");
    }

    @Override
    public void startGroup() {
      key = null;
      rows = 0;
      first = null;
      last = 0;
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      BigIntVector k = (BigIntVector) table.getVector("k");
      BigIntVector x = (BigIntVector) table.getVector("x");
      for (int i = 0; i < table.getRowCount(); i++) {
        key = k.isNull(i) ? null : k.get(i);
        first = first == null ? x.get(i) : first;
        last = x.get(i);
        rows++;
      }
    }

    @Override
    public void terminate(Emitter out) {
      out.emitRow(key, rows, first, rows == 0 ? null : last);
    }
  }
}

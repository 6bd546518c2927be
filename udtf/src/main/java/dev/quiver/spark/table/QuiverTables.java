package dev.quiver.spark.table;

import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.TableArg;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Java Dataset API of Quiver table functions: call one with a Dataset as its TABLE argument,
 * and the grouped, cogrouped and partition maps built on them (the counterparts of PySpark's
 * {@code groupBy().applyInArrow}, {@code groupBy().cogroup().applyInArrow} and
 * {@code mapInArrow}).
 *
 * <pre>{@code
 * // a registered function, with the Dataset as TABLE argument
 * Dataset<Row> top = QuiverTables.call(spark, "top_reviews_per_product",
 *     QuiverTables.asTable(reviews).partitionBy(col("product_id"))
 *         .orderBy(col("rating").desc(), col("review_id")));
 * // ... and with a named scalar argument: threshold_filter(TABLE(v), threshold => 10)
 * Dataset<Row> high = QuiverTables.call(spark, "threshold_filter", QuiverTables.asTable(v),
 *     QuiverTables.named("threshold", 10));
 *
 * // grouped map: each group's rows, ordered by time, streamed through the function
 * Dataset<Row> psd = QuiverTables.groupBy(signals, col("sensor_id"), col("session_id"))
 *     .orderBy(col("time"))
 *     .applyInArrow(new Spectrogram());
 *
 * // cogrouped map over two Datasets grouped by keys of the same types
 * Dataset<Row> both = QuiverTables.groupBy(orders, col("customer_id"))
 *     .cogroup(QuiverTables.groupBy(payments, col("customer_id")))
 *     .applyInArrow(new Reconcile());
 *
 * // partition map: every batch of every partition through one instance per partition
 * Dataset<Row> words = QuiverTables.mapInArrow(docs, new Tokenize());
 * }</pre>
 *
 * Functions passed as instances need not be registered: the instance is serialized when the
 * Dataset is created, and every group (or partition) starts from a copy of it. The maps run the
 * same operators as SQL calls, with the same lifecycle, batching, checks and metrics; see
 * {@link TableFunction}.
 */
public final class QuiverTables {
  private QuiverTables() {}

  /**
   * The Dataset as a TABLE argument; refine it with {@code partitionBy(...)},
   * {@code orderBy(...)} or {@code withSinglePartition()}.
   */
  public static TableArg asTable(Dataset<Row> dataset) {
    return ((org.apache.spark.sql.classic.Dataset<Row>) dataset).asTable();
  }

  /** A named argument of {@link #call}, for example {@code named("threshold", 10)}. */
  public static Named named(String name, Object value) {
    return new Named(name, value);
  }

  /**
   * Calls a registered table function, like {@code SELECT * FROM function(arguments)}.
   *
   * @param arguments each a {@link TableArg} (from {@link #asTable}), a {@link Column}, a
   *     {@link #named} argument, or a plain value taken as a literal
   */
  public static Dataset<Row> call(SparkSession spark, String function, Object... arguments) {
    LogicalPlan plan = new UnresolvedTableValuedFunction(Scala.seq(List.of(function)),
        Scala.seq(expressions(spark, arguments)), false);
    return org.apache.spark.sql.classic.Dataset.ofRows(classic(spark), plan);
  }

  /**
   * Calls a table function given as an instance, registered or not; arguments as for
   * {@link #call(SparkSession, String, Object...)}.
   */
  public static Dataset<Row> call(SparkSession spark, TableFunction function,
      Object... arguments) {
    FunctionHandle handle = FunctionHandle.ofInstance(function.name(), function);
    LogicalPlan plan = TableFunctionBuilder.build(handle, expressions(spark, arguments));
    return org.apache.spark.sql.classic.Dataset.ofRows(classic(spark), plan);
  }

  /**
   * Partition map: {@code eval} for every batch of each Spark partition of {@code dataset},
   * one instance and one {@code terminate} per partition; any schema and row count out.
   */
  public static Dataset<Row> mapInArrow(Dataset<Row> dataset, TableFunction function) {
    return call(dataset.sparkSession(), function, asTable(dataset));
  }

  /** Groups {@code dataset} by these keys for a grouped or cogrouped map. */
  public static Grouped groupBy(Dataset<Row> dataset, Column... keys) {
    return new Grouped(dataset, List.of(keys), List.of());
  }

  /** A Dataset grouped by keys, optionally with an order within each group. */
  public static final class Grouped {
    private final Dataset<Row> dataset;
    private final List<Column> keys;
    private final List<Column> order;

    private Grouped(Dataset<Row> dataset, List<Column> keys, List<Column> order) {
      this.dataset = dataset;
      this.keys = keys;
      this.order = order;
    }

    /** Orders the rows within each group: {@code col("ts")}, {@code col("x").desc()}. */
    public Grouped orderBy(Column... order) {
      return new Grouped(dataset, keys, List.of(order));
    }

    /**
     * Grouped map: each group's rows stream in batches through {@code function}, between its
     * {@code startGroup} and {@code terminate}; it emits a result of any schema and row count. Without keys, all
     * rows form one group.
     */
    public Dataset<Row> applyInArrow(TableFunction function) {
      TableArg table = asTable(dataset);
      table = keys.isEmpty() ? table.withSinglePartition()
          : table.partitionBy(keys.toArray(new Column[0]));
      if (!order.isEmpty()) {
        table = table.orderBy(order.toArray(new Column[0]));
      }
      return call(dataset.sparkSession(), function, table);
    }

    /** Pairs the groups of this Dataset with those of {@code other} by key. */
    public CoGrouped cogroup(Grouped other) {
      if (other.keys.size() != keys.size() || keys.isEmpty()) {
        throw new QuiverException("cogroup needs the same number of keys, at least one, on "
            + "both sides; got " + keys + " and " + other.keys);
      }
      return new CoGrouped(this, other);
    }
  }

  /** Two Datasets grouped by keys of the same types. */
  public static final class CoGrouped {
    private final Grouped left;
    private final Grouped right;

    private CoGrouped(Grouped left, Grouped right) {
      this.left = left;
      this.right = right;
    }

    /**
     * Cogrouped map: for each key in either Dataset, {@code function} gets {@code startGroup},
     * the left rows, then the right rows, in batches; see {@link CoGroupFunction}.
     */
    public Dataset<Row> applyInArrow(CoGroupFunction function) {
      SparkSession spark = left.dataset.sparkSession();
      FunctionHandle handle = FunctionHandle.ofInstance(function.name(), function);
      StructType schema = TableFunctionBuilder.resultSchema(function.name(),
          function.resultSchema(), false);
      List<Attribute> output = new ArrayList<>();
      for (StructField field : schema.fields()) {
        output.add(new AttributeReference(field.name(), field.dataType(), field.nullable(),
            Metadata.empty(), NamedExpression.newExprId(), Scala.seq()));
      }
      List<Expression> leftKeys = resolve(left.dataset, left.keys);
      List<Expression> rightKeys = resolve(right.dataset, right.keys);
      for (int i = 0; i < leftKeys.size(); i++) {
        if (!leftKeys.get(i).dataType().sameType(rightKeys.get(i).dataType())) {
          throw QuiverErrors.raise(QuiverErrors.invalidCall(function.name(), "it cogroups by "
              + "keys of different types: key " + (i + 1) + " is "
              + leftKeys.get(i).dataType().simpleString() + " on the left and "
              + rightKeys.get(i).dataType().simpleString() + " on the right; cast one side"));
        }
      }
      CoGroupCall call = new CoGroupCall(handle, Scala.seq(leftKeys), Scala.seq(rightKeys),
          Scala.seq(sortOrders(left.dataset, left.order)),
          Scala.seq(sortOrders(right.dataset, right.order)), Scala.seq(output),
          left.dataset.queryExecution().analyzed(), right.dataset.queryExecution().analyzed());
      return org.apache.spark.sql.classic.Dataset.ofRows(classic(spark), call);
    }

    /** Key columns as expressions over the Dataset's analyzed plan. */
    private static List<Expression> resolve(Dataset<Row> dataset, List<Column> keys) {
      LogicalPlan selected = dataset.select(keys.toArray(new Column[0]))
          .queryExecution().analyzed();
      List<Expression> out = new ArrayList<>();
      if (selected instanceof Project project) {
        for (NamedExpression e : Scala.list(project.projectList())) {
          out.add(e instanceof Alias alias ? alias.child() : (Expression) e);
        }
      }
      if (out.size() != keys.size()) {
        throw new QuiverException("cogroup keys " + keys + " must be expressions over the "
            + "columns of the Dataset, without aggregates or generators");
      }
      return out;
    }

    private static List<SortOrder> sortOrders(Dataset<Row> dataset, List<Column> order) {
      if (order.isEmpty()) {
        return List.of();
      }
      LogicalPlan sorted = dataset.sort(order.toArray(new Column[0])).queryExecution()
          .analyzed();
      if (!(sorted instanceof Sort sort)) {
        throw new QuiverException("cogroup orders " + order + " must be columns of the "
            + "Dataset");
      }
      return Scala.list(sort.order());
    }
  }

  /** A named argument of {@link #call}. */
  public static final class Named {
    private final String name;
    private final Object value;

    private Named(String name, Object value) {
      this.name = name;
      this.value = value;
    }
  }

  private static List<Expression> expressions(SparkSession spark, Object[] arguments) {
    org.apache.spark.sql.classic.SparkSession session = classic(spark);
    List<Expression> out = new ArrayList<>();
    for (Object argument : arguments) {
      if (argument instanceof Named named) {
        out.add(new NamedArgumentExpression(named.name, expression(session, named.value)));
      } else {
        out.add(expression(session, argument));
      }
    }
    return out;
  }

  private static Expression expression(org.apache.spark.sql.classic.SparkSession session,
      Object argument) {
    if (argument instanceof TableArg table) {
      return table.expression();
    }
    if (argument instanceof Column column) {
      return session.expression(column);
    }
    return session.expression(functions.lit(argument));
  }

  private static org.apache.spark.sql.classic.SparkSession classic(SparkSession spark) {
    return (org.apache.spark.sql.classic.SparkSession) spark;
  }
}

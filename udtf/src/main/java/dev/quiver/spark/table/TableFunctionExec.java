package dev.quiver.spark.table;

import dev.quiver.spark.shims.ScalaNames;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.catalyst.QuiverExecNode;
import dev.quiver.spark.catalyst.Scala;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Ascending$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.physical.AllTuples$;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.catalyst.plans.physical.UnspecifiedDistribution$;
import org.apache.spark.sql.execution.GroupedIterator;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * Runs a Quiver table function over its TABLE argument: the counterpart of Spark's
 * {@code ArrowEvalPythonUDTFExec} and {@code FlatMapGroupsInArrowExec}. It requires its child to
 * be clustered by the partition keys (or in one partition for {@code WITH SINGLE PARTITION}) and
 * sorted by the keys and then the ORDER BY, so {@code EnsureRequirements} adds exactly the
 * shuffle and sort needed. Groups are runs of equal keys; the task's one function instance gets
 * for each a {@code startGroup}, its rows in Arrow batches of at most
 * {@code spark.quiver.batchSize} rows, and one {@code terminate}. Only one input batch and a few chunks of output are held at a time, so a
 * group of any size streams through, and so does the output of a call.
 */
public final class TableFunctionExec extends QuiverExecNode {
  private final TableCallSpec spec;
  private final Seq<Expression> arguments;
  private final Seq<Expression> partitionBy;
  private final Seq<SortOrder> orderBy;
  private final Seq<Attribute> resultAttributes;
  private final Seq<Attribute> tableColumns;

  public TableFunctionExec(TableCallSpec spec, Seq<Expression> arguments,
      Seq<Expression> partitionBy, Seq<SortOrder> orderBy, Seq<Attribute> resultAttributes,
      Seq<Attribute> tableColumns, SparkPlan child) {
    super(child);
    this.spec = spec;
    this.arguments = arguments;
    this.partitionBy = partitionBy;
    this.orderBy = orderBy;
    this.resultAttributes = resultAttributes;
    this.tableColumns = tableColumns;
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {spec, arguments, partitionBy, orderBy, resultAttributes, tableColumns,
        child()};
  }

  @Override
  public scala.collection.Iterator<Object> stringArgs() {
    return spec.stringArgs(arguments, partitionBy, orderBy, resultAttributes, tableColumns);
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    return standardMetrics(true);
  }

  @Override
  public Seq<Attribute> output() {
    return resultAttributes;
  }

  @Override
  public String nodeName() {
    return "QuiverTableFunction";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + spec.describe(arguments, partitionBy, orderBy, resultAttributes);
  }

  @Override
  public Seq<Distribution> requiredChildDistribution() {
    Distribution required;
    if (!partitionBy.isEmpty()) {
      required = ScalaNames.clusteredDistribution(partitionBy);
    } else if (spec.singlePartition()) {
      required = AllTuples$.MODULE$;
    } else {
      required = UnspecifiedDistribution$.MODULE$;
    }
    return Scala.seq(required);
  }

  @Override
  public Seq<Seq<SortOrder>> requiredChildOrdering() {
    return Scala.seq(ordering(partitionBy, orderBy));
  }

  /** The order a grouped input needs: by its keys, ascending, then by the call's ORDER BY. */
  static Seq<SortOrder> ordering(Seq<Expression> keys, Seq<SortOrder> order) {
    List<SortOrder> out = new ArrayList<>();
    for (Expression key : Scala.list(keys)) {
      out.add(new SortOrder(key, Ascending$.MODULE$, Ascending$.MODULE$.defaultNullOrdering(),
          Scala.seq()));
    }
    out.addAll(Scala.list(order));
    return Scala.seq(out);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Evaluation evaluation = new Evaluation(StreamedCall.of(spec.function(), resultAttributes,
        operatorMetrics()), spec, arguments, partitionBy, child().output(), tableColumns);
    return child().execute().mapPartitionsInternal(evaluation, false,
        Scala.classTag(InternalRow.class));
  }

  static StructType schemaOf(Seq<Attribute> attributes) {
    List<StructField> fields = new ArrayList<>();
    for (Attribute a : Scala.list(attributes)) {
      fields.add(new StructField(a.name(), a.dataType(), a.nullable(), Metadata.empty()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** Runs of rows with equal keys, each as an iterator over the group's rows. */
  static Iterator<Tuple2<InternalRow, Iterator<InternalRow>>> groupsOf(Iterator<InternalRow> rows,
      Seq<Expression> keys, Seq<Attribute> input) {
    return GroupedIterator.apply(rows, keys, input);
  }

  /**
   * What an executor needs to run the function over one partition: a record, shipped without
   * the operator and its driver-side state.
   */
  private record Evaluation(StreamedCall call, TableCallSpec spec, Seq<Expression> arguments,
      Seq<Expression> partitionBy, Seq<Attribute> input, Seq<Attribute> tableColumns)
      implements Function1<Iterator<InternalRow>, Iterator<InternalRow>>, Serializable {
    @Override
    public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
      return new Evaluator(this, rows, TaskContext.get());
    }
  }

  /**
   * Pulls the groups of one partition through the function: startGroup, then eval per batch
   * until the group ends or the function skips the rest, then terminate.
   */
  private static final class Evaluator extends StreamedEvaluator<TableFunction> {
    private final Arguments arguments;
    private final RowBatchWriter writer;
    /** The TABLE argument's columns out of the child's rows; null when they are all it has. */
    private final UnsafeProjection tableRow;
    private final Iterator<Tuple2<InternalRow, Iterator<InternalRow>>> keyedGroups;
    private Iterator<InternalRow> wholePartition;
    private Iterator<InternalRow> group;

    Evaluator(Evaluation plan, Iterator<InternalRow> rows, TaskContext task) {
      super(task, plan.call(), TableFunction.class, TableFunction::startGroup);
      this.arguments = plan.spec().constantArguments(plan.arguments());
      if (plan.partitionBy().isEmpty()) {
        this.keyedGroups = null;
        this.wholePartition = rows;
      } else {
        this.keyedGroups = groupsOf(rows, plan.partitionBy(), plan.input());
      }
      this.writer = inputs.writer(schemaOf(plan.tableColumns()), plan.call().timeZone());
      this.tableRow = plan.tableColumns().equals(plan.input()) ? null
          : UnsafeProjection.create(
              Scala.seq(new ArrayList<Expression>(Scala.list(plan.tableColumns()))),
              plan.input());
      emitter.sinkTo(calls.copyingSink());
    }

    /** One unit of work: start a group, evaluate a batch, or end a group. */
    @Override
    boolean step() {
      if (group == null) {
        group = nextGroup();
        if (group == null) {
          return false;
        }
        metrics.groups.add(1);
        function.startGroup();
      } else if (group.hasNext()) {
        evalBatch();
      } else {
        group = null;
        calls.start(() -> function.eval("terminate", f -> f.terminate(emitter)), done -> { });
      }
      return true;
    }

    private Iterator<InternalRow> nextGroup() {
      if (keyedGroups == null) {
        Iterator<InternalRow> all = wholePartition;
        wholePartition = null; // a partition without keys is one group, also when empty
        return all;
      }
      return keyedGroups.hasNext() ? keyedGroups.next()._2() : null;
    }

    private void evalBatch() {
      writer.reset();
      int rows = 0;
      while (rows < batchSize && group.hasNext()) {
        InternalRow row = group.next();
        writer.write(tableRow == null ? row : tableRow.apply(row));
        rows++;
      }
      VectorSchemaRoot batch = writer.finish();
      metrics.inputRows.add(rows);
      metrics.batches.add(1);
      if (!group.hasNext()) {
        // The group's last batch: eval and terminate go to the worker as one call, since each
        // hand-off there and back costs tens of microseconds, as much as a small group's work.
        group = null;
        calls.start(() -> {
          function.eval("eval", f -> f.eval(batch, arguments, emitter));
          return function.eval("terminate", f -> f.terminate(emitter));
        }, done -> { });
        return;
      }
      calls.start(() -> function.eval("eval", f -> f.eval(batch, arguments, emitter)),
          more -> {
            if (!more) {
              // The grouped iterator skips the rest of the group when asked for the next one.
              group = Scala.emptyIterator();
            }
          });
    }
  }
}

package dev.quiver.spark.table;

import dev.quiver.spark.shims.ScalaNames;
import dev.quiver.spark.catalyst.QuiverBinaryExecNode;
import dev.quiver.function.table.CoGroupFunction;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import org.apache.spark.sql.execution.CoGroupedIterator;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.Metadata;
import scala.Tuple3;
import scala.Function2;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * Runs a {@link CoGroupFunction} over two inputs clustered and sorted by their keys: the
 * counterpart of Spark's {@code FlatMapCoGroupsInArrowExec}. {@code EnsureRequirements}
 * co-partitions the inputs; groups of equal keys are matched with Spark's
 * {@link CoGroupedIterator} and streamed side by side through the task's one instance, one group
 * after the other.
 */
public final class CoGroupExec extends QuiverBinaryExecNode {
  private final FunctionHandle function;
  private final Seq<Expression> leftKeys;
  private final Seq<Expression> rightKeys;
  private final Seq<SortOrder> leftOrder;
  private final Seq<SortOrder> rightOrder;
  private final Seq<Attribute> resultAttributes;

  public CoGroupExec(FunctionHandle function, Seq<Expression> leftKeys, Seq<Expression> rightKeys,
      Seq<SortOrder> leftOrder, Seq<SortOrder> rightOrder, Seq<Attribute> resultAttributes,
      SparkPlan left, SparkPlan right) {
    super(left, right);
    this.function = function;
    this.leftKeys = leftKeys;
    this.rightKeys = rightKeys;
    this.leftOrder = leftOrder;
    this.rightOrder = rightOrder;
    this.resultAttributes = resultAttributes;
  }

  @Override
  public Seq<Attribute> output() {
    return resultAttributes;
  }

  @Override
  public String nodeName() {
    return "QuiverCoGroupedMap";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + describe(function, leftKeys, rightKeys, resultAttributes);
  }

  /** The call and its result columns, as EXPLAIN shows both this operator and its call. */
  static String describe(FunctionHandle function, Seq<Expression> leftKeys,
      Seq<Expression> rightKeys, Seq<Attribute> resultAttributes) {
    return function.name() + " " + Scala.list(leftKeys) + ", " + Scala.list(rightKeys) + ", "
        + Scala.list(resultAttributes);
  }

  @Override
  public Seq<Distribution> requiredChildDistribution() {
    return Scala.seq(ScalaNames.clusteredDistribution(leftKeys),
        ScalaNames.clusteredDistribution(rightKeys));
  }

  @Override
  public Seq<Seq<SortOrder>> requiredChildOrdering() {
    return Scala.seq(TableFunctionExec.ordering(leftKeys, leftOrder),
        TableFunctionExec.ordering(rightKeys, rightOrder));
  }

  @Override
  public RDD<InternalRow> doExecute() {
    List<Attribute> keySchema = new ArrayList<>();
    int i = 0;
    for (Expression key : Scala.list(leftKeys)) {
      keySchema.add(new AttributeReference("key" + i++, key.dataType(), true, Metadata.empty(),
          NamedExpression.newExprId(), Scala.seq()));
    }
    Evaluation evaluation = new Evaluation(StreamedCall.of(function, resultAttributes,
        operatorMetrics()), leftKeys, rightKeys, left().output(),
        right().output(), Scala.seq(keySchema));
    return left().execute().zipPartitions(right().execute(), false, evaluation,
        Scala.classTag(InternalRow.class), Scala.classTag(InternalRow.class));
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {function, leftKeys, rightKeys, leftOrder, rightOrder, resultAttributes,
        left(), right()};
  }

  /**
   * What an executor needs to run the function over the matched partitions of both inputs: a
   * record, shipped without the operator and its driver-side state.
   */
  private record Evaluation(StreamedCall call, Seq<Expression> leftKeys,
      Seq<Expression> rightKeys, Seq<Attribute> leftInput, Seq<Attribute> rightInput,
      Seq<Attribute> keySchema) implements Function2<Iterator<InternalRow>,
      Iterator<InternalRow>, Iterator<InternalRow>>, Serializable {
    @Override
    public Iterator<InternalRow> apply(Iterator<InternalRow> leftRows,
        Iterator<InternalRow> rightRows) {
      return new Evaluator(this, leftRows, rightRows, TaskContext.get());
    }
  }

  /** Like the evaluator of {@link TableFunctionExec}, over the matched groups of both sides. */
  private static final class Evaluator extends StreamedEvaluator<CoGroupFunction> {
    private final Iterator<Tuple3<InternalRow, Iterator<InternalRow>, Iterator<InternalRow>>>
        groups;
    private final RowBatchWriter leftWriter;
    private final RowBatchWriter rightWriter;
    private Iterator<InternalRow> leftGroup;
    private Iterator<InternalRow> rightGroup;
    private boolean inGroup;

    Evaluator(Evaluation plan, Iterator<InternalRow> leftRows, Iterator<InternalRow> rightRows,
        TaskContext task) {
      super(task, plan.call(), CoGroupFunction.class, CoGroupFunction::startGroup);
      this.groups = new CoGroupedIterator(
          TableFunctionExec.groupsOf(leftRows, plan.leftKeys(), plan.leftInput()),
          TableFunctionExec.groupsOf(rightRows, plan.rightKeys(), plan.rightInput()),
          plan.keySchema());
      String timeZone = plan.call().timeZone();
      this.leftWriter = inputs.writer(TableFunctionExec.schemaOf(plan.leftInput()), timeZone);
      this.rightWriter = inputs.writer(TableFunctionExec.schemaOf(plan.rightInput()), timeZone);
      emitter.sinkTo(calls.copyingSink());
    }

    @Override
    boolean step() {
      if (!inGroup) {
        if (!groups.hasNext()) {
          return false;
        }
        Tuple3<InternalRow, Iterator<InternalRow>, Iterator<InternalRow>> group = groups.next();
        leftGroup = group._2();
        rightGroup = group._3();
        inGroup = true;
        metrics.groups.add(1);
        function.startGroup();
      } else if (leftGroup.hasNext()) {
        VectorSchemaRoot batch = fill(leftWriter, leftGroup);
        calls.start(() -> function.eval("evalLeft", f -> f.evalLeft(batch, emitter)), more -> {
          if (!more) {
            leftGroup = Scala.emptyIterator();
          }
        });
      } else if (rightGroup.hasNext()) {
        VectorSchemaRoot batch = fill(rightWriter, rightGroup);
        calls.start(() -> function.eval("evalRight", f -> f.evalRight(batch, emitter)),
            more -> {
              if (!more) {
                rightGroup = Scala.emptyIterator();
              }
            });
      } else {
        inGroup = false;
        calls.start(() -> function.eval("terminate", f -> f.terminate(emitter)), done -> { });
      }
      return true;
    }

    private VectorSchemaRoot fill(RowBatchWriter writer, Iterator<InternalRow> rows) {
      writer.reset();
      int count = 0;
      while (count < batchSize && rows.hasNext()) {
        writer.write(rows.next());
        count++;
      }
      metrics.inputRows.add(count);
      metrics.batches.add(1);
      return writer.finish();
    }
  }
}

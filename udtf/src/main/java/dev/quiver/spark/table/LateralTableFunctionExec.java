package dev.quiver.spark.table;

import dev.quiver.spark.execution.CatalystValues;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.catalyst.QuiverExecNode;
import dev.quiver.spark.catalyst.Scala;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * Runs a Quiver table function called without a TABLE argument, once per input row, and joins
 * each row with what the function emitted for it: the physical form of
 * {@code Generate(TableFunctionGenerator)}, replacing Spark's {@code GenerateExec} with the same
 * semantics (the partition's rows are one group, {@code terminate} at its end, joined with its last row;
 * {@code outer} keeps rows that produced nothing). For {@code f(5)} the input is Spark's single
 * row of {@code OneRowRelation}; for {@code FROM t, LATERAL f(t.x)}, after decorrelation, the
 * rows of {@code t}.
 */
public final class LateralTableFunctionExec extends QuiverExecNode {
  private final TableFunctionGenerator generator;
  private final Seq<Attribute> requiredChildOutput;
  private final boolean outer;
  private final Seq<Attribute> generatorOutput;

  public LateralTableFunctionExec(TableFunctionGenerator generator,
      Seq<Attribute> requiredChildOutput, boolean outer, Seq<Attribute> generatorOutput,
      SparkPlan child) {
    super(child);
    this.generator = generator;
    this.requiredChildOutput = requiredChildOutput;
    this.outer = outer;
    this.generatorOutput = generatorOutput;
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {generator, requiredChildOutput, outer, generatorOutput, child()};
  }

  @Override
  protected Map<String, SQLMetric> createMetrics() {
    return standardMetrics();
  }

  @Override
  public Seq<Attribute> output() {
    return requiredChildOutput.appendedAll(generatorOutput).toList();
  }

  @Override
  public AttributeSet producedAttributes() {
    return Scala.attributeSet(generatorOutput);
  }

  @Override
  public String nodeName() {
    return "QuiverTableFunction";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + generator + (outer ? " OUTER" : "") + " per row, "
        + Scala.list(requiredChildOutput) + ", " + Scala.list(generatorOutput);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Evaluation evaluation = new Evaluation(StreamedCall.of(generator.function(),
        generatorOutput, operatorMetrics()), generator.children(), generator.argumentNames(),
        requiredChildOutput, outer, child().output(), output());
    return child().execute().mapPartitionsInternal(evaluation, false,
        Scala.classTag(InternalRow.class));
  }

  private record Evaluation(StreamedCall call, Seq<Expression> arguments,
      Seq<String> argumentNames, Seq<Attribute> requiredChildOutput, boolean outer,
      Seq<Attribute> input, Seq<Attribute> output) implements Function1<Iterator<InternalRow>,
      Iterator<InternalRow>>, Serializable {
    @Override
    public Iterator<InternalRow> apply(Iterator<InternalRow> rows) {
      return new Evaluator(this, rows, TaskContext.get());
    }
  }

  /**
   * One call of the function per input row, which joins each emitted row with the input row it
   * came from as it is emitted; the partition's rows are the instance's one group.
   */
  private static final class Evaluator extends StreamedEvaluator<TableFunction> {
    private final boolean outer;
    private final Iterator<InternalRow> input;
    private final UnsafeProjection argumentProjection;
    private final UnsafeProjection leftProjection;
    private final UnsafeProjection outputProjection;
    private final DataType[] argumentTypes;
    private final List<String> argumentNames;
    private final VectorSchemaRoot oneRow;
    private final JoinedRow joined = new JoinedRow();
    private final InternalRow nullResult;
    private InternalRow left;
    private boolean started;
    private boolean skipping;
    private boolean terminated;

    Evaluator(Evaluation plan, Iterator<InternalRow> input, TaskContext task) {
      super(task, plan.call(), TableFunction.class, TableFunction::startGroup);
      this.outer = plan.outer();
      this.input = input;
      this.argumentProjection = UnsafeProjection.create(plan.arguments(), plan.input());
      this.leftProjection = UnsafeProjection.create(
          Scala.seq(new ArrayList<Expression>(Scala.list(plan.requiredChildOutput()))),
          plan.input());
      this.outputProjection = UnsafeProjection.create(
          Scala.seq(new ArrayList<Expression>(Scala.list(plan.output()))), plan.output());
      // Arguments may be non-deterministic (rand()): their state is per partition.
      argumentProjection.initialize(task.partitionId());
      leftProjection.initialize(task.partitionId());
      outputProjection.initialize(task.partitionId());
      List<Expression> args = Scala.list(plan.arguments());
      this.argumentTypes = new DataType[args.size()];
      for (int i = 0; i < argumentTypes.length; i++) {
        argumentTypes[i] = args.get(i).dataType();
      }
      this.argumentNames = Scala.list(plan.argumentNames());
      this.nullResult = new GenericInternalRow(plan.call().resultType().length());
      this.left = new GenericInternalRow(plan.requiredChildOutput().length());
      this.oneRow = inputs.add(new VectorSchemaRoot(List.<Field>of(), List.<FieldVector>of(), 1));
      // On the worker, while the task's thread waits: left is the row being evaluated.
      emitter.sinkTo(row -> calls.add(joinWithLeft(row)));
    }

    private InternalRow joinWithLeft(InternalRow result) {
      return outputProjection.apply(joined.apply(left, result)).copy();
    }

    @Override
    boolean step() {
      if (!started) {
        started = true;
        function.startGroup();
      } else if (input.hasNext()) {
        InternalRow row = input.next();
        metrics.inputRows.add(1);
        left = leftProjection.apply(row).copy();
        if (skipping) {
          if (outer) {
            pending = joinWithLeft(nullResult);
            metrics.outputRows.add(1);
          }
          return true;
        }
        Arguments arguments = arguments(argumentProjection.apply(row));
        metrics.batches.add(1);
        calls.start(() -> {
          emitter.takeEmittedCount();
          boolean more = function.eval("eval", f -> f.eval(oneRow, arguments, emitter));
          if (outer && emitter.takeEmittedCount() == 0) {
            calls.add(joinWithLeft(nullResult));
          }
          return more;
        }, more -> skipping = !more);
      } else if (!terminated) {
        terminated = true;
        calls.start(() -> function.eval("terminate", f -> f.terminate(emitter)), done -> { });
      } else {
        return false;
      }
      return true;
    }

    private Arguments arguments(InternalRow values) {
      Arguments.Builder builder = Arguments.builder();
      for (int i = 0; i < argumentTypes.length; i++) {
        Object value = values.isNullAt(i) ? null
            : CatalystValues.toJava(values.get(i, argumentTypes[i]), argumentTypes[i]);
        String name = argumentNames.get(i);
        builder.add(name.isEmpty() ? null : name, value, argumentTypes[i].simpleString(), true);
      }
      return builder.build();
    }
  }
}

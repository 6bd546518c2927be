package dev.quiver.spark.scalar;

import static dev.quiver.spark.shims.JavaCodegenNode.addField;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import dev.quiver.spark.shims.JavaCodegenNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.GenerateUnsafeProjection;
import org.apache.spark.sql.execution.CodegenSupport;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.InputRDDCodegen;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.RangeExec;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

/**
 * The code Spark generates for {@link ScalarEvalExec} over row input, inside the whole-stage
 * stage of its child and its parent: each child row, as the generated code's variables, is
 * written into the batch ({@link RowBatches}) without ever going through an iterator; when the
 * batch is full, the calls run and the batch's rows are handed on as variables read from its
 * columns, the output list evaluated by the generated code.
 *
 * <p>The operator produces its rows like a blocking operator (an aggregate), one batch at a
 * time: its child's loop runs in a method of its own and stops when the batch is full, through
 * the condition Spark's sources and blocking operators check before each row for a downstream
 * {@code LIMIT} ({@code limitNotReachedChecks}), and resumes where it stopped when the next
 * batch is filled. Only children whose rows come from a loop that checks the condition and can be
 * resumed are joined (an iterator, {@code range()}, a sort, a columnar scan's rows through
 * {@link ColumnarScanRowsExec}): a sort-merge join ignores the condition and would fill one batch
 * with its whole output; Spark's loops over a columnar scan's batches and over an aggregate's
 * groups release their state once the condition ends them. Other children, and every child when
 * {@code spark.quiver.codegen} is false, get the operator's row iterator. Over a columnar scan,
 * a batch also ends with the scan's batch, whose vectors then hold the input columns the output
 * reads: those are read from there, not written into the batch.
 */
final class ScalarCodegen {
  private final ScalarEvalExec exec;
  private final ScalarEvalExec.Evaluation plan;
  /** The child when it is a columnar scan's rows, whose batch holds the kept columns; or null. */
  private final ColumnarScanRowsExec scan;
  /** The output list, reading the guards already evaluated (see {@link HeldGuards}). */
  private final HeldGuards held;
  /** The input columns the output reads, and those of them written into each batch. */
  private final List<Attribute> kept;
  private final List<Attribute> keptWritten;
  /** Fields of the generated class: the task's batches, and the writers of typed writes. */
  private final String batches;
  private final String[] arguments;
  private final String keptValues;

  /**
   * Generates {@code exec}, whose evaluation over its {@link #written} columns is {@code plan},
   * whose output is {@code held}'s, reading the input columns {@code kept}.
   */
  ScalarCodegen(ScalarEvalExec exec, CodegenContext ctx, ScalarEvalExec.Evaluation plan,
      HeldGuards held, List<Attribute> kept) {
    this.exec = exec;
    this.plan = plan;
    this.scan = exec.child() instanceof ColumnarScanRowsExec s ? s : null;
    this.held = held;
    this.kept = kept;
    this.keptWritten = Scala.list(plan.kept());
    this.batches = addField(ctx, RowBatches.class.getName(), "quiverBatches", "");
    boolean typed = typedWrites();
    this.arguments = typed ? new String[plan.groups().length] : null;
    for (int g = 0; typed && g < arguments.length; g++) {
      arguments[g] = addField(ctx, RowBatchWriter.class.getName(), "quiverArguments", "");
    }
    this.keptValues = typed && !keptWritten.isEmpty()
        ? addField(ctx, RowBatchWriter.class.getName(), "quiverKept", "") : null;
  }

  /**
   * The condition the child's loop checks before each row. A batch over a columnar scan ends
   * with the scan's batch, which then holds the batch's kept columns while its rows are handed on.
   */
  String hasRoom() {
    if (scan != null) {
      return batches + ".hasRoom() && (" + scan.batchLeft() + " || " + batches + ".rows() == 0)";
    }
    return batches + ".hasRoom()";
  }

  /** Whether {@code exec}, whose kept input columns are {@code kept}, can be generated. */
  static boolean supports(ScalarEvalExec exec, List<Attribute> kept) {
    if (!QuiverConf.codegen() || exec.supportsColumnar()) {
      return false;
    }
    if (!kept.isEmpty() && KeptColumns.arrowSchema(kept) == null
        && !(exec.child() instanceof ColumnarScanRowsExec)) {
      return false;
    }
    return stopsWhenFull(exec.child());
  }

  /** Whether the loop producing {@code plan}'s rows in a stage checks the limit conditions. */
  private static boolean stopsWhenFull(SparkPlan plan) {
    while (true) {
      if (!(plan instanceof CodegenSupport codegen) || !codegen.supportCodegen()
          || plan instanceof InputAdapter) {
        // Read through an iterator, whose loop checks.
        return true;
      }
      if (plan instanceof ProjectExec || plan instanceof FilterExec) {
        plan = plan.children().head();
      } else if (plan instanceof BroadcastHashJoinExec join) {
        plan = join.streamedPlan();
      } else {
        // Loops that can be left and resumed. Spark's loops over a scan's batches and over an
        // aggregate's groups release their state when the condition ends them (for good, when
        // a LIMIT is reached); below those the iterator is used.
        return plan instanceof RangeExec || plan instanceof InputRDDCodegen
            || plan instanceof SortExec || plan instanceof ColumnarScanRowsExec
            || plan instanceof ScalarEvalExec inner && inner.supportCodegen();
      }
    }
  }

  /** The input columns the generated code writes into each batch row, in this order. */
  static List<Attribute> written(ScalarEvalExec exec) {
    List<Attribute> written = new ArrayList<>();
    var references = exec.references();
    for (Attribute a : Scala.list(exec.child().output())) {
      if (references.contains(a)) {
        written.add(a);
      }
    }
    return written;
  }

  /**
   * Each child row. When the arguments and kept columns are of flat types, its values go straight
   * from the generated code's variables into the Arrow batches; otherwise the columns
   * {@link #written} become an unsafe row, which {@link RowBatches} reads as the iterator's rows.
   */
  String consume(CodegenContext ctx, Seq<ExprCode> input) {
    List<Attribute> childOutput = Scala.list(exec.child().output());
    List<Attribute> written = Scala.list(plan.input());
    JavaCodegenNode.readVariables(ctx, input);
    String evaluated = exec.evaluateRequiredVariables(exec.child().output(), input,
        Scala.attributeSet(Scala.seq(written)));
    if (arguments == null) {
      List<Expression> bound = new ArrayList<>();
      for (Attribute a : written) {
        bound.add(bind(a, childOutput));
      }
      ExprCode row = GenerateUnsafeProjection.createCode(ctx, Scala.seq(bound), false);
      return evaluated + "\n" + row.code() + "\n" + batches + ".write(" + row.value() + ");\n";
    }
    StringBuilder code = new StringBuilder(evaluated);
    if (keptValues != null) {
      code.append("\ntry {\n");
      for (int k = 0; k < keptWritten.size(); k++) {
        code.append(write(ctx, keptValues, k, bind(keptWritten.get(k), childOutput)));
      }
      code.append(tooLarge("keptTooLarge("));
    }
    for (int g = 0; g < arguments.length; g++) {
      CallGroup group = plan.groups()[g];
      StringBuilder writes = new StringBuilder("try {\n");
      for (int i = 0; i < group.argumentOrdinals.length; i++) {
        int ordinal = group.argumentOrdinals[i];
        Expression argument = group.argumentComputed[i] ? group.computed.apply(ordinal)
            : written.get(ordinal);
        writes.append(write(ctx, arguments[g], i, bind(argument, childOutput)));
      }
      writes.append(tooLarge("argumentsTooLarge(" + g + ", ")).append(batches)
          .append(".gathered(").append(g).append(");\n");
      if (group.guard == null) {
        code.append(writes);
        continue;
      }
      // Arguments are computed on the rows the guard holds on only: 10 / x may fail elsewhere.
      ExprCode guard = bind(group.guard, childOutput).genCode(ctx);
      code.append(guard.code()).append("\nif (!").append(guard.isNull()).append(" && ")
          .append(guard.value()).append(") {\n").append(writes).append("} else {\n  ")
          .append(batches).append(".skipped(").append(g).append(");\n}\n");
    }
    return code.append(batches).append(".rowWritten();\n").toString();
  }

  /**
   * The end of a block of typed writes: running out of Arrow memory fails with the exception of
   * a {@link RowBatches} method; {@code call} is that call up to the exception, such as
   * {@code "argumentsTooLarge(0, "}.
   */
  private String tooLarge(String call) {
    return "} catch (org.apache.arrow.memory.OutOfMemoryException e) {\n  throw " + batches + "."
        + call + "e);\n}\n";
  }

  /** Whether every argument and kept column is written value by value (see {@link #consume}). */
  private boolean typedWrites() {
    for (CallGroup group : plan.groups()) {
      for (var field : group.argumentSchema.fields()) {
        if (RowBatchWriter.typedWrite(field.dataType()) == null) {
          return false;
        }
      }
    }
    return keptWritten.stream().allMatch(a -> RowBatchWriter.typedWrite(a.dataType()) != null);
  }

  /** Evaluates {@code e} and writes it as column {@code column} of {@code writer}. */
  private static String write(CodegenContext ctx, String writer, int column, Expression e) {
    ExprCode value = e.genCode(ctx);
    String set = writer + "." + RowBatchWriter.typedWrite(e.dataType()) + "(" + column + ", "
        + value.value() + ");";
    String isNull = value.isNull().toString();
    if (isNull.equals("false")) {
      return value.code() + "\n" + set + "\n";
    }
    return value.code() + "\nif (" + isNull + ") {\n  " + writer + ".writeNull(" + column
        + ");\n} else {\n  " + set + "\n}\n";
  }

  /**
   * The operator's loop: emit the rows of the current batch; when it is done, fill the next one
   * from the child and evaluate the calls. Returns after an emitted row when the stage's buffer
   * asks it to, and resumes at the next row.
   */
  String produce(CodegenContext ctx) {
    String evaluation = ctx.addReferenceObj("quiverEvaluation", plan, "Object");
    String open = batches + " = dev.quiver.spark.scalar.RowBatches.open(" + evaluation + ");";
    for (int g = 0; arguments != null && g < arguments.length; g++) {
      open += "\n" + arguments[g] + " = " + batches + ".arguments(" + g + ");";
    }
    if (keptValues != null) {
      open += "\n" + keptValues + " = " + batches + ".kept();";
    }
    String position = addField(ctx, "int", "quiverPosition", "");
    String rows = addField(ctx, "int", "quiverRows", "");
    String done = addField(ctx, "boolean", "quiverDone", "");
    List<Attribute> columns = new ArrayList<>(kept);
    columns.addAll(Scala.list(exec.resultAttributes()));
    int heldFrom = columns.size();
    columns.addAll(held.held());
    String fill = ctx.freshName("quiverFill");
    String childCode = ((CodegenSupport) exec.child()).produce(ctx, exec);
    fill = ctx.addNewFunction(fill, "private void " + fill + "() throws java.io.IOException {\n"
        + childCode + "\n}\n", false);

    // Each column of the output's rows: from the batch, or, over a columnar scan, the kept
    // ones from the scan's batch, whose row scanStart is the batch's first.
    String[] vectors = new String[columns.size()];
    StringBuilder readColumns = new StringBuilder();
    String batch = ctx.freshName("quiverBatch");
    String row = ctx.freshName("quiverRow");
    String scanStart = scan == null ? null : addField(ctx, "int", "quiverScanStart", "");
    String filled = batches + ".hasRoom()";
    if (scan != null) {
      readColumns.append(scanStart).append(" = ").append(scan.position()).append(" - ")
          .append(rows).append(";\n");
      filled += " && " + scan.exhausted();
    }
    List<Attribute> childOutput = Scala.list(exec.child().output());
    List<ExprCode> columnVars = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      String at = row;
      // The guarded group of a call's result, read from the rows gathered for it.
      int gathered = i < kept.size() || i >= heldFrom ? -1 : guardedGroup(i - kept.size());
      if (i >= heldFrom) {
        // Whether the row was gathered for the group: its position among the gathered rows.
        String positions = addField(ctx, "int[]", "quiverHeld", "");
        readColumns.append(positions).append(" = ").append(batches).append(".positions(")
            .append(held.groups()[i - heldFrom]).append(");\n");
        String value = ctx.freshName("held");
        columnVars.add(JavaCodegenNode.exprCode("boolean " + value + " = " + positions + "["
            + row + "] >= 0;", null, value, columns.get(i).dataType()));
        continue;
      } else if (scan != null && i < kept.size()) {
        vectors[i] = scan.vector(Scala.ordinalOf(childOutput, kept.get(i)));
        at = "(" + scanStart + " + " + row + ")";
      } else if (gathered >= 0) {
        columnVars.add(readGathered(ctx, readColumns, gathered, i - kept.size(), row,
            columns.get(i).dataType()));
        continue;
      } else {
        vectors[i] = addField(ctx, ColumnVector.class.getName(), "quiverColumn", "");
        readColumns.append(vectors[i]).append(" = ").append(batch).append(".column(")
            .append(scan == null ? i : i - kept.size()).append(");\n");
      }
      columnVars.add(read(ctx, vectors[i], at, columns.get(i).dataType(),
          columns.get(i).nullable()));
    }
    // Bound references repeat a variable's code: the columns are read once, before the output.
    String readRow = exec.evaluateRequiredVariables(Scala.seq(columns), Scala.seq(columnVars),
        Scala.attributeSet(Scala.seq(held.output())));
    JavaCodegenNode.readVariables(ctx, Scala.seq(columnVars));
    List<ExprCode> outputVars = new ArrayList<>();
    List<Attribute> nondeterministic = new ArrayList<>();
    for (NamedExpression output : held.output()) {
      Expression e = (Expression) output;
      if (!e.deterministic()) {
        nondeterministic.add(output.toAttribute());
      }
      outputVars.add(bind(e, columns).genCode(ctx));
    }
    String evaluated = readRow + exec.evaluateRequiredVariables(exec.output(),
        Scala.seq(outputVars), Scala.attributeSet(Scala.seq(nondeterministic)));
    String emit = exec.consumeVariables(ctx, Scala.seq(outputVars));
    String limit = exec.limitNotReachedCond();
    return """
        if (%1$s == null) {
          %2$s
        }
        while (%3$s true) {
          if (%4$s < %5$s) {
            while (%3$s %4$s < %5$s) {
              int %6$s = %4$s++;
              %7$s
              %8$s
              %9$s
            }
            continue;
          }
          if (%10$s) {
            %1$s.close();
            break;
          }
          %1$s.start();
          %11$s();
          %10$s = %15$s;
          %5$s = %1$s.rows();
          %4$s = 0;
          if (%5$s > 0) {
            %12$s %13$s = %1$s.evaluate();
            %14$s
          }
        }
        """.formatted(batches, open, limit, position, rows, row, evaluated, emit,
        exec.parent().needStopCheck() ? "if (shouldStop()) return;" : "", done, fill,
        ColumnarBatch.class.getName(), batch, readColumns, filled);
  }

  /** The guarded group whose calls include call {@code call}, or -1. */
  private int guardedGroup(int call) {
    CallGroup[] groups = plan.groups();
    for (int g = 0; g < groups.length; g++) {
      for (int c : groups[g].callIndexes) {
        if (c == call && groups[g].guard != null) {
          return g;
        }
      }
    }
    return -1;
  }

  /**
   * Reads a guarded call's result for the batch's row {@code row} from the results of the rows
   * gathered for it (group {@code g}'s): null where its guard did not hold.
   */
  private ExprCode readGathered(CodegenContext ctx, StringBuilder readColumns, int g, int call,
      String row, DataType type) {
    String positions = addField(ctx, "int[]", "quiverGathered", "");
    String dense = addField(ctx, ColumnVector.class.getName(), "quiverDense", "");
    readColumns.append(positions).append(" = ").append(batches).append(".positions(")
        .append(g).append(");\n").append(dense).append(" = ").append(batches)
        .append(".dense(").append(call).append(");\n");
    String at = ctx.freshName("at");
    String isNull = ctx.freshName("isNull");
    String value = ctx.freshName("value");
    return JavaCodegenNode.exprCode("int " + at + " = " + positions + "[" + row + "];\n"
        + "boolean " + isNull + " = " + at + " < 0 || " + dense + ".isNullAt(" + at + ");\n"
        + CodeGenerator.javaType(type) + " " + value + " = " + isNull + " ? "
        + CodeGenerator.defaultValue(type, true) + " : ("
        + CodeGenerator.getValueFromVector(dense, type, at) + ");", isNull, value, type);
  }

  /** {@code e} with each column replaced by its position in {@code columns}. */
  private static Expression bind(Expression e, List<Attribute> columns) {
    return e.transform(Transforms.everywhere(x -> {
      if (x instanceof Attribute a) {
        int ordinal = Scala.ordinalOf(columns, a);
        if (ordinal >= 0) {
          return new BoundReference(ordinal, a.dataType(), a.nullable());
        }
      }
      return x;
    }));
  }

  /** Reads row {@code row} of a batch column, as Spark's columnar-to-row code does. */
  static ExprCode read(CodegenContext ctx, String vector, String row, DataType type,
      boolean nullable) {
    String javaType = CodeGenerator.javaType(type);
    String value = ctx.freshName("value");
    String get = CodeGenerator.getValueFromVector(vector, type, row);
    if (!nullable) {
      return JavaCodegenNode.exprCode(javaType + " " + value + " = " + get + ";", null, value,
          type);
    }
    String isNull = ctx.freshName("isNull");
    return JavaCodegenNode.exprCode("boolean " + isNull + " = " + vector + ".isNullAt(" + row
        + ");\n" + javaType + " " + value + " = " + isNull + " ? "
        + CodeGenerator.defaultValue(type, true) + " : (" + get + ");", isNull, value, type);
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;

/**
 * The calls of one operator that share a guard, with what an executor needs to evaluate them on
 * one Arrow batch of the rows where it holds: each distinct argument is written once per batch,
 * plain columns straight from the input row, anything else computed by a projection first, on
 * those rows only (an argument such as {@code 10 / x} may fail where the guard is false).
 */
final class CallGroup implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** The rows to evaluate on; null for all of them. */
  final Expression guard;
  /** Each call's position among the operator's calls. */
  final int[] callIndexes;
  final FunctionHandle[] functions;
  final StructType resultSchema;
  final StructType argumentSchema;
  final int[][] argumentIndexes;
  final int[] argumentOrdinals;
  final boolean[] argumentComputed;
  final Seq<Expression> computed;
  final String timeZone;
  final int batchSize;
  final SQLMetric functionTime;

  private CallGroup(Expression guard, int[] callIndexes, FunctionHandle[] functions,
      StructType resultSchema, StructType argumentSchema, int[][] argumentIndexes,
      int[] argumentOrdinals, boolean[] argumentComputed, Seq<Expression> computed,
      String timeZone, int batchSize, SQLMetric functionTime) {
    this.guard = guard;
    this.callIndexes = callIndexes;
    this.functions = functions;
    this.resultSchema = resultSchema;
    this.argumentSchema = argumentSchema;
    this.argumentIndexes = argumentIndexes;
    this.argumentOrdinals = argumentOrdinals;
    this.argumentComputed = argumentComputed;
    this.computed = computed;
    this.timeZone = timeZone;
    this.batchSize = batchSize;
    this.functionTime = functionTime;
  }

  /** The calls in groups of equal guards, unguarded calls first. */
  static CallGroup[] of(List<ScalarCall> calls, List<Expression> guards, List<Attribute> input,
      String timeZone, int batchSize, SQLMetric functionTime) {
    List<Expression> distinctGuards = new ArrayList<>();
    distinctGuards.add(Literal.TrueLiteral());
    List<List<Integer>> members = new ArrayList<>();
    members.add(new ArrayList<>());
    for (int c = 0; c < calls.size(); c++) {
      int g = indexOf(distinctGuards, guards.get(c));
      if (g == members.size()) {
        members.add(new ArrayList<>());
      }
      members.get(g).add(c);
    }
    List<CallGroup> groups = new ArrayList<>();
    for (int g = 0; g < members.size(); g++) {
      if (!members.get(g).isEmpty()) {
        groups.add(of(g == 0 ? null : distinctGuards.get(g), members.get(g), calls, input,
            timeZone, batchSize, functionTime));
      }
    }
    return groups.toArray(new CallGroup[0]);
  }

  private static CallGroup of(Expression guard, List<Integer> members, List<ScalarCall> calls,
      List<Attribute> input, String timeZone, int batchSize, SQLMetric functionTime) {
    List<Expression> arguments = new ArrayList<>();
    int[][] argumentIndexes = new int[members.size()][];
    FunctionHandle[] functions = new FunctionHandle[members.size()];
    StructField[] resultFields = new StructField[members.size()];
    int[] callIndexes = new int[members.size()];
    for (int c = 0; c < members.size(); c++) {
      ScalarCall call = calls.get(members.get(c));
      callIndexes[c] = members.get(c);
      functions[c] = call.function();
      resultFields[c] = new StructField(call.name(), call.dataType(), call.nullable(),
          Metadata.empty());
      List<Expression> children = Scala.list(call.children());
      argumentIndexes[c] = new int[children.size()];
      for (int a = 0; a < children.size(); a++) {
        argumentIndexes[c][a] = indexOf(arguments, children.get(a));
      }
    }
    List<Expression> computed = new ArrayList<>();
    int[] argumentOrdinals = new int[arguments.size()];
    boolean[] argumentComputed = new boolean[arguments.size()];
    StructField[] argumentFields = new StructField[arguments.size()];
    for (int i = 0; i < arguments.size(); i++) {
      Expression arg = arguments.get(i);
      int ordinal = arg instanceof Attribute a ? Scala.ordinalOf(input, a) : -1;
      if (ordinal >= 0) {
        argumentOrdinals[i] = ordinal;
      } else {
        argumentComputed[i] = true;
        argumentOrdinals[i] = computed.size();
        computed.add(arg);
      }
      String name = arg instanceof AttributeReference ref ? ref.name() : "arg" + i;
      argumentFields[i] = new StructField(name, arg.dataType(), arg.nullable(), Metadata.empty());
    }
    return new CallGroup(guard, callIndexes, functions, new StructType(resultFields),
        new StructType(argumentFields), argumentIndexes, argumentOrdinals, argumentComputed,
        Scala.seq(computed), timeZone, batchSize, functionTime);
  }

  /** Position of {@code e} among {@code distinct}, adding it if no equal expression is there. */
  private static int indexOf(List<Expression> distinct, Expression e) {
    for (int i = 0; i < distinct.size(); i++) {
      if (distinct.get(i).semanticEquals(e)) {
        return i;
      }
    }
    distinct.add(e);
    return distinct.size() - 1;
  }
}

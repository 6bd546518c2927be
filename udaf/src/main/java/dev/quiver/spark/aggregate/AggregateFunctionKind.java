package dev.quiver.spark.aggregate;

import dev.quiver.function.QuiverFunction;
import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.function.aggregate.MergeableAggregateFunction;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalog.FunctionKind;
import dev.quiver.spark.catalyst.ArgumentTypes;
import dev.quiver.spark.catalyst.NamedArguments;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.scalar.ScalarFunctionKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.collection.immutable.Seq;

/**
 * Aggregate functions: calls are {@link AggregateCall}s, which Spark's aggregate and window
 * operators run as they are, and which {@link AggregateStrategy} plans onto Quiver's vectorized
 * operators where it can.
 */
public final class AggregateFunctionKind implements FunctionKind {

  @Override
  public void checkSettings() {
    AggregateConf.maxGroups();
  }

  @Override
  public Class<? extends QuiverFunction> api() {
    return AggregateFunction.class;
  }

  @Override
  public String label() {
    return "aggregate";
  }

  @Override
  public void install(SparkSessionExtensions extensions) {
    extensions.injectPlannerStrategy(session -> new AggregateStrategy());
    extensions.injectPreCBORule(session -> new AggregateFallback());
  }

  @Override
  public String signature(FunctionHandle handle) {
    AggregateFunction<?> function = (AggregateFunction<?>) handle.prototype();
    DataType result = ScalarFunctionKind.parseType(handle.name(), "result type",
        function.resultType());
    checkMergeable(handle.name(), function);
    List<DataType> arguments = ScalarFunctionKind.parseTypes(handle.name(),
        function.argumentTypes());
    String args = arguments == null ? "..."
        : String.join(", ", arguments.stream().map(DataType::simpleString).toList());
    return handle.name() + "(" + args + ") returns " + result.simpleString()
        + (function.isMergeable() ? "" : " (single-phase: cannot merge partial states)")
        + (function.isDeterministic() ? "" : " (non-deterministic)");
  }

  @Override
  public Function1<Seq<Expression>, Expression> expressionBuilder(FunctionHandle handle) {
    AggregateFunction<?> function = (AggregateFunction<?>) handle.prototype();
    DataType result = ScalarFunctionKind.parseType(handle.name(), "result type",
        function.resultType());
    checkMergeable(handle.name(), function);
    List<DataType> declared = ScalarFunctionKind.parseTypes(handle.name(),
        function.argumentTypes());
    boolean nullable = function.resultNullable();
    boolean deterministic = function.isDeterministic();
    boolean mergeable = function.isMergeable();
    NamedArguments.validate(handle.name(), function, declared);
    List<String> parameters = List.copyOf(function.parameterNames());
    int required = function.requiredParameters();
    return call -> {
      Seq<Expression> args = Scala.seq(NamedArguments.bind(handle.name(), parameters, required,
          declared, Scala.list(call)));
      ArgumentTypes.checkCount(handle.name(), declared, args.size());
      List<AbstractDataType> inputTypes = declared == null ? List.of() : new ArrayList<>(declared);
      return new AggregateCall(handle, result, nullable, deterministic, mergeable, args,
          Scala.seq(inputTypes), 0, 0);
    };
  }

  /**
   * A mergeable function must implement what the two phases call; say so before a job runs. A
   * {@link MergeableAggregateFunction} declares mergeability by its type: the compiler demands
   * {@code merge} and the standard codec serializes its state. A plain {@link AggregateFunction}
   * that keeps the default {@code isMergeable() == true} predates that interface; for it the old
   * check stays, which looks for the three methods among the class's declared methods.
   */
  private static void checkMergeable(String name, AggregateFunction<?> function) {
    if (!function.isMergeable() || function instanceof MergeableAggregateFunction) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (String method : new String[] {"merge", "serialize", "deserialize"}) {
      if (!declares(function.getClass(), method)) {
        missing.add(method);
      }
    }
    if (!missing.isEmpty()) {
      throw QuiverErrors.raise(QuiverErrors.invalidDeclaration(name, "its class "
          + function.getClass().getName() + " is mergeable but does not implement "
          + String.join(", ", missing) + ". Implement them, or return false from isMergeable() "
          + "to aggregate each group in one task; or implement MergeableAggregateFunction, which "
          + "needs only merge."));
    }
  }

  /** Whether a class below the interface defines {@code method} (legacy check, see above). */
  private static boolean declares(Class<?> cls, String method) {
    for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
      for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(method) && !java.lang.reflect.Modifier.isAbstract(m.getModifiers())) {
          return true;
        }
      }
    }
    return false;
  }

}

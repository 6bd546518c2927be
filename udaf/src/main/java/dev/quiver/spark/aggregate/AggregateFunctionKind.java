package dev.quiver.spark.aggregate;

import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.function.aggregate.MergeableAggregateFunction;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalog.AbstractFunctionKind;
import dev.quiver.spark.catalyst.CallDeclaration;
import dev.quiver.spark.catalyst.CallSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.Function1;
import scala.collection.immutable.Seq;

/**
 * Aggregate functions: calls are {@link AggregateCall}s, which Spark's aggregate and window
 * operators run as they are, and which {@link AggregateStrategy} plans onto Quiver's vectorized
 * operators where it can.
 */
public final class AggregateFunctionKind extends AbstractFunctionKind {

  public AggregateFunctionKind() {
    super(AggregateFunction.class, "aggregate");
  }

  @Override
  public void checkSettings() {
    AggregateConf.operatorsEnabled();
    AggregateConf.maxGroups();
  }

  @Override
  public void install(SparkSessionExtensions extensions) {
    extensions.injectPlannerStrategy(session -> new AggregateStrategy());
    extensions.injectPreCBORule(session -> new AggregateFallback());
  }

  @Override
  public String signature(FunctionHandle handle) {
    AggregateFunction<?> function = (AggregateFunction<?>) handle.prototype();
    CallDeclaration declared = declaration(handle.name(), function);
    return declared.signature(
        (function.isMergeable() ? "" : " (single-phase: cannot merge partial states)")
        + (function.isDeterministic() ? "" : " (non-deterministic)"));
  }

  @Override
  public Function1<Seq<Expression>, Expression> expressionBuilder(FunctionHandle handle) {
    AggregateFunction<?> function = (AggregateFunction<?>) handle.prototype();
    CallDeclaration declared = declaration(handle.name(), function);
    boolean nullable = function.resultNullable();
    boolean deterministic = function.isDeterministic();
    boolean mergeable = function.isMergeable();
    Function<Seq<Expression>, Seq<Expression>> arguments = declared.binder(function);
    CallSpec spec = CallSpec.of(handle, declared, nullable, deterministic);
    return call -> new AggregateCall(spec, mergeable, arguments.apply(call), 0, 0);
  }

  /** The declared types, and whether a mergeable function implements merging. */
  private static CallDeclaration declaration(String name, AggregateFunction<?> function) {
    CallDeclaration declared = CallDeclaration.parse(name, function.resultType(),
        function.argumentTypes());
    checkMergeable(name, function);
    return declared;
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

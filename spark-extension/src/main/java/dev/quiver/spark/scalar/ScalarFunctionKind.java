package dev.quiver.spark.scalar;

import dev.quiver.function.QuiverFunction;
import dev.quiver.function.ScalarFunction;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalog.FunctionKind;
import dev.quiver.spark.catalyst.ArgumentTypes;
import dev.quiver.spark.catalyst.NamedArguments;
import dev.quiver.spark.catalyst.Scala;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.collection.immutable.Seq;

/** Scalar functions: calls in expressions, evaluated by {@link ScalarEvalExec}. */
public final class ScalarFunctionKind implements FunctionKind {

  @Override
  public Class<? extends QuiverFunction> api() {
    return ScalarFunction.class;
  }

  @Override
  public String label() {
    return "scalar";
  }

  @Override
  public void install(SparkSessionExtensions extensions) {
    extensions.injectPreCBORule(session -> new ExtractScalarCalls());
    extensions.injectPlannerStrategy(session -> new ScalarStrategy());
    extensions.injectColumnar(session -> new ScalarColumnarRule());
  }

  @Override
  public String signature(FunctionHandle handle) {
    ScalarFunction function = (ScalarFunction) handle.prototype();
    DataType result = parseType(handle.name(), "result type", function.resultType());
    List<DataType> arguments = parseTypes(handle.name(), function.argumentTypes());
    String args = arguments == null ? "..."
        : String.join(", ", arguments.stream().map(DataType::simpleString).toList());
    return handle.name() + "(" + args + ") returns " + result.simpleString()
        + (function.isDeterministic() ? "" : " (non-deterministic)");
  }

  @Override
  public Function1<Seq<Expression>, Expression> expressionBuilder(FunctionHandle handle) {
    ScalarFunction function = (ScalarFunction) handle.prototype();
    DataType result = parseType(handle.name(), "result type", function.resultType());
    List<DataType> declared = parseTypes(handle.name(), function.argumentTypes());
    boolean nullable = function.resultNullable();
    boolean deterministic = function.isDeterministic();
    NamedArguments.validate(handle.name(), function, declared);
    List<String> parameters = List.copyOf(function.parameterNames());
    int required = function.requiredParameters();
    return call -> {
      Seq<Expression> args = Scala.seq(NamedArguments.bind(handle.name(), parameters, required,
          declared, Scala.list(call)));
      ArgumentTypes.checkCount(handle.name(), declared, args.size());
      List<AbstractDataType> inputTypes = declared == null ? List.of() : new ArrayList<>(declared);
      return new ScalarCall(handle, result, nullable, deterministic, args,
          Scala.seq(inputTypes), NamedExpression.newExprId());
    };
  }

  /** The declared argument types of a function, or null when it declares none. */
  public static List<DataType> parseTypes(String name, List<String> declared) {
    if (declared == null) {
      return null;
    }
    List<DataType> types = new ArrayList<>();
    for (int i = 0; i < declared.size(); i++) {
      types.add(parseType(name, "argument type " + (i + 1), declared.get(i)));
    }
    return types;
  }

  /**
   * Parses a DDL type string; one that is not valid fails with
   * {@link QuiverErrors#INVALID_DECLARATION}, naming the function.
   */
  public static DataType parseType(String function, String what, String ddl) {
    if (ddl == null || ddl.isBlank()) {
      throw QuiverErrors.raise(QuiverErrors.invalidDeclaration(function,
          "it declares no " + what + "."));
    }
    try {
      return DataType.fromDDL(ddl);
    } catch (Exception e) { // Spark's ParseException is a checked exception to Java
      throw QuiverErrors.raise(QuiverErrors.invalidDeclaration(function, "its " + what + " '"
          + ddl + "' is not a valid Spark DDL type such as 'bigint' or 'array<string>': "
          + e.getMessage()));
    }
  }
}

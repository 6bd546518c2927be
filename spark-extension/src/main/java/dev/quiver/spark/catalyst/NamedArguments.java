package dev.quiver.spark.catalyst;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.plans.logical.FunctionSignature;
import org.apache.spark.sql.catalyst.plans.logical.InputParameter;
import dev.quiver.spark.shims.SparkShims;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;

/**
 * Named arguments of Quiver function calls, bound by Spark's own {@link NamedParametersSupport}
 * so that calls follow the rules and raise the error classes of Spark's built-in functions.
 */
public final class NamedArguments {
  private NamedArguments() {}

  /**
   * The arguments of a call in parameter order, optional ones not passed as NULL of their type.
   * A function without parameter names takes positional arguments only, as Spark's built-ins
   * without a signature do.
   *
   * @param types the declared argument types, or null when the function declares none
   */
  public static List<Expression> bind(String function, List<String> names, int required,
      List<DataType> types, List<Expression> arguments) {
    if (names.isEmpty()) {
      for (Expression argument : arguments) {
        if (argument instanceof NamedArgumentExpression) {
          throw QuiverErrors.raise(QueryCompilationErrors.namedArgumentsNotSupported(function));
        }
      }
      return arguments;
    }
    List<InputParameter> parameters = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      DataType type = types == null ? DataTypes.NullType : types.get(i);
      Option<Expression> fallback = i < required ? Option.empty()
          : Option.apply(Literal.create(null, type));
      parameters.add(new InputParameter(names.get(i), fallback));
    }
    return Scala.list(SparkShims.rearrangeArguments(
        new FunctionSignature(Scala.seq(parameters)), Scala.seq(arguments), function));
  }

  /**
   * Checks what holds for every call, whatever the parameters: no positional argument after a
   * named one, no name twice.
   */
  public static void checkOrder(String function, List<Expression> arguments) {
    SparkShims.checkNamedArguments(Scala.seq(arguments), function);
  }

  /** Fails registration when the declared names do not fit the rest of the declaration. */
  public static void validate(String function, QuiverFunction declaration, List<?> types) {
    List<String> names = declaration.parameterNames();
    if (names == null) {
      throw QuiverErrors.raise(QuiverErrors.invalidDeclaration(function, "it returns null from "
          + "parameterNames(); return an empty list for positional arguments only."));
    }
    int required = declaration.requiredParameters();
    if (required < 0 || required > names.size()) {
      throw QuiverErrors.raise(QuiverErrors.invalidDeclaration(function, "it declares "
          + required + " required parameters of " + names.size() + " " + names + "."));
    }
    if (!names.isEmpty() && types != null && types.size() != names.size()) {
      throw QuiverErrors.raise(QuiverErrors.invalidDeclaration(function, "it declares "
          + types.size() + " argument types but " + names.size() + " parameter names "
          + names + "; declare one name per type."));
    }
  }
}

package dev.quiver.spark.catalyst;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.Seq;

/**
 * The types a scalar or aggregate function declares, parsed from their DDL strings: what
 * {@code DESCRIBE FUNCTION} shows and what every call of the function is checked against. Both
 * kinds declare the same way, so both read their declarations through this.
 *
 * @param argumentTypes the declared argument types, or null when the function takes any
 */
public record CallDeclaration(String name, DataType resultType, List<DataType> argumentTypes) {

  /**
   * Parses a function's declared types; one that is not valid fails with
   * {@link QuiverErrors#INVALID_DECLARATION}, naming the function.
   */
  public static CallDeclaration parse(String name, String resultType, List<String> argumentTypes) {
    DataType result = parseType(name, "result type", resultType);
    return new CallDeclaration(name, result, parseTypes(name, argumentTypes));
  }

  /**
   * The call signature, for example {@code "plus_one(double) returns double"}, followed by
   * {@code notes}.
   */
  public String signature(String notes) {
    String args = argumentTypes == null ? "..."
        : String.join(", ", argumentTypes.stream().map(DataType::simpleString).toList());
    return name + "(" + args + ") returns " + resultType.simpleString() + notes;
  }

  /** What the calls' {@code ImplicitCastInputTypes} expect: empty when any type is taken. */
  public Seq<AbstractDataType> inputTypes() {
    return Scala.seq(argumentTypes == null ? List.of() : new ArrayList<>(argumentTypes));
  }

  /**
   * Checks the parameter names {@code function} declares against these types, and returns what
   * puts the arguments of each call in parameter order: named ones bound as Spark's built-ins
   * bind them, their number checked against the declared types ({@code WRONG_NUM_ARGS}).
   */
  public Function<Seq<Expression>, Seq<Expression>> binder(QuiverFunction function) {
    NamedArguments.validate(name, function, argumentTypes);
    List<String> parameters = List.copyOf(function.parameterNames());
    int required = function.requiredParameters();
    return call -> {
      List<Expression> args = NamedArguments.bind(name, parameters, required, argumentTypes,
          Scala.list(call));
      ArgumentTypes.checkCount(name, argumentTypes, args.size());
      return Scala.seq(args);
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

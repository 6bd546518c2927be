package dev.quiver.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import dev.quiver.spark.QuiverErrors;
import org.apache.spark.sql.catalyst.expressions.ExpectsInputTypes$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.types.AbstractDataType;
import scala.collection.immutable.Seq;

/**
 * The argument types of a Quiver function call, for the {@code ImplicitCastInputTypes} that
 * scalar and aggregate calls mix in: Spark's type coercion casts each argument to the declared
 * type, and a call whose argument cannot be cast fails analysis naming the function.
 */
public final class ArgumentTypes {
  private ArgumentTypes() {}

  /** The declared argument types; when the function declares none, the arguments' own types. */
  public static Seq<AbstractDataType> of(Seq<AbstractDataType> declared,
      Seq<Expression> arguments) {
    if (!declared.isEmpty()) {
      return declared;
    }
    List<AbstractDataType> own = new ArrayList<>();
    for (Expression argument : Scala.list(arguments)) {
      own.add(argument.dataType());
    }
    return Scala.seq(own);
  }

  /**
   * Fails when an argument's type is not one the declared type accepts after coercion, with
   * Spark's {@code DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE}, as a built-in function does; its
   * message quotes the call, and so names the function.
   */
  public static TypeCheckResult check(Seq<AbstractDataType> expected,
      Seq<Expression> arguments) {
    return ExpectsInputTypes$.MODULE$.checkInputDataTypes(arguments, expected);
  }

  /**
   * Fails a call with a number of arguments other than the declared one with Spark's
   * {@code WRONG_NUM_ARGS}, as a built-in function does.
   *
   * @param declared the declared argument types, or null when the function takes any
   */
  public static void checkCount(String function, List<?> declared, int actual) {
    if (declared != null && declared.size() != actual) {
      throw QuiverErrors.raise(QueryCompilationErrors.wrongNumArgsError(function,
          Scala.seq((Object) declared.size()), actual, "", "", ""));
    }
  }
}

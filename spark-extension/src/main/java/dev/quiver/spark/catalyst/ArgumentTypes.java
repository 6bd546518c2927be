package dev.quiver.spark.catalyst;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
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

  /** Fails when an argument's type is not one the declared type accepts after coercion. */
  public static TypeCheckResult check(String function, Seq<AbstractDataType> expected,
      Seq<Expression> arguments) {
    List<AbstractDataType> types = Scala.list(expected);
    List<Expression> args = Scala.list(arguments);
    for (int i = 0; i < args.size(); i++) {
      if (!types.get(i).acceptsType(args.get(i).dataType())) {
        return new TypeCheckResult.TypeCheckFailure("Quiver function '" + function
            + "' expects " + types.get(i).simpleString() + " for argument " + (i + 1) + ", got "
            + args.get(i).dataType().simpleString() + " (" + args.get(i).sql()
            + "), which cannot be cast implicitly");
      }
    }
    return TypeCheckResult.TypeCheckSuccess$.MODULE$;
  }
}

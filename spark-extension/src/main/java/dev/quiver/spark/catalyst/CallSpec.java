package dev.quiver.spark.catalyst;

import dev.quiver.spark.catalog.FunctionHandle;
import java.io.Serializable;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.Seq;

/**
 * What a call of a Quiver scalar or aggregate function is besides its arguments: the function,
 * its result type and nullability, whether the function is deterministic, and the argument
 * types it declares. The scalar and the aggregate call extend different Spark classes; both hold
 * this and answer through it what Spark asks of any call. The arguments stay the calls'
 * children, where Catalyst finds them.
 */
public record CallSpec(FunctionHandle function, DataType dataType, boolean nullable,
    boolean udfDeterministic, Seq<AbstractDataType> declaredInputTypes) implements Serializable {

  /** A call of {@code function} as {@code declared}. */
  public static CallSpec of(FunctionHandle function, CallDeclaration declared, boolean nullable,
      boolean deterministic) {
    return new CallSpec(function, declared.resultType(), nullable, deterministic,
        declared.inputTypes());
  }

  public String name() {
    return function.name();
  }

  /** As for Spark's UDFs: a call is deterministic if its function and its arguments are. */
  public boolean deterministic(Seq<Expression> arguments) {
    return udfDeterministic && arguments.forall(Expression::deterministic);
  }

  /** What {@code ImplicitCastInputTypes} casts {@code arguments} to. */
  public Seq<AbstractDataType> inputTypes(Seq<Expression> arguments) {
    return ArgumentTypes.of(declaredInputTypes, arguments);
  }

  /** The call as EXPLAIN shows it: its name, {@code open}, the arguments, a parenthesis. */
  public String describe(Seq<Expression> arguments, String open) {
    return Scala.list(arguments).stream().map(Object::toString)
        .collect(Collectors.joining(", ", name() + open, ")"));
  }

  /** The call as SQL text. */
  public String sql(Seq<Expression> arguments) {
    return Scala.list(arguments).stream().map(Expression::sql)
        .collect(Collectors.joining(", ", name() + "(", ")"));
  }
}

package dev.quiver.spark.aggregate;

import dev.quiver.function.InvalidCallException;
import dev.quiver.function.aggregate.AggregateFunction;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.catalyst.Scala;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.Seq;

/**
 * The analysis-time check of the arguments an aggregate function declares constant: a column
 * there would have the function see a different value per row (and keep the first), a value out
 * of range would fail in every task. Both are reported before a job runs.
 */
final class ConstantArguments {
  private ConstantArguments() {}

  static TypeCheckResult check(String name, AggregateFunction<?> function,
      Seq<Expression> children) {
    List<Expression> args = Scala.list(children);
    List<String> parameters = function.parameterNames();
    for (int position : function.constantArguments()) {
      if (position < 0 || position >= args.size()) {
        continue; // the argument count is checked where the call is built
      }
      Expression arg = args.get(position);
      String parameter = parameters != null && position < parameters.size()
          ? parameters.get(position) : "argument " + (position + 1);
      if (!arg.foldable()) {
        // Spark's own class and parameters, as for percentile_approx's percentage.
        return new TypeCheckResult.DataTypeMismatch("NON_FOLDABLE_INPUT", scala.collection
            .immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(Map.of(
                "inputName", "`" + parameter + "`",
                "inputType", "\"" + arg.dataType().sql() + "\"",
                "inputExpr", "\"" + arg.sql() + "\""))));
      }
      try {
        function.checkConstantArgument(position, javaValue(arg.eval(null)));
      } catch (InvalidCallException e) {
        throw QuiverErrors.raise(QuiverErrors.invalidCall(name, parameter + ": "
            + e.getMessage()));
      } catch (RuntimeException e) {
        throw QuiverException.functionFailed(name, "checkConstantArgument", e);
      }
    }
    return TypeCheckResult.TypeCheckSuccess$.MODULE$;
  }

  private static Object javaValue(Object value) {
    if (value instanceof UTF8String text) {
      return text.toString();
    }
    if (value instanceof Decimal decimal) {
      return decimal.toJavaBigDecimal();
    }
    return value;
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.function.ScalarFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.catalog.AbstractFunctionKind;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.CallDeclaration;
import dev.quiver.spark.catalyst.CallSpec;
import java.util.function.Function;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import scala.Function1;
import scala.collection.immutable.Seq;

/** Scalar functions: calls in expressions, evaluated by {@link ScalarEvalExec}. */
public final class ScalarFunctionKind extends AbstractFunctionKind {

  public ScalarFunctionKind() {
    super(ScalarFunction.class, "scalar");
  }

  @Override
  public void install(SparkSessionExtensions extensions) {
    extensions.injectPreCBORule(session -> new ExtractScalarCalls());
    extensions.injectPlannerStrategy(session -> new ScalarStrategy());
    extensions.injectColumnar(session -> new ScalarColumnarRule());
  }

  @Override
  public void checkSettings() {
    QuiverConf.codegen();
  }

  @Override
  public String signature(FunctionHandle handle) {
    ScalarFunction function = (ScalarFunction) handle.prototype();
    return CallDeclaration.parse(handle.name(), function.resultType(), function.argumentTypes())
        .signature(function.isDeterministic() ? "" : " (non-deterministic)");
  }

  @Override
  public Function1<Seq<Expression>, Expression> expressionBuilder(FunctionHandle handle) {
    ScalarFunction function = (ScalarFunction) handle.prototype();
    CallDeclaration declared = CallDeclaration.parse(handle.name(), function.resultType(),
        function.argumentTypes());
    boolean nullable = function.resultNullable();
    boolean deterministic = function.isDeterministic();
    Function<Seq<Expression>, Seq<Expression>> arguments = declared.binder(function);
    CallSpec spec = CallSpec.of(handle, declared, nullable, deterministic);
    return call -> new ScalarCall(spec, arguments.apply(call), NamedExpression.newExprId());
  }
}

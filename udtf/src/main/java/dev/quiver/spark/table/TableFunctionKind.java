package dev.quiver.spark.table;

import dev.quiver.function.table.TableFunction;
import dev.quiver.spark.catalog.AbstractFunctionKind;
import dev.quiver.spark.catalog.FunctionHandle;
import java.util.List;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.collection.immutable.Seq;

/**
 * Table functions: relations in the FROM clause, registered as Spark table functions (so only
 * their own names are affected), planned by {@link TableFunctionStrategy}.
 */
public final class TableFunctionKind extends AbstractFunctionKind {

  public TableFunctionKind() {
    super(TableFunction.class, "table");
  }

  @Override
  public void install(SparkSessionExtensions extensions) {
    extensions.injectPostHocResolutionRule(session -> new LateralCalls());
    extensions.injectPlannerStrategy(session -> new TableFunctionStrategy());
  }

  @Override
  public String signature(FunctionHandle handle) {
    TableFunction function = (TableFunction) handle.prototype();
    String schema = function.resultSchema();
    String result = schema == null ? "a schema computed from its arguments"
        : TableFunctionBuilder.ddl(
            TableFunctionBuilder.resultSchema(handle.name(), schema, false));
    List<String> parameters = function.parameterNames();
    String args = parameters == null || parameters.isEmpty() ? "TABLE(...), ..."
        : "TABLE(...), " + String.join(", ", parameters);
    return handle.name() + "(" + args + ") returns " + result
        + (function.isDeterministic() ? "" : " (non-deterministic)");
  }

  @Override
  public Function1<Seq<Expression>, LogicalPlan> tableBuilder(FunctionHandle handle) {
    return new TableFunctionBuilder(handle);
  }
}

package dev.quiver.spark.table;

import dev.quiver.spark.catalyst.CaseClass;
import dev.quiver.spark.catalyst.Scala;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Plans Quiver table-function calls and the grouped maps of {@link QuiverTables}. */
public final class TableFunctionStrategy extends SparkStrategy {
  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof TableFunctionCall call) {
      return Scala.seq(CaseClass.twin(call, TableFunctionExec.class, planLater(call.child())));
    }
    if (plan instanceof Generate generate
        && generate.generator() instanceof TableFunctionGenerator generator) {
      return Scala.seq(new LateralTableFunctionExec(generator, generate.requiredChildOutput(),
          generate.outer(), generate.qualifiedGeneratorOutput(), planLater(generate.child())));
    }
    if (plan instanceof CoGroupCall cogroup) {
      return Scala.seq(CaseClass.twin(cogroup, CoGroupExec.class, planLater(cogroup.left()),
          planLater(cogroup.right())));
    }
    return Scala.seq();
  }
}

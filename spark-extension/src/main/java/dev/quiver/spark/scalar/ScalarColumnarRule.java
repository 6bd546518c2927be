package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.Transforms;
import java.util.function.Function;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Keeps a Quiver scalar operator columnar over a columnar child (a Parquet, ORC or cached scan)
 * when the projection fused into it computes something, such as {@code CASE WHEN value > 0 THEN
 * f(value) ELSE 0 END}: the operator then returns the columns that projection reads and the
 * results as batches, and the projection runs above it, where Spark's generated code reads the
 * batches (see {@link ScalarEvalExec#columnarUnderProjection()}). Run before Spark inserts its
 * columnar-to-row transitions, when the physical children are known; the planner cannot tell yet
 * whether a scan will be columnar.
 *
 * <p>Where the calls are guarded or take computed arguments and the operator's code can be
 * generated, the operator instead reads the scan's rows in its generated code: once Spark has put
 * its transition under the operator, it is replaced by one whose loop the operator can leave and
 * resume ({@link ScalarEvalExec#overColumnarScan}).
 */
public final class ScalarColumnarRule extends ColumnarRule {
  @Override
  public Rule<SparkPlan> preColumnarTransitions() {
    return onScalarOperators(ScalarEvalExec::columnarUnderProjection);
  }

  @Override
  public Rule<SparkPlan> postColumnarTransitions() {
    return onScalarOperators(exec -> exec.child() instanceof ColumnarToRowExec c
        ? exec.overColumnarScan(c.child()) : exec);
  }

  /** A rule replacing each scalar operator of a plan, bottom up. */
  private static Rule<SparkPlan> onScalarOperators(Function<ScalarEvalExec, SparkPlan> replace) {
    return new Rule<>() {
      @Override
      public SparkPlan apply(SparkPlan plan) {
        return plan.transformUp(Transforms.everywhere(
            p -> p instanceof ScalarEvalExec exec ? replace.apply(exec) : p));
      }
    };
  }
}

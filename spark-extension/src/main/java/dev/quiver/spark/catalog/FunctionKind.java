package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.collection.immutable.Seq;

/**
 * The engine side of one kind of function (scalar, table, aggregate). Each module that adds a
 * kind lists its implementation in {@code META-INF/services/dev.quiver.spark.catalog.FunctionKind};
 * {@link dev.quiver.spark.QuiverExtensions} installs every kind it finds.
 */
public interface FunctionKind {

  /** The public interface the functions of this kind implement. */
  Class<? extends QuiverFunction> api();

  /** A word for messages and DESCRIBE FUNCTION: "scalar", "table", "aggregate". */
  String label();

  /** Installs the rules and strategies this kind needs in every session. */
  void install(SparkSessionExtensions extensions);

  /**
   * The call signature and result, for {@code DESCRIBE FUNCTION}, for example
   * {@code "plus_one(double) returns double"}. Called on the driver; may validate the function's
   * declarations and throw a {@link dev.quiver.spark.QuiverException} naming what is wrong.
   */
  String signature(FunctionHandle handle);

  /** Builds a call expression from analyzed arguments; null for table-valued kinds. */
  /**
   * Reads this kind's own {@code spark.quiver.*} settings of the current session, failing with
   * {@code QUIVER_INVALID_SETTING} on a value out of range. Called when a call is resolved, so
   * that a bad value fails the query at analysis rather than in its tasks.
   */
  default void checkSettings() {}

  default Function1<Seq<Expression>, Expression> expressionBuilder(FunctionHandle handle) {
    return null;
  }

  /** Builds a relation from arguments; null for kinds that are not table-valued. */
  default Function1<Seq<Expression>, LogicalPlan> tableBuilder(FunctionHandle handle) {
    return null;
  }
}

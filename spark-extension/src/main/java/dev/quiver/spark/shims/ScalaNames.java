package dev.quiver.spark.shims;

import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.catalyst.plans.physical.Distribution;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * The members of Spark's Scala API that Java reaches only through names the Scala compiler
 * makes up: default arguments ({@code apply$default$2}), symbolic methods ({@code $plus$plus}).
 * Those names follow the Scala compiler's encoding and the position of an argument, so they
 * change when a Spark release adds a parameter or when Spark moves to another Scala; they are
 * called here and nowhere else, next to {@link SparkShims} (the calls that differ between Spark
 * versions) and {@link JavaGenerator} (the trait-field setter of {@code Generator}).
 *
 * <p>A Scala {@code object}'s {@code MODULE$} (such as {@code AllTuples$.MODULE$}) is not one of
 * them: it is the stable Java form of a singleton under Scala 2.13 and 3 alike, used directly.
 */
public final class ScalaNames {
  private ScalaNames() {}

  /**
   * Spark's {@code ClusteredDistribution(clustering)}, with Spark's defaults for the other
   * parameters (all keys required as {@code spark.sql.requireAllClusterKeysForDistribution}
   * says; no required number of partitions), as a Scala caller would get them.
   */
  public static Distribution clusteredDistribution(Seq<Expression> clustering) {
    return new ClusteredDistribution(clustering, ClusteredDistribution.apply$default$2(),
        Option.empty());
  }

  /** {@code a ++ b}. */
  public static AttributeSet union(AttributeSet a, AttributeSet b) {
    return a.$plus$plus(b);
  }
}

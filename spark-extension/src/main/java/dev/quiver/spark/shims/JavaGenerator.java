package dev.quiver.spark.shims;

import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Generator;
import org.apache.spark.sql.catalyst.trees.TreePattern$;
import scala.Enumeration;
import scala.collection.immutable.Seq;

/**
 * Base of a {@link Generator} written in Java. The trait holds a {@code val nodePatterns}, which
 * Scala compiles into a setter with a compiler-made name that every implementing class must
 * have; a Java class never runs the trait's initializer, so this answers
 * {@link #nodePatterns()} directly and ignores the setter.
 */
public abstract class JavaGenerator extends Expression implements Generator {
  private static final long serialVersionUID = 1L;

  @Override
  public Seq<Enumeration.Value> nodePatterns() {
    return dev.quiver.spark.catalyst.Scala.seq(TreePattern$.MODULE$.GENERATOR());
  }

  @Override
  public void org$apache$spark$sql$catalyst$expressions$Generator$_setter_$nodePatterns_$eq(
      Seq<Enumeration.Value> patterns) {
    // See the class comment.
  }
}

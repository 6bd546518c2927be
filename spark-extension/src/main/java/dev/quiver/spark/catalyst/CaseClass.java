package dev.quiver.spark.catalyst;

import java.util.Arrays;

/**
 * The Scala case-class contract for Quiver's Catalyst nodes written in Java: plan nodes and
 * expressions alike implement it, whatever Spark class they extend.
 *
 * <p>Catalyst treats every tree node as a case class: it copies a node through its constructor
 * with the values of {@code productElement} (see {@code TreeNode.makeCopy}), compares nodes by
 * those values and hashes them by them ({@code TreeNode.hashCode}). A Java node therefore lists
 * its constructor arguments, in constructor order, from {@link #constructorArgs()}, and has
 * exactly one public constructor taking them. {@code productArity}, {@code productElement} and
 * {@code canEqual} come from here; {@code equals}, which a Java interface cannot supply, is one
 * line in the implementing class: {@code return CaseClass.equal(this, that);}.
 * {@code hashCode} is Spark's ({@code TreeNode} hashes the product elements), which agrees with
 * that {@code equals}.
 */
public interface CaseClass extends scala.Product {
  /** The constructor arguments, in constructor order; the children among them. */
  Object[] constructorArgs();

  @Override
  default int productArity() {
    return constructorArgs().length;
  }

  @Override
  default Object productElement(int n) {
    return constructorArgs()[n];
  }

  @Override
  default boolean canEqual(Object that) {
    return that != null && that.getClass() == getClass();
  }

  /** Case-class equality: the same class, and equal constructor arguments. */
  static boolean equal(CaseClass self, Object that) {
    return self == that || (self.canEqual(that)
        && Arrays.equals(self.constructorArgs(), ((CaseClass) that).constructorArgs()));
  }
}

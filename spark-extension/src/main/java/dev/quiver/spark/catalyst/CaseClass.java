package dev.quiver.spark.catalyst;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The Scala case-class contract for Quiver's Catalyst nodes written in Java: plan nodes and
 * expressions alike implement it, whatever Spark class they extend.
 *
 * <p>Catalyst treats every tree node as a case class: it copies a node through its constructor
 * with the values of {@code productElement} (see {@code TreeNode.makeCopy}), compares nodes by
 * those values and hashes them by them ({@code TreeNode.hashCode}). A Java node therefore lists
 * its constructor arguments, in constructor order and its children last, from
 * {@link #constructorArgs()}, and has exactly one public constructor taking them. The plan-node
 * bases copy a node over new children from those arguments ({@link #argsWithChildren}), as
 * Catalyst copies a case class, so a node never restates its constructor call for that. {@code productArity}, {@code productElement} and
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

  /**
   * The constructor arguments of {@code node} with its children, the last arguments, replaced by
   * {@code children}: what {@code TreeNode.makeCopy} takes to copy the node over new children.
   * {@code node} is a Quiver node or a Scala case class, whose elements are its constructor's
   * arguments.
   */
  static Object[] argsWithChildren(scala.Product node, Object... children) {
    Object[] args = new Object[node.productArity()];
    for (int i = 0; i < args.length; i++) {
      args[i] = node.productElement(i);
    }
    System.arraycopy(children, 0, args, args.length - children.length, children.length);
    return args;
  }

  /**
   * A node of class {@code twin} built from the constructor arguments of {@code node} with its
   * children replaced: how a strategy plans a logical node whose physical operator takes the same
   * arguments, and how a Quiver operator and Spark's one of the same fields stand in for each
   * other, so that neither restates the other's fields. {@code twin} has one public constructor
   * taking those arguments.
   */
  static <T> T twin(scala.Product node, Class<T> twin, Object... children) {
    Object[] args = argsWithChildren(node, children);
    Constructor<?>[] constructors = twin.getConstructors();
    if (constructors.length != 1 || constructors[0].getParameterCount() != args.length) {
      throw new IllegalStateException(twin.getName() + " does not have the one public constructor "
          + "that takes the " + args.length + " arguments of " + node.getClass().getName());
    }
    try {
      return twin.cast(constructors[0].newInstance(args));
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Cannot build " + twin.getName(), e.getCause());
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalStateException("Cannot build " + twin.getName() + " from the arguments of "
          + node.getClass().getName(), e);
    }
  }

  /** Case-class equality: the same class, and equal constructor arguments. */
  static boolean equal(CaseClass self, Object that) {
    return self == that || (self.canEqual(that)
        && Arrays.equals(self.constructorArgs(), ((CaseClass) that).constructorArgs()));
  }
}

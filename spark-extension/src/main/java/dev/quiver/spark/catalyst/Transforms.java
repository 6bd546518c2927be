package dev.quiver.spark.catalyst;

import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.runtime.AbstractPartialFunction;

/** Catalyst transform callbacks from Java functions. */
public final class Transforms {
  private Transforms() {}

  /** A partial function defined everywhere; return the input unchanged to leave a node be. */
  public static <T> AbstractPartialFunction<T, T> everywhere(Function<T, T> f) {
    return new AbstractPartialFunction<>() {
      @Override
      public boolean isDefinedAt(T x) {
        return true;
      }

      @Override
      public <A1 extends T, B1> B1 applyOrElse(A1 x, scala.Function1<A1, B1> fallback) {
        @SuppressWarnings("unchecked")
        B1 result = (B1) f.apply(x);
        return result;
      }
    };
  }

  /** Whether {@code e} or any expression below it matches. */
  public static boolean exists(Expression e, Predicate<Expression> p) {
    if (p.test(e)) {
      return true;
    }
    for (Expression child : Scala.list(e.children())) {
      if (exists(child, p)) {
        return true;
      }
    }
    return false;
  }
}

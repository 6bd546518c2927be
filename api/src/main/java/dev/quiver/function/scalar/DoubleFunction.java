package dev.quiver.function.scalar;

import java.io.Serializable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.types.Types.MinorType;

/**
 * A scalar function from {@code double} to {@code double}, written as a lambda over one value or
 * over the whole column; nulls in give nulls out, handled once per batch by copying the
 * argument's validity buffer, and the value lambda runs on the non-null rows only.
 *
 * <pre>{@code
 * public final class PlusOne extends DoubleFunction {
 *   public PlusOne() {
 *     super("plus_one", v -> v + 1);
 *   }
 * }
 *
 * // the whole column at once: every slot, null or not, in a loop the JIT vectorizes
 * public final class Scale extends DoubleFunction {
 *   public Scale() {
 *     super("scale", (in, out) -> {
 *       for (int i = 0; i < in.getValueCount(); i++) {
 *         out.getDataBuffer().setDouble(8L * i, in.getDataBuffer().getDouble(8L * i) * 2.5);
 *       }
 *     });
 *   }
 * }
 * }</pre>
 *
 * A subclass with a public no-argument constructor can be declared in
 * {@code META-INF/services/dev.quiver.function.QuiverFunction}; {@link #of} makes an instance
 * for {@code Quiver.register} without a class of its own. Lambdas are serializable.
 */
public abstract class DoubleFunction extends FixedWidthFunction<Float8Vector, DoubleFunction.ValueOp> {
  private static final long serialVersionUID = 1L;

  /** The function of one non-null value. */
  @FunctionalInterface
  public interface ValueOp extends Serializable {
    double apply(double value) throws Exception;
  }

  /** A function called {@code name} that maps each non-null value with {@code value}. */
  protected DoubleFunction(String name, ValueOp value) {
    super(name, "double", MinorType.FLOAT8, value, null);
  }

  /** A function called {@code name} that computes whole columns with {@code column}. */
  protected DoubleFunction(String name, ColumnOp<Float8Vector, Float8Vector> column) {
    super(name, "double", MinorType.FLOAT8, null, column);
  }

  /** An instance without a class of its own, for example to register it in one session. */
  public static DoubleFunction of(String name, ValueOp value) {
    return new DoubleFunction(name, value) {
      private static final long serialVersionUID = 1L;
    };
  }

  @Override
  void run(ValueOp op, ArrowBuf src, ArrowBuf dst, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      dst.setDouble(8L * i, op.apply(src.getDouble(8L * i)));
    }
  }
}

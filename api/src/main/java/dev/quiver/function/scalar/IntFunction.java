package dev.quiver.function.scalar;

import java.io.Serializable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.Types.MinorType;

/**
 * A scalar function from {@code int} to {@code int}, written as a lambda over one value or
 * over the whole column; nulls in give nulls out, handled once per batch by copying the
 * argument's validity buffer, and the value lambda runs on the non-null rows only.
 *
 * <pre>{@code
 * public final class Abs extends IntFunction {
 *   public Abs() {
 *     super("int_abs", Math::abs);
 *   }
 * }
 *
 * // the whole column at once: every slot, null or not, in a loop the JIT vectorizes
 * public final class Triple extends IntFunction {
 *   public Triple() {
 *     super("triple", (in, out) -> {
 *       for (int i = 0; i < in.getValueCount(); i++) {
 *         out.getDataBuffer().setInt(4L * i, in.getDataBuffer().getInt(4L * i) * 3);
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
public abstract class IntFunction extends FixedWidthFunction<IntVector, IntFunction.ValueOp> {
  private static final long serialVersionUID = 1L;

  /** The function of one non-null value. */
  @FunctionalInterface
  public interface ValueOp extends Serializable {
    int apply(int value) throws Exception;
  }

  /** A function called {@code name} that maps each non-null value with {@code value}. */
  protected IntFunction(String name, ValueOp value) {
    super(name, "int", MinorType.INT, value, null);
  }

  /** A function called {@code name} that computes whole columns with {@code column}. */
  protected IntFunction(String name, ColumnOp<IntVector, IntVector> column) {
    super(name, "int", MinorType.INT, null, column);
  }

  /** An instance without a class of its own, for example to register it in one session. */
  public static IntFunction of(String name, ValueOp value) {
    return new IntFunction(name, value) {
      private static final long serialVersionUID = 1L;
    };
  }

  @Override
  void run(ValueOp op, ArrowBuf src, ArrowBuf dst, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      dst.setInt(4L * i, op.apply(src.getInt(4L * i)));
    }
  }
}

package dev.quiver.function.scalar;

import java.io.Serializable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.types.Types.MinorType;

/**
 * A scalar function from {@code bigint} to {@code bigint}, written as a lambda over one value or
 * over the whole column; nulls in give nulls out, handled once per batch by copying the
 * argument's validity buffer, and the value lambda runs on the non-null rows only.
 *
 * <pre>{@code
 * public final class ToCents extends LongFunction {
 *   public ToCents() {
 *     super("to_cents", v -> v * 100);
 *   }
 * }
 *
 * // the whole column at once: every slot, null or not, in a loop the JIT vectorizes
 * public final class Triple extends LongFunction {
 *   public Triple() {
 *     super("triple", (in, out) -> {
 *       for (int i = 0; i < in.getValueCount(); i++) {
 *         out.getDataBuffer().setLong(8L * i, in.getDataBuffer().getLong(8L * i) * 3);
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
public abstract class LongFunction extends FixedWidthFunction<BigIntVector, LongFunction.ValueOp> {
  private static final long serialVersionUID = 1L;

  /** The function of one non-null value. */
  @FunctionalInterface
  public interface ValueOp extends Serializable {
    long apply(long value) throws Exception;
  }

  /** A function called {@code name} that maps each non-null value with {@code value}. */
  protected LongFunction(String name, ValueOp value) {
    super(name, "bigint", MinorType.BIGINT, value, null);
  }

  /** A function called {@code name} that computes whole columns with {@code column}. */
  protected LongFunction(String name, ColumnOp<BigIntVector, BigIntVector> column) {
    super(name, "bigint", MinorType.BIGINT, null, column);
  }

  /** An instance without a class of its own, for example to register it in one session. */
  public static LongFunction of(String name, ValueOp value) {
    return new LongFunction(name, value) {
      private static final long serialVersionUID = 1L;
    };
  }

  @Override
  void run(ValueOp op, ArrowBuf src, ArrowBuf dst, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      dst.setLong(8L * i, op.apply(src.getLong(8L * i)));
    }
  }
}

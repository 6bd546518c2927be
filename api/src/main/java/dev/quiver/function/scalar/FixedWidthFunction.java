package dev.quiver.function.scalar;

import dev.quiver.function.arrow.Validity;
import java.io.Serializable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.types.Types.MinorType;

/**
 * The fixed-width functions of the short path ({@link DoubleFunction}, {@link LongFunction},
 * {@link IntFunction}): the result is allocated as the argument's vector class, starts with the
 * argument's validity, and the value lambda {@code O} runs over the runs of non-null rows found
 * 64 rows at a time. Each subclass keeps only {@link #run}, the per-row loop over its own type:
 * one accessor pair and one lambda interface, so that the JIT compiles a tight monomorphic loop
 * per type instead of one loop dispatching on the type per row.
 *
 * @param <V> the vector class of the argument and the result
 * @param <O> the value lambda's interface
 */
abstract class FixedWidthFunction<V extends BaseFixedWidthVector, O extends Serializable>
    extends UnaryFunction<V> {
  private static final long serialVersionUID = 1L;

  private final O value;

  /** Exactly one of {@code value} and {@code column} is not null. */
  FixedWidthFunction(
      String name, String type, MinorType vectorType, O value, ColumnOp<V, V> column) {
    super(name, type, vectorType, column);
    this.value = value;
  }

  /**
   * The argument's vector class (any other argument is a {@link ClassCastException}, as a cast
   * would be), with room for {@code rows} values.
   */
  @Override
  final V allocate(V in, int rows, BufferAllocator allocator) {
    V out = newVector(allocator);
    if (out.getClass() != in.getClass()) {
      out.close();
      throw new ClassCastException(
          "cannot cast " + in.getClass().getName() + " to " + out.getClass().getName());
    }
    out.allocateNew(rows);
    return out;
  }

  @Override
  final boolean copiesValidityFirst() {
    return true;
  }

  /** Runs {@link #run} over every run of non-null rows, a word of validity at a time. */
  @Override
  final void values(V in, V out, int rows) throws Exception {
    ArrowBuf src = in.getDataBuffer();
    ArrowBuf dst = out.getDataBuffer();
    if (in.getNullCount() == 0) {
      run(value, src, dst, 0, rows);
      return;
    }
    ArrowBuf validity = in.getValidityBuffer();
    for (int base = 0; base < rows; base += 64) {
      int end = Math.min(rows, base + 64);
      long valid = Validity.word(validity, base);
      while (valid != 0) {
        int first = Long.numberOfTrailingZeros(valid);
        int length = Long.numberOfTrailingZeros(~(valid >>> first));
        int from = base + first;
        if (from >= end) {
          break;
        }
        run(value, src, dst, from, Math.min(end, from + length));
        valid = first + length == 64 ? 0 : valid & (-1L << (first + length));
      }
    }
  }

  /**
   * Sets rows {@code from} to {@code to - 1} of {@code dst} to {@code op} of those of
   * {@code src}; {@code op} is a parameter, not a field read in the loop, so that it stays in a
   * register.
   */
  abstract void run(O op, ArrowBuf src, ArrowBuf dst, int from, int to) throws Exception;
}

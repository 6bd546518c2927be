package dev.quiver.function.scalar;

import dev.quiver.function.ScalarFunction;
import dev.quiver.function.arrow.Validity;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What the scalar functions of the short path ({@link DoubleFunction}, {@link LongFunction},
 * {@link IntFunction}, {@link StringFunction}) share: one argument and a result of one Spark type,
 * a name given to the constructor, and an {@link #eval} that allocates the result, passes nulls
 * through once for the whole batch and sets the value count, around either a lambda over one
 * value or a {@link ColumnOp} over the whole column.
 *
 * <p>Subclasses keep everything else of {@link ScalarFunction} and {@code QuiverFunction}:
 * override {@code description()}, {@code isDeterministic()}, {@code open} and {@code close} as
 * any function does.
 *
 * @param <V> the vector class of the argument and the result
 */
public abstract class UnaryFunction<V extends FieldVector> implements ScalarFunction {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String type;
  private final ColumnOp<V, V> column;

  UnaryFunction(String name, String type, ColumnOp<V, V> column) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.column = column;
  }

  @Override
  public String name() {
    return name;
  }

  /** The Spark type of the argument and the result, for example {@code "double"}. */
  @Override
  public final String resultType() {
    return type;
  }

  @Override
  public final List<String> argumentTypes() {
    return List.of(type);
  }

  @Override
  public final FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator)
      throws Exception {
    @SuppressWarnings("unchecked")
    V in = (V) args.getVector(0);
    int rows = args.getRowCount();
    V out = allocate(in, rows, allocator);
    try {
      if (copiesValidityFirst()) {
        Validity.copy(in, out, rows);
      }
      if (column != null) {
        column.apply(in, out);
        Validity.and(in, out, rows);
      } else {
        values(in, out, rows);
      }
      out.setValueCount(rows);
      return out;
    } catch (Exception | Error e) {
      out.close();
      throw e;
    }
  }

  /** An empty result vector named after the function. */
  abstract V newVector(BufferAllocator allocator);

  /**
   * A result vector with room for {@code rows} values: for fixed-width types, the argument's
   * vector class (any other argument is a {@link ClassCastException}, as a cast would be).
   */
  V allocate(V in, int rows, BufferAllocator allocator) {
    V out = newVector(allocator);
    if (out.getClass() != in.getClass()) {
      out.close();
      throw new ClassCastException(
          "cannot cast " + in.getClass().getName() + " to " + out.getClass().getName());
    }
    ((BaseFixedWidthVector) out).allocateNew(rows);
    return out;
  }

  /**
   * Whether the result starts with the argument's validity: fixed-width results do, so that a
   * value written without its setter counts as set; variable-width ones set it value by value.
   */
  boolean copiesValidityFirst() {
    return true;
  }

  /**
   * Applies the value lambda to every non-null row: for fixed-width types, 64 rows at a time, a
   * run of non-null rows at a time through {@link #run}, whose tight loop each subclass keeps
   * for its own type so that the JIT sees one accessor and one lambda class there.
   */
  void values(V in, V out, int rows) throws Exception {
    ArrowBuf src = in.getDataBuffer();
    ArrowBuf dst = out.getDataBuffer();
    if (in.getNullCount() == 0) {
      run(src, dst, 0, rows);
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
        run(src, dst, from, Math.min(end, from + length));
        valid = first + length == 64 ? 0 : valid & (-1L << (first + length));
      }
    }
  }

  /** Sets rows {@code from} to {@code to - 1} of {@code dst} from those of {@code src}. */
  void run(ArrowBuf src, ArrowBuf dst, int from, int to) throws Exception {
    throw new UnsupportedOperationException(name + " has no fixed-width value loop");
  }
}

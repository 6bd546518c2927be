package dev.quiver.function.scalar;

import dev.quiver.function.ScalarFunction;
import dev.quiver.function.arrow.Validity;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.Types.MinorType;
import org.apache.arrow.vector.types.pojo.FieldType;

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
public abstract class UnaryFunction<V extends FieldVector> extends AbstractScalarFunction {
  private static final long serialVersionUID = 1L;

  private final MinorType vectorType;
  private final ColumnOp<V, V> column;

  /** {@code type} is the Spark type of the argument and the result, for example "double". */
  UnaryFunction(String name, String type, MinorType vectorType, ColumnOp<V, V> column) {
    super(name, type, type);
    this.vectorType = vectorType;
    this.column = column;
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
  @SuppressWarnings("unchecked")
  final V newVector(BufferAllocator allocator) {
    FieldType field = FieldType.nullable(vectorType.getType());
    return (V) vectorType.getNewVector(name(), field, allocator, null);
  }

  /** A result vector with room for {@code rows} values like those of {@code in}. */
  abstract V allocate(V in, int rows, BufferAllocator allocator);

  /**
   * Whether the result starts with the argument's validity: fixed-width results do, so that a
   * value written without its setter counts as set; variable-width ones set it value by value.
   */
  abstract boolean copiesValidityFirst();

  /** Sets the first {@code rows} values of {@code out} with the value lambda. */
  abstract void values(V in, V out, int rows) throws Exception;
}

package dev.quiver.spark.testing;

import dev.quiver.function.ScalarFunction;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * A test function that implements {@link ScalarFunction} itself, declared by name and types in
 * its constructor ({@link TypedFixture}). Fixtures that compute a plain function of one value use
 * the short path ({@code DoubleFunction}, {@code LongFunction}, ...) instead; this base is for
 * those that must build their result vectors themselves: several arguments, nested results, or
 * results that are wrong on purpose.
 *
 * <pre>{@code
 * public static final class RowInBatch extends FixtureFunction {
 *   public RowInBatch() {
 *     super("row_in_batch", "int");
 *   }
 *
 *   @Override
 *   public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
 *     return fill(new IntVector("row_in_batch", allocator), args.getRowCount(),
 *         (out, i) -> out.set(i, i));
 *   }
 * }
 * }</pre>
 */
public abstract class FixtureFunction extends TypedFixture implements ScalarFunction {
  private static final long serialVersionUID = 1L;

  /** A function that takes any arguments as they are ({@link #argumentTypes()} is null). */
  protected FixtureFunction(String name, String resultType) {
    this(name, resultType, null);
  }

  protected FixtureFunction(String name, String resultType, List<String> argumentTypes) {
    super(name, resultType, argumentTypes);
  }

  /** Sets one row of a result vector. */
  @FunctionalInterface
  public interface RowSetter<V> {
    void set(V out, int row) throws Exception;
  }

  /**
   * {@code out} allocated for {@code rows} values, each set by {@code row} in row order, with its
   * value count set; closed if {@code row} throws, so that a failing fixture leaks nothing of its
   * own.
   */
  public static <V extends FieldVector> V fill(V out, int rows, RowSetter<V> row)
      throws Exception {
    try {
      out.setInitialCapacity(rows);
      out.allocateNew();
      for (int i = 0; i < rows; i++) {
        row.set(out, i);
      }
      out.setValueCount(rows);
      return out;
    } catch (Exception | Error e) {
      out.close();
      throw e;
    }
  }
}

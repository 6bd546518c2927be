package dev.quiver.function.scalar;

import dev.quiver.function.DeclaredFunction;
import dev.quiver.function.ScalarFunction;

/**
 * A {@link ScalarFunction} whose name, result type and argument types are given to its
 * constructor, as for {@code AbstractAggregateFunction} and {@code AbstractTableFunction}: the
 * declaration is stated once, in one line, and the class holds only its {@code eval}. Everything
 * else is {@link ScalarFunction}'s.
 *
 * <pre>{@code
 * public final class Hypot extends AbstractScalarFunction {
 *   public Hypot() {
 *     super("hypot", "double", "double", "double");   // name, result type, argument types
 *   }
 *
 *   public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
 *     Float8Vector x = (Float8Vector) args.getVector(0);
 *     Float8Vector y = (Float8Vector) args.getVector(1);
 *     Float8Vector out = new Float8Vector("hypot", allocator);
 *     int rows = args.getRowCount();
 *     out.allocateNew(rows);
 *     for (int i = 0; i < rows; i++) {
 *       if (x.isNull(i) || y.isNull(i)) out.setNull(i);
 *       else out.set(i, Math.hypot(x.get(i), y.get(i)));
 *     }
 *     out.setValueCount(rows);
 *     return out;
 *   }
 * }
 * }</pre>
 *
 * A function that accepts any arguments as they are ({@code argumentTypes()} null) implements
 * {@link ScalarFunction} directly; one of a single {@code double}, {@code bigint}, {@code int} or
 * {@code string} argument is shorter still as a {@link DoubleFunction}, {@link LongFunction},
 * {@link IntFunction} or {@link StringFunction}.
 */
public abstract class AbstractScalarFunction extends DeclaredFunction implements ScalarFunction {
  private static final long serialVersionUID = 1L;

  /** The function {@code name(argumentTypes...)} returning {@code resultType}, as DDL types. */
  protected AbstractScalarFunction(String name, String resultType, String... argumentTypes) {
    super(name, resultType, argumentTypes);
  }
}

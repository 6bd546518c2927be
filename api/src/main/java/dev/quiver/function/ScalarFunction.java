package dev.quiver.function;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A scalar function: receives the argument columns of one batch as Arrow vectors and returns one
 * vector with exactly as many rows. The JVM counterpart of PySpark's {@code @pandas_udf} and
 * {@code @arrow_udf}.
 *
 * <pre>{@code
 * public final class PlusOne implements ScalarFunction {
 *   public String name() { return "plus_one"; }
 *   public String resultType() { return "double"; }
 *   public List<String> argumentTypes() { return List.of("double"); }
 *
 *   public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
 *     Float8Vector in = (Float8Vector) args.getVector(0);
 *     Float8Vector out = new Float8Vector("plus_one", allocator);
 *     int rows = args.getRowCount();
 *     out.allocateNew(rows);
 *     for (int i = 0; i < rows; i++) {
 *       if (in.isNull(i)) out.setNull(i); else out.set(i, in.get(i) + 1);
 *     }
 *     out.setValueCount(rows);
 *     return out;
 *   }
 * }
 * }</pre>
 *
 * <pre>{@code
 * SELECT plus_one(price) FROM items WHERE plus_one(price) > 10
 * }</pre>
 *
 * {@code dev.quiver.function.scalar.AbstractScalarFunction} takes the name, result type and
 * argument types in its constructor instead ({@code super("plus_one", "double", "double")}).
 * The same function on the short path of {@code dev.quiver.function.scalar}, which does the
 * allocation, null handling and value count once for every batch, at the same speed:
 *
 * <pre>{@code
 * public final class PlusOne extends DoubleFunction {
 *   public PlusOne() { super("plus_one", v -> v + 1); }
 * }
 * }</pre>
 *
 * <h2>Evaluation</h2>
 * For every batch of at most {@code spark.quiver.batchSize} rows (10,000 by default), Quiver
 * writes the argument values into the vectors of {@code args}, one vector per argument in call
 * order, and calls {@link #eval}. The vectors belong to Quiver and are reused for the next batch:
 * read them, do not keep or close them. The returned vector belongs to Quiver from then on; it
 * must be allocated from {@code allocator}, hold exactly {@code args.getRowCount()} values and have
 * the Arrow type that Spark uses for {@link #resultType()}:
 *
 * <table>
 *   <caption>Spark types and their Arrow vectors</caption>
 *   <tr><th>Spark type</th><th>Arrow vector</th></tr>
 *   <tr><td>boolean, tinyint, smallint, int, bigint</td>
 *       <td>BitVector, TinyIntVector, SmallIntVector, IntVector, BigIntVector</td></tr>
 *   <tr><td>float, double, decimal(p,s)</td>
 *       <td>Float4Vector, Float8Vector, DecimalVector (same precision and scale)</td></tr>
 *   <tr><td>string, binary</td><td>VarCharVector, VarBinaryVector</td></tr>
 *   <tr><td>date, timestamp, timestamp_ntz</td>
 *       <td>DateDayVector, TimeStampMicroTZVector, TimeStampMicroVector</td></tr>
 *   <tr><td>array, map, struct</td><td>ListVector, MapVector, StructVector</td></tr>
 * </table>
 *
 * A struct result gives several columns at once: {@code SELECT f(x).* FROM t}.
 *
 * <h2>Lifecycle</h2>
 * One instance per task and call: {@code open} once, {@link #eval} once per batch, {@code close}
 * once at the end of the task, always; see the
 * <a href="package-summary.html#lifecycle">package documentation</a>.
 */
public interface ScalarFunction extends QuiverFunction {

  /**
   * The result type as a Spark DDL type string, for example {@code "double"},
   * {@code "array<string>"} or {@code "struct<file:string,status:string>"}.
   */
  String resultType();

  /**
   * Whether the result may contain nulls. A function that declares {@code false} and returns a
   * null fails the query.
   */
  default boolean resultNullable() {
    return true;
  }

  /**
   * The argument types as Spark DDL type strings, or {@code null} (the default) to accept any
   * arguments as they are. When declared, a call must pass exactly this many arguments, and Spark
   * casts each one implicitly where it can (an {@code int} column to a declared {@code bigint}).
   */
  default List<String> argumentTypes() {
    return null;
  }

  /**
   * Computes the result for one batch.
   *
   * @param args the argument columns; {@code args.getRowCount()} is the batch's row count, also
   *     for a function without arguments
   * @param allocator the allocator to create the result vector from
   * @return a vector of {@code args.getRowCount()} values, which Quiver closes after use
   */
  FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception;
}

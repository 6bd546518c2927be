package dev.quiver.function.scalar;

import java.io.Serializable;
import org.apache.arrow.vector.FieldVector;

/**
 * The whole-column form of a function of the short path: computes a batch's result vector from
 * its argument vector at once, for code that is faster over a whole column (a loop the JIT
 * vectorizes, a native call, a lookup shared by the batch). Serializable, so that a function
 * registered as an instance can be shipped to executors with its lambda.
 *
 * <p>{@code out} comes allocated for {@code in.getValueCount()} values; the function writes them
 * and does not set the value count. Rows that are null in {@code in} come out null whatever the
 * function writes there; other rows may be set null with {@code out.setNull(i)}.
 *
 * @param <I> the argument's vector class
 * @param <O> the result's vector class
 */
@FunctionalInterface
public interface ColumnOp<I extends FieldVector, O extends FieldVector> extends Serializable {
  void apply(I in, O out) throws Exception;
}

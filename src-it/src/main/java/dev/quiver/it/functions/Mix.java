package dev.quiver.it.functions;

import dev.quiver.function.ScalarFunction;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code it_mix(bigint) -> bigint}: SplitMix64's finalizer, so results cover the whole range of
 * {@code bigint} and any lost, duplicated or misplaced row changes them.
 */
public final class Mix implements ScalarFunction {

  /** The function itself, also used by the tests to compute the expected results. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public String name() {
    return "it_mix";
  }

  @Override
  public String description() {
    return "SplitMix64's finalizer of a bigint.";
  }

  @Override
  public String resultType() {
    return "bigint";
  }

  @Override
  public List<String> argumentTypes() {
    return List.of("bigint");
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
    BigIntVector in = (BigIntVector) args.getVector(0);
    int rows = args.getRowCount();
    BigIntVector out = new BigIntVector(name(), allocator);
    out.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      if (in.isNull(i)) {
        out.setNull(i);
      } else {
        out.set(i, mix(in.get(i)));
      }
    }
    out.setValueCount(rows);
    return out;
  }
}

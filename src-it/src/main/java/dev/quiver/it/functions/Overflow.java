package dev.quiver.it.functions;

import dev.quiver.function.ScalarFunction;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code it_overflow(bigint) -> bigint}: never returns; its eval recurses without bound until the
 * executor's task thread throws a real {@link StackOverflowError}. The cluster test uses it to
 * show that a fatal JVM error of user code fails only its query: Spark would otherwise stop the
 * executor JVM.
 */
public final class Overflow implements ScalarFunction {

  @Override
  public String name() {
    return "it_overflow";
  }

  @Override
  public String description() {
    return "Recurses without bound: always fails with a StackOverflowError.";
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
    long first = args.getRowCount() == 0 || in.isNull(0) ? 0 : in.get(0);
    BigIntVector out = new BigIntVector(name(), allocator);
    try {
      out.allocateNew(args.getRowCount());
      for (int i = 0; i < args.getRowCount(); i++) {
        out.set(i, descend(first + i));
      }
      out.setValueCount(args.getRowCount());
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  /** Each call adds a frame and uses the result of the next one: nothing can unwind it early. */
  private static long descend(long n) {
    return Mix.mix(n) ^ descend(n + 1) + 1;
  }
}

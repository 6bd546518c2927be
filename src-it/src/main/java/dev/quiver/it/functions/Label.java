package dev.quiver.it.functions;

import dev.quiver.function.ScalarFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code it_label(bigint id, string name) -> string}: {@code name#(id % 97)}, or null when either
 * argument is null.
 */
public final class Label implements ScalarFunction {

  /** The function itself, also used by the tests to compute the expected results. */
  public static String label(long id, String name) {
    return name == null ? null : name + "#" + (id % 97);
  }

  @Override
  public String name() {
    return "it_label";
  }

  @Override
  public String description() {
    return "Labels a name with its id modulo 97: it_label(7, 'a') returns 'a#7'.";
  }

  @Override
  public String resultType() {
    return "string";
  }

  @Override
  public List<String> argumentTypes() {
    return List.of("bigint", "string");
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
    BigIntVector ids = (BigIntVector) args.getVector(0);
    VarCharVector names = (VarCharVector) args.getVector(1);
    int rows = args.getRowCount();
    VarCharVector out = new VarCharVector(name(), allocator);
    out.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      if (ids.isNull(i) || names.isNull(i)) {
        out.setNull(i);
      } else {
        String name = new String(names.get(i), StandardCharsets.UTF_8);
        out.setSafe(i, label(ids.get(i), name).getBytes(StandardCharsets.UTF_8));
      }
    }
    out.setValueCount(rows);
    return out;
  }
}

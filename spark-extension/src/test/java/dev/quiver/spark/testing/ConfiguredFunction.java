package dev.quiver.spark.testing;

import dev.quiver.function.ScalarFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Registered through {@code spark.quiver.functions}: returns "configured" for every row. */
public final class ConfiguredFunction implements ScalarFunction {
  @Override
  public String name() {
    return "configured";
  }

  @Override
  public String resultType() {
    return "string";
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
    VarCharVector out = new VarCharVector("configured", allocator);
    int rows = args.getRowCount();
    out.allocateNew(rows);
    byte[] value = "configured".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < rows; i++) {
      out.setSafe(i, value);
    }
    out.setValueCount(rows);
    return out;
  }
}

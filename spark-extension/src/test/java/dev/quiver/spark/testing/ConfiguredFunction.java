package dev.quiver.spark.testing;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Registered through {@code spark.quiver.functions}: returns "configured" for every row. */
public final class ConfiguredFunction extends FixtureFunction {
  public ConfiguredFunction() {
    super("configured", "string");
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
    byte[] value = "configured".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return fill(new VarCharVector("configured", allocator), args.getRowCount(),
        (out, i) -> out.setSafe(i, value));
  }
}

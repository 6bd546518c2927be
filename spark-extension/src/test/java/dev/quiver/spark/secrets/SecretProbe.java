package dev.quiver.spark.secrets;

import dev.quiver.function.FunctionContext;
import dev.quiver.spark.testing.FixtureFunction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code secret_probe()}: the SHA-256 of the secrets {@code password} and {@code token} as the
 * function received them on the executor, so that a test can check the values arrived without
 * the values themselves ever appearing in a result.
 */
public final class SecretProbe extends FixtureFunction {
  private String digest;

  public SecretProbe() {
    super("secret_probe", "string");
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    digest = "password=" + sha256(context.secret("password"))
        + " token=" + sha256(context.secret("token"));
  }

  static String sha256(String value) throws Exception {
    if (value == null) {
      return "none";
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
    byte[] value = digest.getBytes(StandardCharsets.UTF_8);
    return fill(new VarCharVector("secret_probe", allocator), args.getRowCount(),
        (out, i) -> out.setSafe(i, value));
  }
}

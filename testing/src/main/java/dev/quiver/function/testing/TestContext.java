package dev.quiver.function.testing;

import dev.quiver.function.FunctionContext;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The {@link FunctionContext} a harness opens a function with: the task's own allocator, which
 * the harness checks for leaks when the function is closed, and the settings and secrets the
 * test gave the harness ({@code conf(...)}, {@code secret(...)}).
 */
final class TestContext implements FunctionContext {
  private final String functionName;
  private final BufferAllocator allocator;
  private final int partitionId;
  private final Map<String, String> conf;
  private final Map<String, String> secrets;

  TestContext(String functionName, BufferAllocator allocator, int partitionId,
      Map<String, String> conf, Map<String, String> secrets) {
    this.functionName = functionName;
    this.allocator = allocator;
    this.partitionId = partitionId;
    this.conf = Map.copyOf(conf);
    this.secrets = Map.copyOf(secrets);
  }

  @Override
  public String functionName() {
    return functionName;
  }

  @Override
  public BufferAllocator allocator() {
    return allocator;
  }

  @Override
  public int partitionId() {
    return partitionId;
  }

  @Override
  public int attemptNumber() {
    return 0;
  }

  @Override
  public String conf(String key, String defaultValue) {
    return conf.getOrDefault(key, defaultValue);
  }

  @Override
  public String secret(String name) {
    return secrets.get(name);
  }
}

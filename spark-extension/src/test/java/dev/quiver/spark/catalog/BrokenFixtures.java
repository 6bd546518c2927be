package dev.quiver.spark.catalog;

import dev.quiver.function.ScalarFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Functions that cannot be loaded, declared in the tests' META-INF/services next to working ones,
 * so that every test session starts the way a cluster with one bad functions jar does. A fourth
 * declared class, {@code BrokenFixtures$Missing}, does not exist at all. Each returns its name
 * from a {@code name()} of its own, not from a field its constructor sets, because Quiver reads
 * the name of a class whose constructor fails from an instance made without running it.
 */
public final class BrokenFixtures {
  private BrokenFixtures() {}

  /** A function whose constructor fails, as one that reads a license file would. */
  public static final class ThrowingConstructor extends Base {
    public ThrowingConstructor() {
      throw new IllegalStateException("no license key");
    }

    @Override
    public String name() {
      return "broken_constructor";
    }
  }

  /** What the JVM throws when a function's jar was deployed without one of its dependencies. */
  public static final class MissingDependency extends Base {
    public MissingDependency() {
      throw new NoClassDefFoundError("com/example/sftp/SftpClient");
    }

    @Override
    public String name() {
      return "missing_dependency";
    }
  }

  /** No public no-argument constructor. */
  public static final class NoPublicConstructor extends Base {
    public NoPublicConstructor(String setting) {}

    @Override
    public String name() {
      return "no_public_constructor";
    }
  }

  abstract static class Base implements ScalarFunction {
    @Override
    public String resultType() {
      return "int";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      throw new UnsupportedOperationException("never loaded");
    }
  }
}

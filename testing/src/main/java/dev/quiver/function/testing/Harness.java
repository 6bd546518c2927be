package dev.quiver.function.testing;

import dev.quiver.function.QuiverFunction;
import dev.quiver.function.table.SkipRestOfInputTableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What the harnesses share: where task instances come from, the settings of their
 * {@link TestContext}, and {@link #task}, which runs one task's lifecycle with its own allocator
 * and checks it for leaks.
 *
 * <p>Task instances are made as on a cluster: from a {@link Supplier} (like the public
 * no-argument constructor Quiver calls for functions declared by class), or, for a harness made
 * from an instance, by copying the instance through Java serialization, as
 * {@code Quiver.register} ships one to executors: a function whose fields or lambdas are not
 * serializable fails there and here alike.
 *
 * @param <F> the function's class
 * @param <H> the harness's own class, for chained settings
 */
abstract class Harness<F extends QuiverFunction, H extends Harness<F, H>> {
  final F prototype;
  private final Supplier<F> instances;
  private final Map<String, String> conf = new LinkedHashMap<>();
  private final Map<String, String> secrets = new LinkedHashMap<>();
  int batchSize = Integer.MAX_VALUE;
  private int tasks;

  Harness(F prototype, Supplier<F> instances) {
    this.prototype = prototype;
    this.instances = instances;
  }

  /** Task instances copied from {@code function} by Java serialization. */
  static <F extends QuiverFunction> Supplier<F> shipped(F function) {
    byte[] bytes;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
      objects.writeObject(function);
      bytes = out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError("Quiver function '" + function.name() + "' ("
          + function.getClass().getName() + ") cannot be shipped to executors as an instance "
          + "because it is not serializable: " + e + ". Make its fields and lambdas "
          + "serializable, or test it with a harness made from a Supplier, such as "
          + function.getClass().getSimpleName() + "::new, if it is declared by class.", e);
    }
    return () -> {
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        @SuppressWarnings("unchecked")
        F copy = (F) in.readObject();
        return copy;
      } catch (IOException | ClassNotFoundException e) {
        throw new AssertionError("Quiver function '" + function.name() + "' cannot be "
            + "deserialized: " + e, e);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private H self() {
    return (H) this;
  }

  /** A setting the function reads with {@code FunctionContext.conf}. */
  public H conf(String key, String value) {
    conf.put(key, value);
    return self();
  }

  /** A secret the function reads with {@code FunctionContext.secret}. */
  public H secret(String name, String value) {
    secrets.put(name, value);
    return self();
  }

  /**
   * Hands the function batches of at most {@code rows} rows, as {@code spark.quiver.batchSize}
   * does on a cluster; by default all rows come in one batch.
   */
  public H batchSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, not " + rows);
    }
    this.batchSize = rows;
    return self();
  }

  /** The name the function is called by. */
  String name() {
    return prototype.name();
  }

  /** Splits {@code rows} into batches of at most {@link #batchSize} rows; none for none. */
  <T> List<List<T>> batches(List<T> rows) {
    List<List<T>> batches = new ArrayList<>();
    for (int start = 0; start < rows.size(); start += batchSize) {
      batches.add(rows.subList(start, (int) Math.min(rows.size(), (long) start + batchSize)));
    }
    return batches;
  }

  /** What one batch of a table function's rows goes through: {@code eval}, {@code evalLeft}. */
  interface BatchEval {
    void eval(VectorSchemaRoot batch) throws Exception;
  }

  /**
   * Hands {@code rows} of {@code schema} to {@code eval} in batches, each closed after its call,
   * until {@link SkipRestOfInputTableException} skips the rest of them, as a task does.
   */
  void feed(Schema schema, List<? extends List<?>> rows, BufferAllocator allocator,
      BatchEval eval) throws Exception {
    try {
      for (List<? extends List<?>> batch : batches(rows)) {
        try (VectorSchemaRoot input = Batches.create(schema, batch, allocator)) {
          eval.eval(input);
        }
      }
    } catch (SkipRestOfInputTableException skip) {
      // The rest is skipped; what follows (the other side, terminate) still runs.
    }
  }

  /** The part of one task between {@code open} and {@code close}. */
  interface Body<F, T> {
    T run(F function, BufferAllocator allocator) throws Exception;
  }

  /**
   * Runs one task: a fresh instance, {@code open} once, {@code body}, and {@code close} once,
   * always; then checks that the task's allocator holds nothing. The function's own exception
   * comes out as it was thrown; a leak is reported after it, or as the failure.
   */
  <T> T task(Body<F, T> body) {
    F function = instances.get();
    int partition = tasks++;
    Throwable failure = null;
    T result = null;
    RootAllocator root = new RootAllocator();
    BufferAllocator allocator = root.newChildAllocator("Quiver function '" + name() + "'", 0,
        Long.MAX_VALUE);
    try {
      function.open(new TestContext(name(), allocator, partition, conf, secrets));
      result = body.run(function, allocator);
    } catch (Throwable t) {
      failure = t;
    } finally {
      try {
        function.close();
      } catch (Throwable t) {
        failure = add(failure, t);
      }
      failure = add(failure, leak(allocator));
      if (root.getAllocatedMemory() == 0) {
        root.close();
      }
    }
    if (failure != null) {
      throw Harness.<RuntimeException>rethrow(failure);
    }
    return result;
  }

  /** Closes the task's allocator; what it still holds is a leak of the function. */
  private AssertionError leak(BufferAllocator allocator) {
    long leaked = allocator.getAllocatedMemory();
    if (leaked == 0) {
      allocator.close();
      return null;
    }
    String detail = allocator.toVerboseString();
    try {
      allocator.close();
    } catch (IllegalStateException expected) {
      // Arrow refuses to close an allocator with outstanding buffers; reported below.
    }
    return new AssertionError("Arrow memory leaked by Quiver function '" + name() + "': "
        + leaked + " bytes still allocated when it was closed. Every vector a function creates "
        + "must be returned to Quiver or closed by the function.\n" + detail);
  }

  private static Throwable add(Throwable failure, Throwable next) {
    if (next == null) {
      return failure;
    }
    if (failure == null) {
      return next;
    }
    failure.addSuppressed(next);
    return failure;
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E rethrow(Throwable t) throws E {
    throw (E) t;
  }
}

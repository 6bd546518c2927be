package dev.quiver.spark.scalar;

import dev.quiver.function.scalar.LongFunction;
import dev.quiver.spark.testing.FixtureFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Functions for conditional evaluation: ones that fail on some rows, and ones that count. */
public final class ConditionalFixtures {
  private ConditionalFixtures() {}

  /** Sets one row of a result from the first argument's non-null value there. */
  interface LongRow<V> {
    void set(V out, int row, long value);
  }

  /**
   * {@code out} allocated for the batch, null where the first ({@code bigint}) argument is and set
   * by {@code row} elsewhere; closed if {@code row} throws.
   */
  static <V extends FieldVector> V eachLong(VectorSchemaRoot args, V out, LongRow<V> row)
      throws Exception {
    BigIntVector in = (BigIntVector) args.getVector(0);
    return FixtureFunction.fill(out, args.getRowCount(), (o, i) -> {
      if (in.isNull(i)) {
        o.setNull(i);
      } else {
        row.set(o, i, in.get(i));
      }
    });
  }

  /** {@code 1.0 / x}, failing on 0 as a function that validates its input would. */
  public static final class Inverse extends FixtureFunction {
    public Inverse() {
      super("inverse", "double", List.of("bigint"));
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      BigIntVector in = (BigIntVector) args.getVector(0);
      int rows = args.getRowCount();
      for (int i = 0; i < rows; i++) {
        if (!in.isNull(i) && in.get(i) == 0) {
          throw new ArithmeticException("inverse of 0");
        }
      }
      Float8Vector result = new Float8Vector("inverse", allocator);
      return eachLong(args, result, (out, i, v) -> out.set(i, 1.0 / v));
    }
  }

  /** {@code x * 10}, non-deterministic, counting the rows it is evaluated on. */
  public static final class Tracked extends LongFunction {
    public static final AtomicLong EVALUATED = new AtomicLong();

    public Tracked() {
      super("tracked", (in, out) -> {
        EVALUATED.addAndGet(in.getValueCount());
        for (int i = 0; i < in.getValueCount(); i++) {
          out.getDataBuffer().setLong(8L * i, in.getDataBuffer().getLong(8L * i) * 10);
        }
      });
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }
  }

  /** {@code x > 0}: a Quiver call inside a condition. */
  public static final class Positive extends FixtureFunction {
    public Positive() {
      super("is_positive", "boolean", List.of("bigint"));
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      BitVector result = new BitVector("is_positive", allocator);
      return eachLong(args, result, (out, i, v) -> out.set(i, v > 0 ? 1 : 0));
    }
  }

  /** {@code concat('n', x)}, failing on 0: a result Spark reads in place from Arrow. */
  public static final class Label extends FixtureFunction {
    public Label() {
      super("label", "string", List.of("bigint"));
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      return eachLong(args, new VarCharVector("label", allocator), (out, i, v) -> {
        if (v == 0) {
          throw new IllegalArgumentException("label of 0");
        }
        out.setSafe(i, ("n" + v).getBytes(StandardCharsets.UTF_8));
      });
    }
  }

  /** {@code 2 * x}: the cheapest call. */
  public static final class Twice extends LongFunction {
    public Twice() {
      super("twice", v -> 2 * v);
    }
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.function.ScalarFunction;
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

  /** {@code 1.0 / x}, failing on 0 as a function that validates its input would. */
  public static final class Inverse implements ScalarFunction {
    @Override
    public String name() {
      return "inverse";
    }

    @Override
    public String resultType() {
      return "double";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("bigint");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      BigIntVector in = (BigIntVector) args.getVector(0);
      int rows = args.getRowCount();
      for (int i = 0; i < rows; i++) {
        if (!in.isNull(i) && in.get(i) == 0) {
          throw new ArithmeticException("inverse of 0");
        }
      }
      Float8Vector out = new Float8Vector("inverse", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, 1.0 / in.get(i));
        }
      }
      out.setValueCount(rows);
      return out;
    }
  }

  /** {@code x * 10}, non-deterministic, counting the rows it is evaluated on. */
  public static final class Tracked implements ScalarFunction {
    public static final AtomicLong EVALUATED = new AtomicLong();

    @Override
    public String name() {
      return "tracked";
    }

    @Override
    public boolean isDeterministic() {
      return false;
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
      EVALUATED.addAndGet(rows);
      BigIntVector out = new BigIntVector("tracked", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, in.get(i) * 10);
        }
      }
      out.setValueCount(rows);
      return out;
    }
  }

  /** {@code x > 0}: a Quiver call inside a condition. */
  public static final class Positive implements ScalarFunction {
    @Override
    public String name() {
      return "is_positive";
    }

    @Override
    public String resultType() {
      return "boolean";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("bigint");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      BigIntVector in = (BigIntVector) args.getVector(0);
      int rows = args.getRowCount();
      BitVector out = new BitVector("is_positive", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, in.get(i) > 0 ? 1 : 0);
        }
      }
      out.setValueCount(rows);
      return out;
    }
  }

  /** {@code concat('n', x)}, failing on 0: a result Spark reads in place from Arrow. */
  public static final class Label implements ScalarFunction {
    @Override
    public String name() {
      return "label";
    }

    @Override
    public String resultType() {
      return "string";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("bigint");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      BigIntVector in = (BigIntVector) args.getVector(0);
      int rows = args.getRowCount();
      VarCharVector out = new VarCharVector("label", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          out.setNull(i);
        } else if (in.get(i) == 0) {
          out.close();
          throw new IllegalArgumentException("label of 0");
        } else {
          out.setSafe(i, ("n" + in.get(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      out.setValueCount(rows);
      return out;
    }
  }

  /** {@code 2 * x}: the cheapest call, for measuring what guards cost. */
  public static final class Twice implements ScalarFunction {
    @Override
    public String name() {
      return "twice";
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
      BigIntVector out = new BigIntVector("twice", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, 2 * in.get(i));
        }
      }
      out.setValueCount(rows);
      return out;
    }
  }
}

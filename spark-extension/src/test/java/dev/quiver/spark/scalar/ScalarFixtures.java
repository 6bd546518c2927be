package dev.quiver.spark.scalar;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.ScalarFunction;
import dev.quiver.function.scalar.DoubleFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;

/** Scalar functions the tests call. */
public final class ScalarFixtures {
  private ScalarFixtures() {}

  /** Declared in META-INF/services: the first way to register. */
  public static final class PlusOne extends DoubleFunction {
    public PlusOne() {
      super("plus_one", v -> v + 1);
    }

    @Override
    public String description() {
      return "Adds one to a number.\nExample: SELECT plus_one(1.5) returns 2.5";
    }
  }

  /** Two arguments. */
  public static final class Times implements ScalarFunction {
    @Override
    public String name() {
      return "times";
    }

    @Override
    public String resultType() {
      return "double";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("double", "double");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      Float8Vector a = (Float8Vector) args.getVector(0);
      Float8Vector b = (Float8Vector) args.getVector(1);
      int rows = args.getRowCount();
      Float8Vector out = new Float8Vector("times", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (a.isNull(i) || b.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, a.get(i) * b.get(i));
        }
      }
      out.setValueCount(rows);
      return out;
    }
  }

  /** Returns its argument as it came, whatever its type; registered per type by the tests. */
  public static final class Identity implements ScalarFunction {
    private final String type;

    public Identity(String type) {
      this.type = type;
    }

    @Override
    public String name() {
      return "identity";
    }

    @Override
    public String resultType() {
      return type;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      return copy(args.getVector(0), allocator, args.getRowCount());
    }
  }

  static FieldVector copy(ValueVector in, BufferAllocator allocator, int rows) {
    FieldVector out = in.getField().createVector(allocator);
    out.allocateNew();
    for (int i = 0; i < rows; i++) {
      out.copyFromSafe(i, i, in);
    }
    out.setValueCount(rows);
    return out;
  }

  /** A struct result: the number and whether it is even. */
  public static final class Parity implements ScalarFunction {
    @Override
    public String name() {
      return "parity";
    }

    @Override
    public String resultType() {
      return "struct<value:bigint,parity:string>";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("bigint");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      BigIntVector in = (BigIntVector) args.getVector(0);
      int rows = args.getRowCount();
      StructVector out = StructVector.empty("parity", allocator);
      BigIntVector value = out.addOrGet("value",
          org.apache.arrow.vector.types.pojo.FieldType.nullable(
              new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)), BigIntVector.class);
      VarCharVector parity = out.addOrGet("parity",
          org.apache.arrow.vector.types.pojo.FieldType.nullable(
              org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE), VarCharVector.class);
      out.allocateNew();
      for (int i = 0; i < rows; i++) {
        long v = in.get(i);
        value.setSafe(i, v);
        parity.setSafe(i, (v % 2 == 0 ? "even" : "odd").getBytes(StandardCharsets.UTF_8));
        out.setIndexDefined(i);
      }
      value.setValueCount(rows);
      parity.setValueCount(rows);
      out.setValueCount(rows);
      return out;
    }
  }

  /** Non-deterministic: numbers its rows in the order it sees them. */
  public static final class Counter implements ScalarFunction {
    private long next;

    @Override
    public String name() {
      return "counter";
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
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      int rows = args.getRowCount();
      BigIntVector out = new BigIntVector("counter", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        out.set(i, next++);
      }
      out.setValueCount(rows);
      return out;
    }
  }

  /** Counts open and close calls, and keeps a buffer between them like a real resource would. */
  public static final class Lifecycle implements ScalarFunction {
    public static final AtomicInteger OPENED = new AtomicInteger();
    public static final AtomicInteger CLOSED = new AtomicInteger();
    public static volatile boolean failInEval;
    private IntVector scratch;

    @Override
    public String name() {
      return "lifecycle";
    }

    @Override
    public String resultType() {
      return "int";
    }

    @Override
    public void open(FunctionContext context) {
      OPENED.incrementAndGet();
      scratch = new IntVector("scratch", context.allocator());
      scratch.allocateNew(16);
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      if (failInEval) {
        throw new IllegalStateException("lifecycle was told to fail");
      }
      int rows = args.getRowCount();
      IntVector out = new IntVector("lifecycle", allocator);
      out.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        out.set(i, OPENED.get());
      }
      out.setValueCount(rows);
      return out;
    }

    @Override
    public void close() {
      scratch.close();
      CLOSED.incrementAndGet();
    }
  }

  /** Returns one row too many. */
  public static final class WrongLength implements ScalarFunction {
    @Override
    public String name() {
      return "wrong_length";
    }

    @Override
    public String resultType() {
      return "int";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      IntVector out = new IntVector("x", allocator);
      out.allocateNew(args.getRowCount() + 1);
      out.setValueCount(args.getRowCount() + 1);
      return out;
    }
  }

  /** Declares double, returns int. */
  public static final class WrongType implements ScalarFunction {
    @Override
    public String name() {
      return "wrong_type";
    }

    @Override
    public String resultType() {
      return "double";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      IntVector out = new IntVector("x", allocator);
      out.allocateNew(args.getRowCount());
      out.setValueCount(args.getRowCount());
      return out;
    }
  }

  /** Declares a non-nullable result, returns nulls. */
  public static final class NullInNonNullable implements ScalarFunction {
    @Override
    public String name() {
      return "null_in_non_nullable";
    }

    @Override
    public String resultType() {
      return "int";
    }

    @Override
    public boolean resultNullable() {
      return false;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      IntVector out = new IntVector("x", allocator);
      out.allocateNew(args.getRowCount());
      for (int i = 0; i < args.getRowCount(); i++) {
        out.setNull(i);
      }
      out.setValueCount(args.getRowCount());
      return out;
    }
  }

  /** Throws from eval, after allocating, as careless code does. */
  public static final class Throwing implements ScalarFunction {
    @Override
    public String name() {
      return "throwing";
    }

    @Override
    public String resultType() {
      return "int";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      try (IntVector scratch = new IntVector("scratch", allocator)) {
        scratch.allocateNew(10);
        throw new ArithmeticException("division by zero in row 3");
      }
    }
  }

  /** Throws from open. */
  public static final class ThrowingOpen implements ScalarFunction {
    @Override
    public String name() {
      return "throwing_open";
    }

    @Override
    public String resultType() {
      return "int";
    }

    @Override
    public void open(FunctionContext context) throws Exception {
      throw new java.io.IOException("connection refused by sftp.example.com");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      throw new AssertionError("not reached");
    }
  }

  /** Declares a result type that is not a type. */
  public static final class BadType implements ScalarFunction {
    @Override
    public String name() {
      return "bad_type";
    }

    @Override
    public String resultType() {
      return "doubel";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      throw new AssertionError("not reached");
    }
  }

  /** Has the same name as {@link PlusOne}. */
  public static final class AnotherPlusOne implements ScalarFunction {
    @Override
    public String name() {
      return "plus_one";
    }

    @Override
    public String resultType() {
      return "double";
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      throw new AssertionError("not reached");
    }
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.function.FunctionContext;
import dev.quiver.function.scalar.DoubleFunction;
import dev.quiver.spark.testing.FixtureFunction;
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
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

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
  public static final class Times extends FixtureFunction {
    public Times() {
      super("times", "double", List.of("double", "double"));
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      Float8Vector a = (Float8Vector) args.getVector(0);
      Float8Vector b = (Float8Vector) args.getVector(1);
      return fill(new Float8Vector("times", allocator), args.getRowCount(), (out, i) -> {
        if (a.isNull(i) || b.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, a.get(i) * b.get(i));
        }
      });
    }
  }

  /** Returns its argument as it came, whatever its type; registered per type by the tests. */
  public static final class Identity extends FixtureFunction {
    public Identity(String type) {
      super("identity", type);
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
  public static final class Parity extends FixtureFunction {
    public Parity() {
      super("parity", "struct<value:bigint,parity:string>", List.of("bigint"));
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      BigIntVector in = (BigIntVector) args.getVector(0);
      int rows = args.getRowCount();
      StructVector out = StructVector.empty("parity", allocator);
      BigIntVector value = out.addOrGet("value",
          FieldType.nullable(new ArrowType.Int(64, true)), BigIntVector.class);
      VarCharVector parity = out.addOrGet("parity",
          FieldType.nullable(ArrowType.Utf8.INSTANCE), VarCharVector.class);
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
  public static final class Counter extends FixtureFunction {
    private long next;

    public Counter() {
      super("counter", "bigint");
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      return fill(new BigIntVector("counter", allocator), args.getRowCount(),
          (out, i) -> out.set(i, next++));
    }
  }

  /** Counts open and close calls, and keeps a buffer between them like a real resource would. */
  public static final class Lifecycle extends FixtureFunction {
    public static final AtomicInteger OPENED = new AtomicInteger();
    public static final AtomicInteger CLOSED = new AtomicInteger();
    public static volatile boolean failInEval;
    private IntVector scratch;

    public Lifecycle() {
      super("lifecycle", "int");
    }

    @Override
    public void open(FunctionContext context) {
      OPENED.incrementAndGet();
      scratch = new IntVector("scratch", context.allocator());
      scratch.allocateNew(16);
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      if (failInEval) {
        throw new IllegalStateException("lifecycle was told to fail");
      }
      return fill(new IntVector("lifecycle", allocator), args.getRowCount(),
          (out, i) -> out.set(i, OPENED.get()));
    }

    @Override
    public void close() {
      scratch.close();
      CLOSED.incrementAndGet();
    }
  }

  /**
   * Returns an int vector of {@code extraRows} more values than rows, whatever it declares:
   * {@code wrong_length} returns one row too many, {@code wrong_type} declares double.
   */
  public static final class WrongResult extends FixtureFunction {
    private final int extraRows;

    public WrongResult(String name, String resultType, int extraRows) {
      super(name, resultType);
      this.extraRows = extraRows;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      IntVector out = new IntVector("x", allocator);
      out.allocateNew(args.getRowCount() + extraRows);
      out.setValueCount(args.getRowCount() + extraRows);
      return out;
    }
  }

  /** Declares a non-nullable result, returns nulls. */
  public static final class NullInNonNullable extends FixtureFunction {
    public NullInNonNullable() {
      super("null_in_non_nullable", "int");
    }

    @Override
    public boolean resultNullable() {
      return false;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      return fill(new IntVector("x", allocator), args.getRowCount(), IntVector::setNull);
    }
  }

  /** Throws from eval, after allocating, as careless code does. */
  public static final class Throwing extends FixtureFunction {
    public Throwing() {
      super("throwing", "int");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      try (IntVector scratch = new IntVector("scratch", allocator)) {
        scratch.allocateNew(10);
        throw new ArithmeticException("division by zero in row 3");
      }
    }
  }

  /** A function the tests never get to evaluate: it fails before, or is refused. */
  abstract static class NotEvaluated extends FixtureFunction {
    NotEvaluated(String name, String resultType) {
      super(name, resultType);
    }

    @Override
    public final FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      throw new AssertionError("not reached");
    }
  }

  /** Throws from open. */
  public static final class ThrowingOpen extends NotEvaluated {
    public ThrowingOpen() {
      super("throwing_open", "int");
    }

    @Override
    public void open(FunctionContext context) throws Exception {
      throw new java.io.IOException("connection refused by sftp.example.com");
    }
  }

  /** Declares a result type that is not a type. */
  public static final class BadType extends NotEvaluated {
    public BadType() {
      super("bad_type", "doubel");
    }
  }

  /** Has the same name as {@link PlusOne}. */
  public static final class AnotherPlusOne extends NotEvaluated {
    public AnotherPlusOne() {
      super("plus_one", "double");
    }
  }
}

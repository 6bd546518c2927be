package dev.quiver.spark.scalar;

import dev.quiver.function.FunctionContext;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.testing.FixtureFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** Scalar functions that do what a function must not: the executor-safety tests call them. */
public final class SafetyFixtures {
  private SafetyFixtures() {}

  /** What {@link Failing} throws. */
  public enum Failure { STACK_OVERFLOW, ASSERTION, OUT_OF_MEMORY, INTERNAL, CUSTOM_ERROR }

  /** A custom {@link Error} subclass, as some libraries throw. */
  public static final class LibraryError extends Error {
    private static final long serialVersionUID = 1L;

    LibraryError(String message) {
      super(message);
    }
  }

  /** Throws an error in one phase of its lifecycle: open, eval or close. */
  public static final class Failing extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    private final String phase;
    private final Failure failure;

    public Failing(String phase, Failure failure) {
      super("failing", "bigint");
      this.phase = phase;
      this.failure = failure;
    }

    @Override
    public void open(FunctionContext context) {
      maybeFail("open");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      maybeFail("eval");
      BigIntVector out = new BigIntVector("out", allocator);
      out.allocateNew(args.getRowCount());
      out.setValueCount(args.getRowCount());
      return out;
    }

    @Override
    public void close() {
      maybeFail("close");
    }

    private void maybeFail(String now) {
      if (!now.equals(phase)) {
        return;
      }
      switch (failure) {
        case STACK_OVERFLOW -> dev.quiver.spark.testing.FatalErrors.overflowStack();
        case ASSERTION -> throw new AssertionError("an invariant broke");
        case OUT_OF_MEMORY -> throw new OutOfMemoryError("simulated: Java heap space");
        case INTERNAL -> throw new InternalError("simulated internal error");
        case CUSTOM_ERROR -> throw new LibraryError("a library gave up");
        default -> throw new IllegalStateException();
      }
    }
  }

  /** Holds {@code megabytes} MiB of Arrow memory from its allocator, 4 MiB at a time. */
  public static final class Hog extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    private final int megabytes;
    private transient List<ArrowBuf> held;

    public Hog(int megabytes) {
      super("hog", "bigint");
      this.megabytes = megabytes;
    }

    @Override
    public void open(FunctionContext context) {
      held = new ArrayList<>();
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      while (held.size() * 4 < megabytes) {
        held.add(allocator.buffer(4L << 20));
      }
      return fill(new BigIntVector("out", allocator), args.getRowCount(),
          (out, i) -> out.set(i, i));
    }

    @Override
    public void close() {
      held.forEach(ArrowBuf::close);
    }
  }

  /** Ways to hand back a vector that lies about itself. */
  public enum Lie { LONGS_LABELLED_INT, SHORT_DATA_BUFFER, DECREASING_OFFSETS, OFFSET_PAST_DATA }

  /** Returns a malformed vector for a declared {@code int} (or {@code string}) result. */
  public static final class Malformed extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    private final Lie lie;

    public Malformed(Lie lie) {
      super("malformed", lie == Lie.DECREASING_OFFSETS || lie == Lie.OFFSET_PAST_DATA
          ? "string" : "int");
      this.lie = lie;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      int rows = args.getRowCount();
      switch (lie) {
        case LONGS_LABELLED_INT -> {
          Field field = new Field("out", FieldType.nullable(new ArrowType.Int(32, true)), null);
          BigIntVector out = new BigIntVector(field, allocator);
          out.allocateNew(rows);
          out.setValueCount(rows);
          return out;
        }
        case SHORT_DATA_BUFFER -> {
          IntVector out = new IntVector("out", allocator);
          ArrowBuf validity = allocator.buffer(8);
          ArrowBuf data = allocator.buffer(8);
          validity.setOne(0, 8);
          out.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(validity, data));
          validity.close();
          data.close();
          return out;
        }
        default -> {
          VarCharVector out = new VarCharVector("out", allocator);
          ArrowBuf validity = allocator.buffer(8 + rows / 8);
          ArrowBuf offsets = allocator.buffer(4L * (rows + 1));
          ArrowBuf data = allocator.buffer(16);
          validity.setOne(0, (int) validity.capacity());
          for (int i = 0; i <= rows; i++) {
            int offset = lie == Lie.DECREASING_OFFSETS ? (i == rows ? 0 : 1) : i * 1_000_000;
            offsets.setInt(4L * i, offset);
          }
          out.loadFieldBuffers(new ArrowFieldNode(rows, 0), List.of(validity, offsets, data));
          validity.close();
          offsets.close();
          data.close();
          return out;
        }
      }
    }
  }

  /** Nulls below the top level: in a NOT NULL struct field inside a list, or as a map key. */
  public static final class NestedNull extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    private final boolean mapKey;

    public NestedNull(boolean mapKey) {
      super("nested_null", mapKey ? "map<string, int>"
          : "struct<name: string, items: array<struct<sku: string, price: double NOT NULL>>>");
      this.mapKey = mapKey;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      int rows = args.getRowCount();
      return mapKey ? map(rows, allocator) : orders(rows, allocator);
    }

    /** Row r: null for even r, else {name, items: [4 items]} with item 3 of row 3 priceless. */
    private static FieldVector orders(int rows, BufferAllocator allocator) {
      Field price = new Field("price", FieldType.notNullable(new ArrowType.FloatingPoint(
          org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)), null);
      Field sku = new Field("sku", FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
      Field item = new Field("element", FieldType.nullable(ArrowType.Struct.INSTANCE),
          List.of(sku, price));
      Field items = new Field("items", FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(item));
      Field name = new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
      Field top = new Field("nested_null", FieldType.nullable(ArrowType.Struct.INSTANCE),
          List.of(name, items));
      StructVector out = (StructVector) top.createVector(allocator);
      out.allocateNew();
      VarCharVector names = (VarCharVector) out.getChild("name");
      ListVector lists = (ListVector) out.getChild("items");
      StructVector elements = (StructVector) lists.getDataVector();
      Float8Vector prices = (Float8Vector) elements.getChild("price");
      int element = 0;
      for (int r = 0; r < rows; r++) {
        if (r % 2 == 0) {
          out.setNull(r);
          continue;
        }
        out.setIndexDefined(r);
        names.setSafe(r, ("order" + r).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        lists.startNewValue(r);
        for (int k = 0; k < 4; k++) {
          elements.setIndexDefined(element);
          if (!(r == 3 && k == 3)) {
            prices.setSafe(element, 1.5 * k);
          } else {
            prices.setNull(element);
          }
          element++;
        }
        lists.endValue(r, 4);
      }
      elements.setValueCount(element);
      prices.setValueCount(element);
      ((VarCharVector) elements.getChild("sku")).setValueCount(element);
      out.setValueCount(rows);
      return out;
    }

    private static FieldVector map(int rows, BufferAllocator allocator) {
      Field key = new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
      Field value = new Field("value", FieldType.nullable(new ArrowType.Int(32, true)), null);
      Field entry = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE),
          List.of(key, value));
      MapVector out = (MapVector) new Field("nested_null",
          FieldType.nullable(new ArrowType.Map(false)), List.of(entry)).createVector(allocator);
      out.allocateNew();
      StructVector entries = (StructVector) out.getDataVector();
      VarCharVector keys = (VarCharVector) entries.getChild("key");
      IntVector values = (IntVector) entries.getChild("value");
      int entryCount = 0;
      for (int r = 0; r < rows; r++) {
        out.startNewValue(r);
        entries.setIndexDefined(entryCount);
        if (r != 1) {
          keys.setSafe(entryCount, "k".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
          keys.setNull(entryCount);
        }
        values.setSafe(entryCount, r);
        entryCount++;
        out.endValue(r, 1);
      }
      entries.setValueCount(entryCount);
      keys.setValueCount(entryCount);
      values.setValueCount(entryCount);
      out.setValueCount(rows);
      return out;
    }
  }

  /** What a misbehaving function does to its arguments. */
  public enum Harm { CLOSES, ZEROES }

  /** Harms its double argument, then returns 0.0 for each row. */
  public static final class ArgumentVandal extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    private final Harm harm;

    public ArgumentVandal(Harm harm) {
      super("vandal", "double");
      this.harm = harm;
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      int rows = args.getRowCount();
      Float8Vector in = (Float8Vector) args.getVector(0);
      if (harm == Harm.CLOSES) {
        args.close();
      } else {
        for (int i = 0; i < rows; i++) {
          in.set(i, 0.0);
        }
      }
      return fill(new Float8Vector("out", allocator), rows, (out, i) -> out.set(i, 0.0));
    }
  }

  /** Counts its batches and sleeps in each, so that a test can cancel it mid-query. */
  public static final class Slow extends FixtureFunction {
    private static final long serialVersionUID = 1L;
    public static final AtomicInteger OPENED = new AtomicInteger();
    public static final AtomicInteger CLOSED = new AtomicInteger();
    public static final AtomicLong BATCHES = new AtomicLong();
    /** The most Arrow memory Quiver held in this JVM while any batch ran. */
    public static final AtomicLong MAX_HELD = new AtomicLong();
    private final long sleepMillis;

    public Slow(long sleepMillis) {
      super("slow", "bigint");
      this.sleepMillis = sleepMillis;
    }

    @Override
    public void open(FunctionContext context) {
      OPENED.incrementAndGet();
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      BATCHES.incrementAndGet();
      MAX_HELD.accumulateAndGet(QuiverMemory.allocatedBytes(), Math::max);
      if (sleepMillis > 0) {
        Thread.sleep(sleepMillis);
      }
      BigIntVector in = (BigIntVector) args.getVector(0);
      return fill(new BigIntVector("out", allocator), args.getRowCount(),
          (out, i) -> out.set(i, in.get(i)));
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }
}

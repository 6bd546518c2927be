package dev.quiver.function.scalar;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.Types.MinorType;

/**
 * A scalar function from {@code string} to {@code string}, in one of three forms: a lambda over
 * a Java {@code String} (simplest; one {@code String} per row each way), a lambda over a value's
 * UTF-8 bytes (no object per row), or a {@link ColumnOp} over the whole column. Nulls in give
 * nulls out; the lambdas run on the non-null rows only.
 *
 * <pre>{@code
 * public final class Shout extends StringFunction {
 *   public Shout() {
 *     super("shout", s -> s.toUpperCase(Locale.ROOT) + "!");   // return null for SQL NULL
 *   }
 * }
 *
 * // on bytes: the value's UTF-8 bytes are value[0, length), the result is appended to out
 * public final class AsciiUpper extends StringFunction {
 *   public AsciiUpper() {
 *     super("ascii_upper", (value, length, out) -> {
 *       for (int i = 0; i < length; i++) {
 *         byte b = value[i];
 *         out.append(b >= 'a' && b <= 'z' ? (byte) (b - 32) : b);
 *       }
 *     });
 *   }
 * }
 * }</pre>
 *
 * A subclass with a public no-argument constructor can be declared in
 * {@code META-INF/services/dev.quiver.function.QuiverFunction}; {@link #of} makes an instance
 * for {@code Quiver.register} without a class of its own. Lambdas are serializable.
 */
public abstract class StringFunction extends UnaryFunction<VarCharVector> {
  private static final long serialVersionUID = 1L;

  /** The function of one non-null value as a Java string; null for SQL NULL. */
  @FunctionalInterface
  public interface ValueOp extends Serializable {
    String apply(String value) throws Exception;
  }

  /**
   * The function of one non-null value's UTF-8 bytes, {@code value[0]} to
   * {@code value[length - 1]}; the array is reused for the next row, so do not keep it. The
   * result is what the function appends to {@code out} (valid UTF-8), or null after
   * {@link Utf8Output#setNull()}.
   */
  @FunctionalInterface
  public interface BytesOp extends Serializable {
    void apply(byte[] value, int length, Utf8Output out) throws Exception;
  }

  /** Where a {@link BytesOp} writes one value's bytes; reused from row to row. */
  public static final class Utf8Output {
    private byte[] bytes = new byte[64];
    private int length;
    private boolean isNull;

    Utf8Output() {}

    /** Appends one byte. */
    public Utf8Output append(byte b) {
      ensure(1);
      bytes[length++] = b;
      return this;
    }

    /** Appends {@code count} bytes of {@code source} from {@code offset}. */
    public Utf8Output append(byte[] source, int offset, int count) {
      ensure(count);
      System.arraycopy(source, offset, bytes, length, count);
      length += count;
      return this;
    }

    /** Appends all of {@code source}. */
    public Utf8Output append(byte[] source) {
      return append(source, 0, source.length);
    }

    /** Appends a Java string as UTF-8 (allocates; for the uncommon case). */
    public Utf8Output append(String text) {
      return append(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes this row's result SQL NULL, whatever was appended. */
    public void setNull() {
      isNull = true;
    }

    private void reset() {
      length = 0;
      isNull = false;
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }

  private final ValueOp string;
  private final BytesOp bytes;
  private transient byte[] scratch;
  private transient Utf8Output output;

  /** A function called {@code name} that maps each non-null value with {@code value}. */
  protected StringFunction(String name, ValueOp value) {
    super(name, "string", MinorType.VARCHAR, null);
    this.string = value;
    this.bytes = null;
  }

  /** A function called {@code name} that maps each non-null value's bytes with {@code value}. */
  protected StringFunction(String name, BytesOp value) {
    super(name, "string", MinorType.VARCHAR, null);
    this.string = null;
    this.bytes = value;
  }

  /**
   * A function called {@code name} that computes whole columns with {@code column}, which fills
   * {@code out} with {@code setSafe} and {@code setNull}.
   */
  protected StringFunction(String name, ColumnOp<VarCharVector, VarCharVector> column) {
    super(name, "string", MinorType.VARCHAR, column);
    this.string = null;
    this.bytes = null;
  }

  /** An instance without a class of its own, for example to register it in one session. */
  public static StringFunction of(String name, ValueOp value) {
    return new StringFunction(name, value) {
      private static final long serialVersionUID = 1L;
    };
  }

  @Override
  VarCharVector allocate(VarCharVector in, int rows, BufferAllocator allocator) {
    VarCharVector out = newVector(allocator);
    // As many bytes as the input: right for functions that keep lengths, grown otherwise.
    out.allocateNew(rows == 0 ? 1 : Math.max(in.getStartOffset(rows), 1), rows);
    return out;
  }

  @Override
  boolean copiesValidityFirst() {
    return false;
  }

  @Override
  void values(VarCharVector in, VarCharVector out, int rows) throws Exception {
    if (scratch == null) {
      scratch = new byte[64];
      output = new Utf8Output();
    }
    ArrowBuf data = in.getDataBuffer();
    for (int i = 0; i < rows; i++) {
      if (in.isSet(i) == 0) {
        continue;
      }
      int start = in.getStartOffset(i);
      int length = in.getEndOffset(i) - start;
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      data.getBytes(start, scratch, 0, length);
      if (string != null) {
        String result = string.apply(new String(scratch, 0, length, StandardCharsets.UTF_8));
        if (result != null) {
          out.setSafe(i, result.getBytes(StandardCharsets.UTF_8));
        }
      } else {
        output.reset();
        bytes.apply(scratch, length, output);
        if (!output.isNull) {
          out.setSafe(i, output.bytes, 0, output.length);
        }
      }
    }
  }
}

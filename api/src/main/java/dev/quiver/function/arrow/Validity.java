package dev.quiver.function.arrow;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;

/**
 * Validity buffers handled a word at a time: the fast way for a scalar function to pass its
 * argument's nulls on to its result, instead of testing and setting every row.
 *
 * <pre>{@code
 * Float8Vector out = new Float8Vector("r", allocator);
 * out.allocateNew(rows);
 * Validity.copy(in, out, rows);          // nulls in, nulls out
 * for (int i = 0; i < rows; i++) {       // every slot, null or not: no branch per row
 *   out.getDataBuffer().setDouble(8L * i, in.getDataBuffer().getDouble(8L * i) + 1);
 * }
 * out.setValueCount(rows);
 * }</pre>
 */
public final class Validity {
  private Validity() {}

  /** Copies the null bits of the first {@code rows} values of {@code from} to {@code to}. */
  public static void copy(FieldVector from, FieldVector to, int rows) {
    if (rows > 0) {
      to.getValidityBuffer().setBytes(0, from.getValidityBuffer(), 0, bytes(rows));
    }
  }

  /**
   * Makes null every one of the first {@code rows} values of {@code to} that is null in
   * {@code from}; values null in {@code to} stay null.
   */
  public static void and(FieldVector from, FieldVector to, int rows) {
    ArrowBuf in = from.getValidityBuffer();
    ArrowBuf out = to.getValidityBuffer();
    long length = bytes(rows);
    long i = 0;
    for (; i + 8 <= length; i += 8) {
      out.setLong(i, out.getLong(i) & in.getLong(i));
    }
    for (; i < length; i++) {
      out.setByte(i, out.getByte(i) & in.getByte(i));
    }
  }

  /**
   * The validity bits of values {@code from} to {@code from + 63} as one word, value
   * {@code from} in the lowest bit; {@code from} is a multiple of 64. Bits past the buffer are
   * 0. Loops over the set bits ({@code Long.numberOfTrailingZeros}) visit the non-null values
   * without testing each row, and a word of all ones means 64 non-null values in a row.
   */
  public static long word(ArrowBuf validity, int from) {
    long at = from / 8;
    if (at + 8 <= validity.capacity()) {
      return validity.getLong(at);
    }
    long word = 0;
    for (int b = 0; at + b < validity.capacity() && b < 8; b++) {
      word |= (validity.getByte(at + b) & 0xFFL) << (8 * b);
    }
    return word;
  }

  private static int bytes(int rows) {
    return (rows + 7) / 8;
  }
}

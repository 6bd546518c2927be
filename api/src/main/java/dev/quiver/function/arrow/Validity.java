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

  private static int bytes(int rows) {
    return (rows + 7) / 8;
  }
}

package dev.quiver.spark.arrow;

import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A string or binary result, already checked by {@link VectorChecks} (offsets in order and
 * within the data buffer, buffers long enough), seen by Spark without copying. Where
 * {@code ArrowColumnVector} checks bounds and reference counts on every offset it reads, this
 * reads validity, offsets and bytes straight from memory: on row input, reading string results
 * through {@code ArrowColumnVector} cost about as much as the function that computed them.
 * Valid until the vector is closed or reset; it is never written to while Spark reads it.
 */
public final class CheckedBytesVector extends ArrowMemoryVector {
  private final long offsets;
  private final long data;

  /** {@code vector} must have passed {@link VectorChecks#checkStructure}. */
  public CheckedBytesVector(DataType type, BaseVariableWidthVector vector) {
    super(type, vector);
    this.offsets = vector.getOffsetBuffer().memoryAddress();
    this.data = vector.getDataBuffer().memoryAddress();
  }

  /** Whether results of this vector's class can be read this way. */
  public static boolean supports(Object vector) {
    return vector instanceof VarCharVector
        || vector instanceof org.apache.arrow.vector.VarBinaryVector;
  }

  @Override
  public UTF8String getUTF8String(int rowId) {
    if (isNullAt(rowId)) {
      return null;
    }
    int start = Platform.getInt(null, offsets + ((long) rowId << 2));
    int end = Platform.getInt(null, offsets + ((long) (rowId + 1) << 2));
    return UTF8String.fromAddress(null, data + start, end - start);
  }

  @Override
  public byte[] getBinary(int rowId) {
    if (isNullAt(rowId)) {
      return null;
    }
    int start = Platform.getInt(null, offsets + ((long) rowId << 2));
    int end = Platform.getInt(null, offsets + ((long) (rowId + 1) << 2));
    byte[] bytes = new byte[end - start];
    Platform.copyMemory(null, data + start, bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length);
    return bytes;
  }
}

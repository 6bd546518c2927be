package dev.quiver.spark.arrow;

import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.sql.types.Decimal;
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
public final class CheckedBytesVector extends ColumnVector {
  private final long validity;
  private final long offsets;
  private final long data;
  private final int nulls;

  /** {@code vector} must have passed {@link VectorChecks#checkStructure}. */
  public CheckedBytesVector(DataType type, BaseVariableWidthVector vector) {
    super(type);
    this.validity = vector.getValidityBuffer().memoryAddress();
    this.offsets = vector.getOffsetBuffer().memoryAddress();
    this.data = vector.getDataBuffer().memoryAddress();
    this.nulls = vector.getNullCount();
  }

  /** Whether results of this vector's class can be read this way. */
  public static boolean supports(Object vector) {
    return vector instanceof VarCharVector
        || vector instanceof org.apache.arrow.vector.VarBinaryVector;
  }

  @Override
  public boolean isNullAt(int rowId) {
    return nulls > 0 && (Platform.getByte(null, validity + (rowId >> 3)) & (1 << (rowId & 7))) == 0;
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

  @Override
  public boolean hasNull() {
    return nulls > 0;
  }

  @Override
  public int numNulls() {
    return nulls;
  }

  @Override
  public void close() {
    // The Arrow vector belongs to whoever made the result; it closes it.
  }

  private UnsupportedOperationException notBytes() {
    return new UnsupportedOperationException("a " + dataType().simpleString() + " column");
  }

  @Override
  public boolean getBoolean(int rowId) {
    throw notBytes();
  }

  @Override
  public byte getByte(int rowId) {
    throw notBytes();
  }

  @Override
  public short getShort(int rowId) {
    throw notBytes();
  }

  @Override
  public int getInt(int rowId) {
    throw notBytes();
  }

  @Override
  public long getLong(int rowId) {
    throw notBytes();
  }

  @Override
  public float getFloat(int rowId) {
    throw notBytes();
  }

  @Override
  public double getDouble(int rowId) {
    throw notBytes();
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    throw notBytes();
  }

  @Override
  public ColumnarMap getMap(int ordinal) {
    throw notBytes();
  }

  @Override
  public Decimal getDecimal(int rowId, int precision, int scale) {
    throw notBytes();
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    throw notBytes();
  }
}

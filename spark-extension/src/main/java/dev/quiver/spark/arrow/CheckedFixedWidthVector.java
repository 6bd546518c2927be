package dev.quiver.spark.arrow;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.Platform;

/**
 * A 4- or 8-byte Arrow column (int, long, float, double, date, timestamp) of {@code rows} rows,
 * seen by Spark without copying: an input column Quiver kept, or a checked function result. On
 * row input, reading a kept column through {@code ArrowColumnVector} cost 13% of a guarded call's
 * query; a result copied into Spark's off-heap vector cost the copy, and a null check per read.
 */
public final class CheckedFixedWidthVector extends ArrowMemoryVector {
  private final long data;

  public CheckedFixedWidthVector(DataType type, BaseFixedWidthVector vector, int rows) {
    super(type, vector);
    // Checked here as well as by the caller: a short buffer would be read past its end.
    long needed = (long) rows * vector.getTypeWidth();
    if (vector.getDataBuffer().capacity() < needed
        || vector.getValidityBuffer().capacity() < (rows + 7) / 8) {
      throw new IllegalStateException("a vector of " + rows + " rows has buffers of "
          + vector.getDataBuffer().capacity() + " and " + vector.getValidityBuffer().capacity()
          + " bytes, short of " + needed + " and " + (rows + 7) / 8);
    }
    this.data = vector.getDataBuffer().memoryAddress();
  }

  /** Whether vectors of this class can be read this way. */
  public static boolean supports(Object vector) {
    return vector instanceof IntVector || vector instanceof BigIntVector
        || vector instanceof Float4Vector || vector instanceof Float8Vector
        || vector instanceof DateDayVector || vector instanceof TimeStampMicroTZVector
        || vector instanceof TimeStampMicroVector;
  }

  @Override
  public int getInt(int rowId) {
    return Platform.getInt(null, data + ((long) rowId << 2));
  }

  @Override
  public long getLong(int rowId) {
    return Platform.getLong(null, data + ((long) rowId << 3));
  }

  @Override
  public float getFloat(int rowId) {
    return Platform.getFloat(null, data + ((long) rowId << 2));
  }

  @Override
  public double getDouble(int rowId) {
    return Platform.getDouble(null, data + ((long) rowId << 3));
  }
}

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
 * A 4- or 8-byte Arrow column (int, long, float, double, date, timestamp) that Quiver wrote
 * itself, seen by Spark without copying: on row input, reading a kept input column through
 * {@code ArrowColumnVector} cost 13% of a guarded call's query.
 */
public final class CheckedFixedWidthVector extends ArrowMemoryVector {
  private final long data;

  public CheckedFixedWidthVector(DataType type, BaseFixedWidthVector vector) {
    super(type, vector);
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

package dev.quiver.spark.arrow;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.Platform;

/**
 * Base of Spark column vectors that read a well-formed Arrow vector straight from its memory:
 * where {@code ArrowColumnVector} checks bounds and reference counts on every value it reads,
 * these read validity and values by address. Valid until the Arrow vector is closed or reset;
 * it is never written to while Spark reads it. Getters of other types fail.
 */
public abstract class ArrowMemoryVector extends ColumnVector {
  protected final long validity;
  private final int nulls;

  /**
   * {@code vector}, of {@code rows} rows and Spark type {@code type}, read in place: numbers,
   * dates and timestamps of 4 and 8 bytes, strings and binary, and structs of these; null for
   * other vectors. The vector must be well formed (Quiver's own, or a result that passed
   * {@link VectorChecks}).
   */
  public static ColumnVector inPlace(DataType type, FieldVector vector, int rows) {
    if (!supportsInPlace(type, vector)) {
      return null;
    }
    if (vector instanceof StructVector struct) {
      return new CheckedStructVector((StructType) type, struct, rows);
    }
    if (CheckedFixedWidthVector.supports(vector)) {
      return new CheckedFixedWidthVector(type, (BaseFixedWidthVector) vector, rows);
    }
    return new CheckedBytesVector(type, (BaseVariableWidthVector) vector);
  }

  /** {@code vector} read {@link #inPlace} where it can be, else by {@code ArrowColumnVector}. */
  public static ColumnVector readable(DataType type, FieldVector vector, int rows) {
    ColumnVector inPlace = inPlace(type, vector, rows);
    return inPlace != null ? inPlace : new ArrowColumnVector(vector);
  }

  /**
   * Whether {@link #inPlace} reads {@code vector} as Spark type {@code type}. The type decides as
   * much as the vector's class: Spark's variant (and geometry) columns are Arrow structs of
   * binary fields too, which only {@code ArrowColumnVector} reads as such.
   */
  public static boolean supportsInPlace(DataType type, FieldVector vector) {
    if (vector instanceof StructVector struct) {
      if (!(type instanceof StructType fields) || fields.fields().length != struct.size()) {
        return false;
      }
      for (int c = 0; c < fields.fields().length; c++) {
        if (!supportsInPlace(fields.fields()[c].dataType(),
            (FieldVector) struct.getChildByOrdinal(c))) {
          return false;
        }
      }
      return true;
    }
    return !(type instanceof StructType)
        && (CheckedFixedWidthVector.supports(vector) || CheckedBytesVector.supports(vector));
  }

  protected ArrowMemoryVector(DataType type, FieldVector vector) {
    super(type);
    this.validity = vector.getValidityBuffer().memoryAddress();
    this.nulls = vector.getNullCount();
  }

  @Override
  public final boolean isNullAt(int rowId) {
    return nulls > 0 && (Platform.getByte(null, validity + (rowId >> 3)) & (1 << (rowId & 7))) == 0;
  }

  @Override
  public final boolean hasNull() {
    return nulls > 0;
  }

  @Override
  public final int numNulls() {
    return nulls;
  }

  @Override
  public final void close() {
    // The Arrow vector belongs to whoever made it; it closes it.
  }

  private UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("a " + dataType().simpleString() + " column");
  }

  @Override
  public boolean getBoolean(int rowId) {
    throw unsupported();
  }

  @Override
  public byte getByte(int rowId) {
    throw unsupported();
  }

  @Override
  public short getShort(int rowId) {
    throw unsupported();
  }

  @Override
  public int getInt(int rowId) {
    throw unsupported();
  }

  @Override
  public long getLong(int rowId) {
    throw unsupported();
  }

  @Override
  public float getFloat(int rowId) {
    throw unsupported();
  }

  @Override
  public double getDouble(int rowId) {
    throw unsupported();
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    throw unsupported();
  }

  @Override
  public ColumnarMap getMap(int ordinal) {
    throw unsupported();
  }

  @Override
  public Decimal getDecimal(int rowId, int precision, int scale) {
    throw unsupported();
  }

  @Override
  public org.apache.spark.unsafe.types.UTF8String getUTF8String(int rowId) {
    throw unsupported();
  }

  @Override
  public byte[] getBinary(int rowId) {
    throw unsupported();
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    throw unsupported();
  }
}

package dev.quiver.spark.arrow;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Whole-column copies between Spark's column vectors and Arrow vectors, for the flat types.
 *
 * <p>Into Arrow ({@link #copy}): a column of a Spark {@link ColumnVector} (what the Parquet, ORC
 * and in-memory cache readers produce) into an empty Arrow vector of the type Spark's
 * {@code ArrowWriter} would use, one tight loop per type instead of a virtual call chain per
 * value. Measured on a Parquet scan of doubles, this is several times faster than writing the
 * same values row by row. {@link #supports} tells the caller when to write row by row instead.
 *
 * <p>Out of Arrow ({@link #copyToSpark}): a fixed-width result into an off-heap Spark vector, one
 * memory copy per batch. Spark's generated code then reads each value with one memory access,
 * where reading through {@code ArrowColumnVector} checks the value's validity bit twice and the
 * buffer's bounds and reference count once per value.
 */
public final class ColumnCopy {
  private ColumnCopy() {}

  /** Whether {@link #copy} handles columns of this Spark type. */
  public static boolean supports(DataType type) {
    return type instanceof BooleanType || type instanceof ByteType || type instanceof ShortType
        || type instanceof IntegerType || type instanceof DateType || type instanceof LongType
        || type instanceof TimestampType || type instanceof TimestampNTZType
        || type instanceof FloatType || type instanceof DoubleType
        || type instanceof StringType || type instanceof BinaryType;
  }

  /** Whether {@link #copyToSpark} handles results of this Spark type. */
  public static boolean supportsToSpark(DataType type) {
    return type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
        || type instanceof DateType || type instanceof LongType || type instanceof TimestampType
        || type instanceof TimestampNTZType || type instanceof FloatType
        || type instanceof DoubleType || type instanceof BooleanType;
  }

  /**
   * Replaces the content of {@code target} with the first {@code rows} values of {@code source},
   * an Arrow vector of a type {@link #supportsToSpark} accepts, already checked against it.
   */
  public static void copyToSpark(FieldVector source, int rows, OffHeapColumnVector target) {
    // Checked here as well as by the caller: a short buffer would be read past its end.
    long needed = source instanceof BitVector ? (rows + 7) / 8
        : (long) rows * ((BaseFixedWidthVector) source).getTypeWidth();
    if (source.getDataBuffer().capacity() < needed
        || source.getValidityBuffer().capacity() < (rows + 7) / 8) {
      throw new IllegalStateException("a result vector of " + rows + " rows has buffers of "
          + source.getDataBuffer().capacity() + " and " + source.getValidityBuffer().capacity()
          + " bytes, short of " + needed + " and " + (rows + 7) / 8);
    }
    target.reset();
    target.reserve(rows);
    if (source instanceof BitVector bits) {
      ArrowBuf values = bits.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        target.putBoolean(i, BitVectorHelper.get(values, i) != 0);
      }
    } else {
      int width = ((BaseFixedWidthVector) source).getTypeWidth();
      Platform.copyMemory(null, source.getDataBuffer().memoryAddress(), null,
          target.valuesNativeAddress(), (long) rows * width);
    }
    if (source.getNullCount() > 0) {
      for (int i = 0; i < rows; i++) {
        if (source.isNull(i)) {
          target.putNull(i);
        }
      }
    }
  }

  /**
   * Fills {@code target}, which holds no values (a new or reset vector), with the first
   * {@code rows} values of {@code source}, and sets its value count.
   */
  public static void copy(ColumnVector source, int rows, FieldVector target) {
    copy(source, null, rows, target);
  }

  /**
   * Like {@link #copy(ColumnVector, int, FieldVector)}, of the rows {@code selected[0..rows)} of
   * {@code source} ({@code null}: the first {@code rows}): a guarded call's arguments, gathered
   * from the rows where its guard holds.
   */
  public static void copy(ColumnVector source, int[] selected, int rows, FieldVector target) {
    if (target instanceof BaseVariableWidthVector variable) {
      copyVariableWidth(source, selected, rows, variable, target instanceof VarCharVector);
      return;
    }
    BaseFixedWidthVector fixed = (BaseFixedWidthVector) target;
    while (fixed.getValueCapacity() < rows) {
      fixed.reAlloc();
    }
    ArrowBuf data = fixed.getDataBuffer();
    // Capacity is ensured above: values go straight to memory, without a bounds check each.
    long address = data.memoryAddress();
    boolean nulls = source.hasNull();
    if (target instanceof Float8Vector) {
      for (int i = 0; i < rows; i++) {
        Platform.putDouble(null, address + ((long) i << 3), source.getDouble(at(selected, i)));
      }
    } else if (target instanceof BigIntVector || target instanceof TimeStampMicroTZVector
        || target instanceof TimeStampMicroVector) {
      for (int i = 0; i < rows; i++) {
        Platform.putLong(null, address + ((long) i << 3), source.getLong(at(selected, i)));
      }
    } else if (target instanceof IntVector || target instanceof DateDayVector) {
      for (int i = 0; i < rows; i++) {
        Platform.putInt(null, address + ((long) i << 2), source.getInt(at(selected, i)));
      }
    } else if (target instanceof Float4Vector) {
      for (int i = 0; i < rows; i++) {
        Platform.putFloat(null, address + ((long) i << 2), source.getFloat(at(selected, i)));
      }
    } else if (target instanceof SmallIntVector) {
      for (int i = 0; i < rows; i++) {
        Platform.putShort(null, address + ((long) i << 1), source.getShort(at(selected, i)));
      }
    } else if (target instanceof TinyIntVector) {
      for (int i = 0; i < rows; i++) {
        Platform.putByte(null, address + i, source.getByte(at(selected, i)));
      }
    } else if (target instanceof BitVector) {
      for (int i = 0; i < rows; i++) {
        if (source.getBoolean(at(selected, i))) {
          BitVectorHelper.setBit(data, i);
        }
      }
    } else {
      throw new IllegalArgumentException("no column copy into " + target.getClass().getName());
    }
    setValidity(source, selected, rows, fixed.getValidityBuffer(), nulls);
    fixed.setValueCount(rows);
  }

  /**
   * For a dictionary-encoded column (Parquet's strings of few distinct values), room for each
   * dictionary entry's bytes, decoded once per batch: Spark decodes an entry into a new array on
   * every read, which took more time than the copy. Null for other columns, or when the batch's
   * largest id would make the table larger than the batch.
   */
  private static byte[][] decodedOnce(ColumnVector source, int[] selected, int rows,
      boolean nulls) {
    if (!(source instanceof WritableColumnVector w) || !w.hasDictionary()) {
      return null;
    }
    WritableColumnVector ids = w.getDictionaryIds();
    int max = -1;
    for (int i = 0; i < rows; i++) {
      int at = at(selected, i);
      if (!nulls || !source.isNullAt(at)) {
        max = Math.max(max, ids.getDictId(at));
      }
    }
    return max < Math.max(rows, 1024) ? new byte[max + 1][] : null;
  }

  private static void copyVariableWidth(ColumnVector source, int[] selected, int rows,
      BaseVariableWidthVector target, boolean utf8) {
    while (target.getValueCapacity() < rows) {
      target.reAlloc();
    }
    boolean nulls = source.hasNull();
    ArrowBuf offsets = target.getOffsetBuffer();
    ArrowBuf data = target.getDataBuffer();
    long end = 0;
    offsets.setInt(0, 0);
    byte[][] decoded = decodedOnce(source, selected, rows, nulls);
    WritableColumnVector ids = decoded == null ? null
        : ((WritableColumnVector) source).getDictionaryIds();
    for (int i = 0; i < rows; i++) {
      int at = at(selected, i);
      if (!nulls || !source.isNullAt(at)) {
        int length;
        Object base;
        long offset;
        if (decoded != null) {
          int id = ids.getDictId(at);
          byte[] value = decoded[id];
          if (value == null) {
            value = decoded[id] = source.getBinary(at);
          }
          length = value.length;
          base = value;
          offset = Platform.BYTE_ARRAY_OFFSET;
        } else if (utf8) {
          UTF8String value = source.getUTF8String(at);
          length = value.numBytes();
          base = value.getBaseObject();
          offset = value.getBaseOffset();
        } else {
          byte[] value = source.getBinary(at);
          length = value.length;
          base = value;
          offset = Platform.BYTE_ARRAY_OFFSET;
        }
        while (end + length > data.capacity()) {
          target.reallocDataBuffer();
          data = target.getDataBuffer();
        }
        Platform.copyMemory(base, offset, null, data.memoryAddress() + end, length);
        end += length;
      }
      offsets.setInt((long) (i + 1) << 2, (int) end);
    }
    setValidity(source, selected, rows, target.getValidityBuffer(), nulls);
    // Arrow fills the offsets of slots after the last one set; all of them are set here.
    target.setLastSet(rows - 1);
    target.setValueCount(rows);
  }

  private static void setValidity(ColumnVector source, int[] selected, int rows,
      ArrowBuf validity, boolean nulls) {
    if (!nulls) {
      validity.setOne(0, (rows + 7) / 8);
      return;
    }
    for (int i = 0; i < rows; i++) {
      if (!source.isNullAt(at(selected, i))) {
        BitVectorHelper.setBit(validity, i);
      }
    }
  }

  /** Row {@code i} of a selection; the loops above are unswitched on a null selection. */
  private static int at(int[] selected, int i) {
    return selected == null ? i : selected[i];
  }
}

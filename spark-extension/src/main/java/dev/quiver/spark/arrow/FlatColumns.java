package dev.quiver.spark.arrow;

import java.util.List;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The row-by-row writes of {@link RowBatchWriter} for flat columns: each value goes straight to
 * its vector's memory at the row's position, with one capacity check, instead of through the
 * field writer's virtual {@code setValue} and Arrow's {@code setSafe}, which checks capacity,
 * bounds and reference counts on every value. Strings of an {@link UnsafeRow} are copied from the
 * row's bytes without a {@link UTF8String} in between.
 *
 * <p>Validity bits are only ever set: a vector starts a batch with its validity zeroed
 * ({@link #reset}), so a null value needs no validity write.
 */
final class FlatColumns {
  private static final int NONE = 0;
  private static final int DOUBLE = 1;
  private static final int LONG = 2;
  private static final int INT = 3;
  private static final int FLOAT = 4;
  private static final int STRING = 5;
  private static final int BINARY = 6;

  private final int[] kinds;
  private final FieldVector[] vectors;
  /** Rows each vector holds before it must grow. */
  private final int[] capacity;
  private final long[] validity;
  private final long[] data;
  private final long[] offsets;
  /** Variable width: bytes written and bytes the data buffer holds. */
  private final long[] end;
  private final long[] dataCapacity;

  FlatColumns(StructType schema, List<FieldVector> vectors) {
    int n = vectors.size();
    this.kinds = new int[n];
    this.vectors = vectors.toArray(new FieldVector[0]);
    this.capacity = new int[n];
    this.validity = new long[n];
    this.data = new long[n];
    this.offsets = new long[n];
    this.end = new long[n];
    this.dataCapacity = new long[n];
    for (int i = 0; i < n; i++) {
      kinds[i] = kind(schema.fields()[i].dataType(), this.vectors[i]);
      refresh(i);
    }
  }

  /** The fast kind of a column, or NONE when its vector is not the one expected. */
  private static int kind(DataType type, FieldVector v) {
    if (type instanceof DoubleType && v instanceof Float8Vector) {
      return DOUBLE;
    }
    if ((type instanceof LongType && v instanceof BigIntVector)
        || (type instanceof TimestampType && v instanceof TimeStampMicroTZVector)
        || (type instanceof TimestampNTZType && v instanceof TimeStampMicroVector)) {
      return LONG;
    }
    if ((type instanceof IntegerType && v instanceof IntVector)
        || (type instanceof DateType && v instanceof DateDayVector)) {
      return INT;
    }
    if (type instanceof FloatType && v instanceof Float4Vector) {
      return FLOAT;
    }
    if (type instanceof StringType && v instanceof VarCharVector) {
      return STRING;
    }
    if (type instanceof BinaryType && v instanceof VarBinaryVector) {
      return BINARY;
    }
    return NONE;
  }

  /** Re-reads a vector's addresses and capacities, after it was reset or grew. */
  private void refresh(int c) {
    if (kinds[c] == NONE) {
      return;
    }
    FieldVector v = vectors[c];
    capacity[c] = v.getValueCapacity();
    validity[c] = v.getValidityBuffer().memoryAddress();
    data[c] = v.getDataBuffer().memoryAddress();
    if (v instanceof BaseVariableWidthVector variable) {
      offsets[c] = variable.getOffsetBuffer().memoryAddress();
      dataCapacity[c] = variable.getDataBuffer().capacity();
    }
  }

  /**
   * Starts a batch, keeping the buffers. A flat column's vector is emptied here: its validity
   * zeroed, its value count and first offset set to 0, but not its data, which Arrow's
   * {@code reset} would zero whole (a string column's bytes, 8 bytes a row for doubles: 4.5% of
   * a string query over row input). Every value and offset of the next batch is written before it
   * is read, a null's as 0, as after a reset. The whole validity buffer is zeroed, not only the
   * last batch's bits: a function lent the vector may have set any of them. Other columns were
   * reset by their field writers.
   */
  void reset() {
    for (int c = 0; c < kinds.length; c++) {
      if (isFlat(c)) {
        FieldVector v = vectors[c];
        v.getValidityBuffer().setZero(0, v.getValidityBuffer().capacity());
        if (v instanceof BaseVariableWidthVector variable) {
          variable.getOffsetBuffer().setInt(0, 0);
        }
        v.setValueCount(0);
      }
      end[c] = 0;
      refresh(c);
    }
  }

  /**
   * Writes value {@code ordinal} of {@code row} as row {@code r} of column {@code c}; false when
   * the column is not flat and the caller must write it.
   */
  boolean write(int c, int r, SpecializedGetters row, int ordinal) {
    int kind = kinds[c];
    if (kind == NONE) {
      return false;
    }
    if (row.isNullAt(ordinal)) {
      writeNull(c, r);
      return true;
    }
    switch (kind) {
      case DOUBLE -> writeDouble(c, r, row.getDouble(ordinal));
      case LONG -> writeLong(c, r, row.getLong(ordinal));
      case INT -> writeInt(c, r, row.getInt(ordinal));
      case FLOAT -> writeFloat(c, r, row.getFloat(ordinal));
      default -> {
        valid(c, r);
        writeBytes(c, r, row, ordinal, kind == STRING);
      }
    }
    return true;
  }

  /** Whether column {@code c} is written and emptied here (the typed writes below need it). */
  boolean isFlat(int c) {
    return kinds[c] != NONE;
  }

  // Typed writes of row r of a flat column: for the row writes above, and for generated code
  // that holds the value itself.

  void writeNull(int c, int r) {
    if (r >= capacity[c]) {
      grow(c, r);
    }
    // A null's slot holds 0, as in a vector Arrow reset, not the last batch's value.
    switch (kinds[c]) {
      case DOUBLE, LONG -> Platform.putLong(null, data[c] + ((long) r << 3), 0L);
      case INT, FLOAT -> Platform.putInt(null, data[c] + ((long) r << 2), 0);
      default -> Platform.putInt(null, offsets[c] + ((long) (r + 1) << 2), (int) end[c]);
    }
  }

  void writeDouble(int c, int r, double value) {
    valid(c, r);
    Platform.putDouble(null, data[c] + ((long) r << 3), value);
  }

  void writeLong(int c, int r, long value) {
    valid(c, r);
    Platform.putLong(null, data[c] + ((long) r << 3), value);
  }

  void writeInt(int c, int r, int value) {
    valid(c, r);
    Platform.putInt(null, data[c] + ((long) r << 2), value);
  }

  void writeFloat(int c, int r, float value) {
    valid(c, r);
    Platform.putFloat(null, data[c] + ((long) r << 2), value);
  }

  void writeUTF8(int c, int r, UTF8String value) {
    valid(c, r);
    copyBytes(c, r, value.getBaseObject(), value.getBaseOffset(), value.numBytes());
  }

  void writeBinary(int c, int r, byte[] value) {
    valid(c, r);
    copyBytes(c, r, value, Platform.BYTE_ARRAY_OFFSET, value.length);
  }

  /** Makes room for row r of column c and marks it valid. */
  private void valid(int c, int r) {
    if (r >= capacity[c]) {
      grow(c, r);
    }
    long bits = validity[c] + (r >> 3);
    Platform.putByte(null, bits, (byte) (Platform.getByte(null, bits) | (1 << (r & 7))));
  }

  private void writeBytes(int c, int r, SpecializedGetters row, int ordinal, boolean utf8) {
    Object base;
    long offset;
    int length;
    if (row instanceof UnsafeRow unsafe) {
      // An UnsafeRow keeps a string or binary value as (offset << 32 | size) into its bytes.
      long offsetAndSize = unsafe.getLong(ordinal);
      base = unsafe.getBaseObject();
      offset = unsafe.getBaseOffset() + (offsetAndSize >>> 32);
      length = (int) offsetAndSize;
    } else if (utf8) {
      UTF8String s = row.getUTF8String(ordinal);
      base = s.getBaseObject();
      offset = s.getBaseOffset();
      length = s.numBytes();
    } else {
      byte[] bytes = row.getBinary(ordinal);
      base = bytes;
      offset = Platform.BYTE_ARRAY_OFFSET;
      length = bytes.length;
    }
    copyBytes(c, r, base, offset, length);
  }

  private void copyBytes(int c, int r, Object base, long offset, int length) {
    long at = end[c];
    if (at + length > dataCapacity[c]) {
      BaseVariableWidthVector v = (BaseVariableWidthVector) vectors[c];
      while (at + length > v.getDataBuffer().capacity()) {
        v.reallocDataBuffer();
      }
      refresh(c);
    }
    Platform.copyMemory(base, offset, null, data[c] + at, length);
    end[c] = at + length;
    Platform.putInt(null, offsets[c] + ((long) (r + 1) << 2), (int) end[c]);
  }

  private void grow(int c, int r) {
    FieldVector v = vectors[c];
    while (v.getValueCapacity() <= r) {
      if (v instanceof BaseVariableWidthVector variable) {
        // Only the validity and offset buffers: the data buffer grows with the bytes.
        variable.reallocValidityAndOffsetBuffers();
      } else {
        ((BaseFixedWidthVector) v).reAlloc();
      }
    }
    refresh(c);
  }

  /** Completes column {@code c} with {@code rows} rows; false when the column is not flat. */
  boolean finish(int c, int rows) {
    if (kinds[c] == NONE) {
      return false;
    }
    if (vectors[c] instanceof BaseVariableWidthVector variable) {
      // Every offset up to rows is set: no holes for setValueCount to fill.
      variable.setLastSet(rows - 1);
    }
    vectors[c].setValueCount(rows);
    return true;
  }
}

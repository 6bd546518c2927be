package dev.quiver.spark.scalar;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The results of a guarded call, evaluated on the rows where its guard held, seen at the
 * positions of the whole batch without copying: row {@code i} is row {@code positions[i]} of the
 * evaluated results, or null where that is negative (a row whose conditional does not read the
 * call). Getters on such rows return zeros rather than fail, since generated code may read a
 * value before, or without, checking for null.
 */
final class ScatteredVector extends ColumnVector {
  private final ColumnVector dense;
  private final int[] positions;
  private final int rows;
  private ScatteredVector[] children;
  private int nulls = -1;

  /** {@code dense} may be null when no row of the batch needed the call. */
  ScatteredVector(DataType type, ColumnVector dense, int[] positions, int rows) {
    super(type);
    this.dense = dense;
    this.positions = positions;
    this.rows = rows;
  }

  /** The results of the rows gathered, in their order; null when none was. */
  ColumnVector dense() {
    return dense;
  }

  private int at(int rowId) {
    return dense == null ? -1 : positions[rowId];
  }

  @Override
  public void close() {
    // The dense results belong to the calls that evaluated them.
  }

  @Override
  public boolean hasNull() {
    return numNulls() > 0;
  }

  @Override
  public int numNulls() {
    if (nulls < 0) {
      int count = 0;
      for (int i = 0; i < rows; i++) {
        if (isNullAt(i)) {
          count++;
        }
      }
      nulls = count;
    }
    return nulls;
  }

  @Override
  public boolean isNullAt(int rowId) {
    int p = at(rowId);
    return p < 0 || dense.isNullAt(p);
  }

  @Override
  public boolean getBoolean(int rowId) {
    int p = at(rowId);
    return p >= 0 && dense.getBoolean(p);
  }

  @Override
  public byte getByte(int rowId) {
    int p = at(rowId);
    return p < 0 ? 0 : dense.getByte(p);
  }

  @Override
  public short getShort(int rowId) {
    int p = at(rowId);
    return p < 0 ? 0 : dense.getShort(p);
  }

  @Override
  public int getInt(int rowId) {
    int p = at(rowId);
    return p < 0 ? 0 : dense.getInt(p);
  }

  @Override
  public long getLong(int rowId) {
    int p = at(rowId);
    return p < 0 ? 0L : dense.getLong(p);
  }

  @Override
  public float getFloat(int rowId) {
    int p = at(rowId);
    return p < 0 ? 0f : dense.getFloat(p);
  }

  @Override
  public double getDouble(int rowId) {
    int p = at(rowId);
    return p < 0 ? 0d : dense.getDouble(p);
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    int p = at(rowId);
    return p < 0 ? null : dense.getArray(p);
  }

  @Override
  public ColumnarMap getMap(int rowId) {
    int p = at(rowId);
    return p < 0 ? null : dense.getMap(p);
  }

  @Override
  public Decimal getDecimal(int rowId, int precision, int scale) {
    int p = at(rowId);
    return p < 0 ? null : dense.getDecimal(p, precision, scale);
  }

  @Override
  public UTF8String getUTF8String(int rowId) {
    int p = at(rowId);
    return p < 0 ? null : dense.getUTF8String(p);
  }

  @Override
  public byte[] getBinary(int rowId) {
    int p = at(rowId);
    return p < 0 ? null : dense.getBinary(p);
  }

  /** Struct fields (and interval parts) are read at the parent's row id: scattered alike. */
  @Override
  public ColumnVector getChild(int ordinal) {
    if (children == null || ordinal >= children.length) {
      children = java.util.Arrays.copyOf(children == null ? new ScatteredVector[0] : children,
          ordinal + 1);
    }
    if (children[ordinal] == null) {
      ColumnVector denseChild = dense == null ? null : dense.getChild(ordinal);
      children[ordinal] = new ScatteredVector(
          denseChild == null ? type : denseChild.dataType(), denseChild, positions, rows);
    }
    return children[ordinal];
  }
}

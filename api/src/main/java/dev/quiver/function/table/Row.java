package dev.quiver.function.table;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/**
 * One row of a batch, read column by column: what {@link RowTableFunction#evalRow} receives. A
 * view, moved from row to row over the same Arrow batch, so it allocates nothing per row except
 * the strings it is asked for; do not keep it past the call.
 *
 * <pre>{@code
 * int user = row.getInt("user_id");
 * long amount = row.isNull("amount") ? 0 : row.getLong("amount");
 * String text = row.getString(1);             // by position; null for SQL NULL
 * }</pre>
 *
 * Columns are found by name ignoring case, or by position from 0. The typed getters read any
 * column that converts without loss ({@code getLong} reads {@code int} columns too) and fail on
 * SQL NULL: test {@link #isNull} first where the column may hold nulls.
 */
public final class Row {
  private VectorSchemaRoot batch;
  private List<FieldVector> vectors;
  private final Map<String, Integer> positions = new HashMap<>();
  /**
   * The names asked for so far, compared by identity before the map: callers pass the same
   * string constants on every row, and a map lookup per value was most of a simple function's
   * time in a profile.
   */
  private final String[] recent = new String[8];
  private final int[] recentPositions = new int[8];
  private int recentCount;
  private int index;

  Row() {}

  /** Moves the view onto another batch. */
  void batch(VectorSchemaRoot batch) {
    if (this.batch != batch) {
      positions.clear();
      recentCount = 0;
    }
    this.batch = batch;
    this.vectors = batch.getFieldVectors();
  }

  /** Moves the view onto row {@code index} of the batch. */
  void at(int index) {
    this.index = index;
  }

  /** The row's position in its batch, from 0. */
  public int index() {
    return index;
  }

  /** How many columns the row has. */
  public int size() {
    return vectors.size();
  }

  /** The position of the column called {@code name}. */
  public int position(String name) {
    for (int i = 0; i < recentCount; i++) {
      if (recent[i] == name) {
        return recentPositions[i];
      }
    }
    Integer position = positions.get(name);
    if (position == null) {
      position = find(name);
      positions.put(name, position);
    }
    if (recentCount < recent.length) {
      recent[recentCount] = name;
      recentPositions[recentCount++] = position;
    }
    return position;
  }

  public boolean isNull(int column) {
    return vector(column).isNull(index);
  }

  public boolean isNull(String column) {
    return isNull(position(column));
  }

  /** The value of an {@code int}, {@code smallint} or {@code tinyint} column. */
  public int getInt(int column) {
    FieldVector vector = nonNull(column);
    if (vector instanceof IntVector ints) {
      return ints.get(index);
    }
    if (vector instanceof SmallIntVector || vector instanceof TinyIntVector) {
      return (int) ((BaseIntVector) vector).getValueAsLong(index);
    }
    throw wrongType(column, "an int");
  }

  public int getInt(String column) {
    return getInt(position(column));
  }

  /** The value of a {@code bigint}, {@code int}, {@code smallint} or {@code tinyint} column. */
  public long getLong(int column) {
    FieldVector vector = nonNull(column);
    if (vector instanceof BaseIntVector ints) {
      return ints.getValueAsLong(index);
    }
    throw wrongType(column, "a bigint");
  }

  public long getLong(String column) {
    return getLong(position(column));
  }

  /** The value of a {@code double} or {@code float} column, or of an integer column. */
  public double getDouble(int column) {
    FieldVector vector = nonNull(column);
    if (vector instanceof FloatingPointVector floats) {
      return floats.getValueAsDouble(index);
    }
    if (vector instanceof BaseIntVector ints) {
      return ints.getValueAsLong(index);
    }
    throw wrongType(column, "a double");
  }

  public double getDouble(String column) {
    return getDouble(position(column));
  }

  public boolean getBoolean(int column) {
    if (nonNull(column) instanceof BitVector bits) {
      return bits.get(index) != 0;
    }
    throw wrongType(column, "a boolean");
  }

  public boolean getBoolean(String column) {
    return getBoolean(position(column));
  }

  /** The value of a {@code string} column, or null for SQL NULL. */
  public String getString(int column) {
    FieldVector vector = vector(column);
    if (!(vector instanceof VarCharVector strings)) {
      throw wrongType(column, "a string");
    }
    if (strings.isNull(index)) {
      return null;
    }
    return new String(strings.get(index), StandardCharsets.UTF_8);
  }

  public String getString(String column) {
    return getString(position(column));
  }

  /**
   * The value as Arrow's {@code getObject} gives it ({@code Integer}, {@code Long},
   * {@code Double}, {@code BigDecimal}, {@code byte[]}, {@code List}, ...), with strings as
   * {@code String}; null for SQL NULL.
   */
  public Object get(int column) {
    Object value = vector(column).getObject(index);
    return value instanceof Text text ? text.toString() : value;
  }

  public Object get(String column) {
    return get(position(column));
  }

  /** The column's vector, to read it with Arrow's own API. */
  public FieldVector vector(int column) {
    if (column < 0 || column >= vectors.size()) {
      throw new IllegalArgumentException("no column at position " + column + "; the table has "
          + vectors.size() + " columns " + names());
    }
    return vectors.get(column);
  }

  private FieldVector nonNull(int column) {
    FieldVector vector = vector(column);
    if (vector.isNull(index)) {
      throw new IllegalArgumentException("column '" + vector.getName() + "' is NULL in row "
          + index + "; test isNull first");
    }
    return vector;
  }

  private IllegalArgumentException wrongType(int column, String wanted) {
    FieldVector vector = vectors.get(column);
    return new IllegalArgumentException("column '" + vector.getName() + "' is of Arrow type "
        + vector.getField().getType() + ", not " + wanted);
  }

  private int find(String name) {
    for (int c = 0; c < vectors.size(); c++) {
      if (vectors.get(c).getName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException("no column named '" + name + "'; the table has "
        + names());
  }

  private List<String> names() {
    return vectors.stream().map(FieldVector::getName).toList();
  }
}

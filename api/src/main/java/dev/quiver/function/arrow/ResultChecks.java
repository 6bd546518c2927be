package dev.quiver.function.arrow;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.Types;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * The checks Quiver applies to every vector a function hands over, before anything reads it, on
 * Arrow alone: Spark's executors run them, and so do the test harnesses of
 * {@code dev.quiver.function.testing}. A malformed vector read by Spark's unsafe accessors or
 * copied with {@code Platform.copyMemory} reads past its buffers, which crashes the JVM instead
 * of failing the query. Each check throws {@link InvalidResultException} with a message naming
 * the function.
 *
 * <ul>
 *   <li>{@link #checkResult}: a scalar result's row count and Arrow type against the declared
 *       type's field (see {@link SparkTypes}), then the two checks below;
 *   <li>{@link #checkStructure}: the vector's Java class agrees with its Arrow field (a
 *       {@code BigIntVector} labelled {@code Int(32)} is refused), its buffers are as long as its
 *       value count needs, and offsets never decrease and stay inside their data, children
 *       included;
 *   <li>{@link #checkBatch}: a batch a table function emitted, against its result schema: as
 *       many columns, each of its column's type, none shorter than the row count, a row count
 *       of 0 only over empty vectors, then the two checks below for each column;
 *   <li>{@link #checkNulls}: no null where the declared type allows none, at any depth: struct
 *       fields, list elements, map keys (never null in Spark) and values, also under rows whose
 *       parent is null elsewhere. The message names the path, such as
 *       {@code result.items[3].price}, and the row.
 * </ul>
 *
 * <pre>{@code
 * Field expected = SparkTypes.field("result", "array<double>", true);
 * ResultChecks.checkResult("my_function", vector, expected, rows);
 * }</pre>
 */
public final class ResultChecks {
  private ResultChecks() {}

  /**
   * Checks a vector a function returned: its row count, its Arrow type against the declared
   * Spark type, its buffers (see {@link #checkStructure}) and nulls, at every depth, where the
   * declared type allows none.
   */
  public static void checkResult(String function, ValueVector result, Field expected, int rows) {
    if (result == null) {
      throw new InvalidResultException("Quiver function '" + function + "' returned null "
          + "instead of a vector of " + rows + " rows.");
    }
    if (result.getValueCount() != rows) {
      throw new InvalidResultException("Quiver function '" + function + "' returned "
          + result.getValueCount() + " rows for a batch of " + rows
          + " rows; a scalar function must return exactly one value per input row (did it call "
          + "setValueCount?).");
    }
    String mismatch = mismatch(result.getField(), expected, "");
    if (mismatch != null) {
      throw new InvalidResultException("Quiver function '" + function + "' returned a "
          + result.getClass().getSimpleName() + " of Arrow type " + describeType(result.getField())
          + ", but its declared result type needs " + describeType(expected) + mismatch + ".");
    }
    checkStructure(function, result, "result");
    checkNulls(function, result, expected, "result");
  }

  /**
   * Checks a batch a table function emitted against its result schema {@code schema}: see the
   * list above. A row count of 0 over vectors that hold values is refused because it is what a
   * function that forgot {@code setRowCount} emits, and its rows would silently be lost.
   */
  public static void checkBatch(String function, VectorSchemaRoot batch, Schema schema) {
    if (batch == null) {
      throw emitted(function, "null instead of a batch");
    }
    List<FieldVector> vectors = batch.getFieldVectors();
    List<Field> fields = schema.getFields();
    if (vectors.size() != fields.size()) {
      throw emitted(function, "a batch of " + vectors.size() + " columns, but its result schema "
          + "has " + fields.size() + " (" + schema + ")");
    }
    int count = batch.getRowCount();
    boolean hasValues = false;
    for (int c = 0; c < vectors.size(); c++) {
      FieldVector vector = vectors.get(c);
      Field expected = fields.get(c);
      String mismatch = typeMismatch(vector.getField(), expected);
      if (mismatch != null) {
        throw emitted(function, "a batch whose column " + (c + 1) + " ('" + vector.getName()
            + "') is a " + vector.getClass().getSimpleName() + " of Arrow type "
            + describeType(vector.getField()) + ", but result column '" + expected.getName()
            + "' (" + SparkTypes.typeName(expected) + ") needs " + describeType(expected)
            + mismatch);
      }
      if (vector.getValueCount() < count) {
        throw emitted(function, "a batch of " + count + " rows whose column '" + vector.getName()
            + "' holds only " + vector.getValueCount() + " values");
      }
      hasValues |= vector.getValueCount() > 0;
      checkNoNulls(function, vector, expected, "column '" + expected.getName() + "'");
    }
    if (count == 0 && hasValues) {
      throw emitted(function, "a batch whose row count is 0 but whose vectors hold values; did "
          + "it call setRowCount on the VectorSchemaRoot?");
    }
  }

  private static InvalidResultException emitted(String function, String what) {
    return new InvalidResultException("Quiver function '" + function + "' emitted " + what + ".");
  }

  /**
   * Fails, naming the function, if {@code vector} is malformed or holds nulls where
   * {@code expected} (at any depth) allows none; {@code path} names the column in the message.
   */
  public static void checkNoNulls(String function, ValueVector vector, Field expected,
      String path) {
    checkStructure(function, vector, path);
    checkNulls(function, vector, expected, path);
  }

  /**
   * Why a vector of field {@code actual} cannot be read as {@code expected}: null if it can,
   * otherwise a detail to append to a message (possibly empty when the top-level types differ).
   */
  public static String typeMismatch(Field actual, Field expected) {
    return mismatch(actual, expected, "");
  }

  /** Why {@code actual} cannot be read as {@code expected}, or null if it can. */
  private static String mismatch(Field actual, Field expected, String path) {
    if (!compatible(actual.getType(), expected.getType())) {
      return path.isEmpty() ? "" : " (at " + path + ")";
    }
    List<Field> a = actual.getChildren();
    List<Field> e = expected.getChildren();
    if (a.size() != e.size()) {
      return " (at " + (path.isEmpty() ? "the top level" : path) + ": " + a.size()
          + " child fields instead of " + e.size() + ")";
    }
    boolean struct = expected.getType() instanceof ArrowType.Struct;
    for (int i = 0; i < e.size(); i++) {
      String childPath = path.isEmpty() ? e.get(i).getName() : path + "." + e.get(i).getName();
      if (struct && !a.get(i).getName().equals(e.get(i).getName())) {
        return " (struct field " + (i + 1) + " is named '" + a.get(i).getName()
            + "' instead of '" + e.get(i).getName() + "')";
      }
      String inner = mismatch(a.get(i), e.get(i), childPath);
      if (inner != null) {
        return inner.isEmpty() ? " (at " + childPath + ")" : inner;
      }
    }
    return null;
  }

  private static boolean compatible(ArrowType actual, ArrowType expected) {
    // Spark reads timestamps of any zone as microseconds since the epoch; only the unit and the
    // presence of a zone (timestamp vs timestamp_ntz) matter.
    if (actual instanceof ArrowType.Timestamp at && expected instanceof ArrowType.Timestamp et) {
      return at.getUnit() == et.getUnit()
          && (at.getTimezone() == null) == (et.getTimezone() == null);
    }
    // Spark reads large strings and binaries as well as the regular ones.
    if (expected instanceof ArrowType.Utf8) {
      return actual instanceof ArrowType.Utf8 || actual instanceof ArrowType.LargeUtf8;
    }
    if (expected instanceof ArrowType.Binary) {
      return actual instanceof ArrowType.Binary || actual instanceof ArrowType.LargeBinary;
    }
    return actual.equals(expected);
  }

  /** An Arrow field's type for messages, with its children, for example {@code List<Int(32)>}. */
  public static String describeType(Field field) {
    StringBuilder out = new StringBuilder(field.getType().toString());
    if (!field.getChildren().isEmpty()) {
      out.append('<');
      for (int i = 0; i < field.getChildren().size(); i++) {
        Field child = field.getChildren().get(i);
        if (i > 0) {
          out.append(", ");
        }
        if (field.getType() instanceof ArrowType.Struct) {
          out.append(child.getName()).append(": ");
        }
        out.append(describeType(child));
      }
      out.append('>');
    }
    return out.toString();
  }

  /** Fails, naming the function, if the vector's class, buffers or offsets are inconsistent. */
  public static void checkStructure(String function, ValueVector vector, String path) {
    String problem = structure(vector, vector.getValueCount(), path);
    if (problem != null) {
      throw new InvalidResultException("Quiver function '" + function + "' returned a "
          + "malformed " + vector.getClass().getSimpleName() + " in " + path + " (Arrow type "
          + describeType(vector.getField()) + ", " + vector.getValueCount()
          + " values): " + problem + ". Build result vectors with the vector class of their "
          + "Arrow type, and set values through its setters before setValueCount.");
    }
  }

  /**
   * What is wrong with the first {@code count} values of {@code vector}, or null. Arrow's own
   * validators are not used: they refuse valid map vectors and decimals (Arrow 18).
   */
  private static String structure(ValueVector vector, int count, String path) {
    Types.MinorType declared = Types.getMinorTypeForArrowType(vector.getField().getType());
    if (vector.getMinorType() != declared) {
      return path + " is a " + vector.getClass().getSimpleName() + " (" + vector.getMinorType()
          + ") labelled " + vector.getField().getType() + " (" + declared + ")";
    }
    if (vector.getValueCount() < count) {
      return path + " holds " + vector.getValueCount() + " values where " + count
          + " are needed";
    }
    if (vector instanceof BaseFixedWidthVector
        || vector instanceof BaseVariableWidthVector || vector instanceof BaseLargeVariableWidthVector
        || vector instanceof ListVector || vector instanceof StructVector
        || vector instanceof FixedSizeListVector) {
      ArrowBuf validity = vector.getValidityBuffer();
      if (validity.capacity() * 8 < count) {
        return path + "'s validity buffer has " + validity.capacity() + " bytes for " + count
            + " values";
      }
    }
    if (vector instanceof BaseFixedWidthVector fixed) {
      long bits = vector instanceof BitVector ? count : (long) count * fixed.getTypeWidth() * 8;
      if (fixed.getDataBuffer().capacity() * 8 < bits) {
        return path + "'s data buffer has " + fixed.getDataBuffer().capacity() + " bytes, "
            + "short of " + count + " values";
      }
      return null;
    }
    if (vector instanceof BaseVariableWidthVector variable) {
      return offsets(variable.getOffsetBuffer(), 4, count, variable.getDataBuffer().capacity(),
          path, "its data buffer's " + variable.getDataBuffer().capacity() + " bytes");
    }
    if (vector instanceof BaseLargeVariableWidthVector variable) {
      return offsets(variable.getOffsetBuffer(), 8, count, variable.getDataBuffer().capacity(),
          path, "its data buffer's " + variable.getDataBuffer().capacity() + " bytes");
    }
    if (vector instanceof ListVector list) {
      ValueVector child = list.getDataVector();
      String problem = offsets(list.getOffsetBuffer(), 4, count, child.getValueCount(), path,
          "its " + child.getValueCount() + " elements");
      if (problem != null || count == 0) {
        return problem;
      }
      return structure(child, list.getOffsetBuffer().getInt((long) count * 4), path + "[]");
    }
    if (vector instanceof FixedSizeListVector list) {
      return structure(list.getDataVector(), count * list.getListSize(), path + "[]");
    }
    if (vector instanceof StructVector struct) {
      for (int c = 0; c < struct.size(); c++) {
        ValueVector child = struct.getChildByOrdinal(c);
        String problem = structure(child, count, path + "." + child.getName());
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    try {
      ValueVectorUtility.validate(vector);
      return null;
    } catch (RuntimeException e) {
      return path + ": " + e.getMessage();
    }
  }

  /** Offsets that start at 0 or more, never decrease and end within {@code limit}. */
  private static String offsets(ArrowBuf offsets, int width, int count, long limit, String path,
      String what) {
    if (count == 0) {
      return null;
    }
    if (offsets.capacity() < (long) (count + 1) * width) {
      return path + "'s offset buffer has " + offsets.capacity() + " bytes for " + count
          + " values";
    }
    long previous = width == 4 ? offsets.getInt(0) : offsets.getLong(0);
    if (previous < 0) {
      return path + " starts at offset " + previous;
    }
    for (int i = 1; i <= count; i++) {
      long next = width == 4 ? offsets.getInt((long) i * 4) : offsets.getLong((long) i * 8);
      if (next < previous) {
        return path + "'s offsets decrease at value " + (i - 1);
      }
      previous = next;
    }
    if (previous > limit) {
      return path + " ends at offset " + previous + ", past " + what;
    }
    return null;
  }

  /** Fails, naming the function and the path, on a null that {@code expected} does not allow. */
  public static void checkNulls(String function, ValueVector vector, Field expected,
      String path) {
    if (!restricts(expected)) {
      return;
    }
    if (expected.getChildren().isEmpty()) {
      // A flat NOT NULL column: the null count says it all.
      if (vector.getNullCount() > 0) {
        int row = firstNull(vector);
        throw nullAt(function, path, row, vector.getNullCount());
      }
      return;
    }
    int rows = vector.getValueCount();
    for (int row = 0; row < rows; row++) {
      String at = check(vector, expected, row);
      if (at != null) {
        throw nullAt(function, path + at, row, -1);
      }
    }
  }

  /** Whether {@code field} or anything below it disallows nulls. */
  private static boolean restricts(Field field) {
    if (!field.isNullable()) {
      return true;
    }
    for (Field child : field.getChildren()) {
      if (restricts(child)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The path below this value to a forbidden null, "" for the value itself, or null when there
   * is none. Paths are built only on failure, so a valid value allocates nothing.
   */
  private static String check(ValueVector vector, Field expected, int index) {
    if (vector.isNull(index)) {
      return expected.isNullable() ? null : "";
    }
    List<Field> children = expected.getChildren();
    if (vector instanceof MapVector map) {
      StructVector entries = (StructVector) map.getDataVector();
      Field entry = children.get(0);
      int start = map.getElementStartIndex(index);
      int end = map.getElementEndIndex(index);
      for (int j = start; j < end; j++) {
        if (entries.isNull(j)) {
          return "[" + (j - start) + "]";
        }
        ValueVector key = entries.getChildByOrdinal(0);
        if (key.isNull(j)) {
          return "[" + (j - start) + "].key";
        }
        String at = check(entries.getChildByOrdinal(1), entry.getChildren().get(1), j);
        if (at != null) {
          return "[" + (j - start) + "].value" + at;
        }
      }
    } else if (vector instanceof ListVector list) {
      Field element = children.get(0);
      if (!restricts(element)) {
        return null;
      }
      int start = list.getElementStartIndex(index);
      int end = list.getElementEndIndex(index);
      for (int j = start; j < end; j++) {
        String at = check(list.getDataVector(), element, j);
        if (at != null) {
          return "[" + (j - start) + "]" + at;
        }
      }
    } else if (vector instanceof StructVector struct) {
      for (int c = 0; c < children.size(); c++) {
        Field child = children.get(c);
        if (restricts(child)) {
          String at = check(struct.getChildByOrdinal(c), child, index);
          if (at != null) {
            return "." + child.getName() + at;
          }
        }
      }
    }
    return null;
  }

  private static int firstNull(ValueVector vector) {
    for (int i = 0; i < vector.getValueCount(); i++) {
      if (vector.isNull(i)) {
        return i;
      }
    }
    return -1;
  }

  private static InvalidResultException nullAt(String function, String path, int row, int count) {
    String how = count > 1 ? count + " null values in " + path + " (the first in row " + row
        + ")" : "a null in " + path + " (row " + row + ")";
    String why = path.endsWith(".key") ? ": a map key is never null in Spark."
        : ", which its declared result type does not allow (NOT NULL).";
    return new InvalidResultException("Quiver function '" + function + "' returned " + how
        + why);
  }
}

package dev.quiver.spark.arrow;

import dev.quiver.spark.QuiverException;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.Types;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.ValueVectorUtility;

/**
 * Checks of a vector a function hands to Quiver, before anything reads it: a malformed vector
 * read by Spark's unsafe accessors or copied with {@code Platform.copyMemory} reads past its
 * buffers, which crashes the JVM instead of failing the query.
 *
 * <ul>
 *   <li>{@link #checkStructure}: the vector's Java class agrees with its Arrow field (a
 *       {@code BigIntVector} labelled {@code Int(32)} is refused), its buffers are as long as its
 *       value count needs, and offsets never decrease and stay inside their data, children
 *       included;
 *   <li>{@link #checkNulls}: no null where the declared type allows none, at any depth: struct
 *       fields, list elements, map keys (never null in Spark) and values, also under rows whose
 *       parent is null elsewhere. The message names the path, such as
 *       {@code result.items[3].price}, and the row.
 * </ul>
 */
public final class VectorChecks {
  private VectorChecks() {}

  /** Fails, naming the function, if the vector's class, buffers or offsets are inconsistent. */
  public static void checkStructure(String function, ValueVector vector, String path) {
    String problem = structure(vector, vector.getValueCount(), path);
    if (problem != null) {
      throw QuiverException.invalidResult("Quiver function '" + function + "' returned a "
          + "malformed " + vector.getClass().getSimpleName() + " in " + path + " (Arrow type "
          + ArrowTypes.describe(vector.getField()) + ", " + vector.getValueCount()
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

  private static QuiverException nullAt(String function, String path, int row, int count) {
    String how = count > 1 ? count + " null values in " + path + " (the first in row " + row
        + ")" : "a null in " + path + " (row " + row + ")";
    String why = path.endsWith(".key") ? ": a map key is never null in Spark."
        : ", which its declared result type does not allow (NOT NULL).";
    return QuiverException.invalidResult("Quiver function '" + function + "' returned " + how
        + why);
  }
}

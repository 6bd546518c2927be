package dev.quiver.spark.arrow;

import dev.quiver.spark.QuiverException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/** The Arrow types Spark uses for its SQL types, and checks of what functions return. */
public final class ArrowTypes {
  private ArrowTypes() {}

  /** The Arrow schema Spark's {@code ArrowWriter} and {@code ArrowColumnVector} use. */
  public static Schema schema(StructType type, String timeZoneId) {
    return ArrowUtils.toArrowSchema(type, timeZoneId, false, false);
  }

  /** The Arrow field of one Spark column. */
  public static Field field(String name, DataType type, boolean nullable, String timeZoneId) {
    StructType single = new StructType(new StructField[] {
        new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty())});
    return schema(single, timeZoneId).getFields().get(0);
  }

  /**
   * Checks a vector a function returned: its row count, its Arrow type against the declared
   * Spark type, its buffers (see {@link VectorChecks}) and nulls, at every depth, where the
   * declared type allows none.
   */
  public static void checkResult(String function, ValueVector result, Field expected, int rows) {
    if (result == null) {
      throw QuiverException.invalidResult("Quiver function '" + function + "' returned null "
          + "instead of a vector of " + rows + " rows.");
    }
    if (result.getValueCount() != rows) {
      throw QuiverException.invalidResult("Quiver function '" + function + "' returned "
          + result.getValueCount() + " rows for a batch of " + rows
          + " rows; a scalar function must return exactly one value per input row (did it call "
          + "setValueCount?).");
    }
    String mismatch = mismatch(result.getField(), expected, "");
    if (mismatch != null) {
      throw QuiverException.invalidResult("Quiver function '" + function + "' returned a "
          + result.getClass().getSimpleName() + " of Arrow type " + describe(result.getField())
          + ", but its declared result type needs " + describe(expected) + mismatch + ".");
    }
    VectorChecks.checkStructure(function, result, "result");
    VectorChecks.checkNulls(function, result, expected, "result");
  }

  /**
   * Fails, naming the function, if {@code vector} is malformed or holds nulls where
   * {@code expected} (at any depth) allows none; {@code path} names the column in the message.
   */
  public static void checkNoNulls(String function, ValueVector vector, Field expected,
      String path) {
    VectorChecks.checkStructure(function, vector, path);
    VectorChecks.checkNulls(function, vector, expected, path);
  }

  /**
   * Why a vector of field {@code actual} cannot be read as {@code expected}: null if it can,
   * otherwise a detail to append to a message (possibly empty when the top-level types differ).
   */
  public static String typeMismatch(Field actual, Field expected) {
    return mismatch(actual, expected, "");
  }

  /** An Arrow field's type for messages, with its children, for example {@code List<Int(32)>}. */
  public static String describeType(Field field) {
    return describe(field);
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

  static String describe(Field field) {
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
        out.append(describe(child));
      }
      out.append('>');
    }
    return out.toString();
  }

  /** Closes vectors, keeping the first failure and going on with the rest. */
  public static void closeAll(Iterable<? extends AutoCloseable> resources) {
    RuntimeException failure = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException re ? re : new RuntimeException(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes one vector if it is there. */
  public static void closeQuietly(FieldVector vector) {
    if (vector != null) {
      vector.close();
    }
  }
}

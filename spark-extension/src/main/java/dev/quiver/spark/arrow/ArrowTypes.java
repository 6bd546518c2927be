package dev.quiver.spark.arrow;

import dev.quiver.function.arrow.ResultChecks;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
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
   * Spark type, its buffers and nulls, at every depth, where the declared type allows none (see
   * {@link ResultChecks#checkResult}).
   */
  public static void checkResult(String function, ValueVector result, Field expected, int rows) {
    VectorChecks.checkResult(function, result, expected, rows);
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
    return ResultChecks.typeMismatch(actual, expected);
  }

  /** An Arrow field's type for messages, with its children, for example {@code List<Int(32)>}. */
  public static String describeType(Field field) {
    return ResultChecks.describeType(field);
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

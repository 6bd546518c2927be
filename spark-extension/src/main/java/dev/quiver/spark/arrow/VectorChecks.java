package dev.quiver.spark.arrow;

import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.arrow.ResultChecks;
import dev.quiver.spark.QuiverException;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The checks of {@link ResultChecks} (Arrow alone, in quiver-api, where the test harnesses run
 * them too) as Spark errors: the same messages, as {@link QuiverException}s of the error class
 * {@value QuiverException#INVALID_RESULT}.
 */
public final class VectorChecks {
  private VectorChecks() {}

  /** See {@link ResultChecks#checkResult}. */
  public static void checkResult(String function, ValueVector result, Field expected, int rows) {
    try {
      ResultChecks.checkResult(function, result, expected, rows);
    } catch (InvalidResultException e) {
      throw QuiverException.invalidResult(e.getMessage());
    }
  }

  /** See {@link ResultChecks#checkBatch}. */
  public static void checkBatch(String function, VectorSchemaRoot batch, Schema schema) {
    try {
      ResultChecks.checkBatch(function, batch, schema);
    } catch (InvalidResultException e) {
      throw QuiverException.invalidResult(e.getMessage());
    }
  }

  /** See {@link ResultChecks#checkStructure}. */
  public static void checkStructure(String function, ValueVector vector, String path) {
    try {
      ResultChecks.checkStructure(function, vector, path);
    } catch (InvalidResultException e) {
      throw QuiverException.invalidResult(e.getMessage());
    }
  }

  /** See {@link ResultChecks#checkNulls}. */
  public static void checkNulls(String function, ValueVector vector, Field expected,
      String path) {
    try {
      ResultChecks.checkNulls(function, vector, expected, path);
    } catch (InvalidResultException e) {
      throw QuiverException.invalidResult(e.getMessage());
    }
  }
}

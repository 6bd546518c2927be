package dev.quiver.spark.aggregate;

import dev.quiver.spark.QuiverException;
import dev.quiver.spark.execution.CatalystValues;
import java.io.Serializable;
import org.apache.spark.sql.types.DataType;

/**
 * Turns the Java value an aggregate's {@code finish} returns into Spark's internal value of the
 * declared result type with {@link CatalystValues}, the conversion of every kind: a value that
 * does not fit fails with a message that names the function, the declared type and the class it
 * expected.
 */
record ResultConverter(String function, DataType type, boolean nullable) implements Serializable {

  Object toCatalyst(Object value) {
    if (value == null) {
      if (!nullable) {
        throw new QuiverException("Quiver function '" + function + "' returned null from "
            + "finish, but it declares a result that is never null (resultNullable is false).");
      }
      return null;
    }
    try {
      return CatalystValues.toCatalyst(value, type, true);
    } catch (CatalystValues.Mismatch m) {
      throw new QuiverException(describe(m), m);
    }
  }

  private String describe(CatalystValues.Mismatch m) {
    String at = m.where.isEmpty() ? "" : " at " + m.where;
    if (m.expected == null || m.value == null) {
      return "Quiver function '" + function + "' returned from finish a value that does not fit "
          + "its declared result type " + type.simpleString() + ": " + m.getMessage() + ".";
    }
    String needs = m.where.isEmpty()
        ? ", but its declared result type " + type.simpleString() + " needs " + m.expected + "."
        : ", where its declared result type " + type.simpleString() + " needs " + m.expected
            + " (for " + m.type.simpleString() + ").";
    return "Quiver function '" + function + "' returned a " + m.value.getClass().getName()
        + " from finish" + at + needs;
  }
}

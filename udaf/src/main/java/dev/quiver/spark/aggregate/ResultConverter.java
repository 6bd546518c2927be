package dev.quiver.spark.aggregate;

import dev.quiver.spark.QuiverException;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns the Java value an aggregate's {@code finish} returns into Spark's internal value of the
 * declared result type, checking it on the way: a value of the wrong class fails with a message
 * that names the function, the declared type and the class it expected.
 */
final class ResultConverter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final DataType type;
  private final boolean nullable;

  ResultConverter(String function, DataType type, boolean nullable) {
    this.function = function;
    this.type = type;
    this.nullable = nullable;
  }

  Object toCatalyst(Object value) {
    if (value == null && !nullable) {
      throw new QuiverException("Quiver function '" + function + "' returned null from finish, "
          + "but it declares a result that is never null (resultNullable is false).");
    }
    return convert(value, type, "");
  }

  private Object convert(Object value, DataType t, String path) {
    if (value == null) {
      return null;
    }
    if (t instanceof BooleanType) {
      return expect(value, Boolean.class, t, path);
    } else if (t instanceof ByteType) {
      return expect(value, Byte.class, t, path);
    } else if (t instanceof ShortType) {
      return expect(value, Short.class, t, path);
    } else if (t instanceof IntegerType) {
      return expect(value, Integer.class, t, path);
    } else if (t instanceof LongType) {
      return expect(value, Long.class, t, path);
    } else if (t instanceof FloatType) {
      return expect(value, Float.class, t, path);
    } else if (t instanceof DoubleType) {
      return expect(value, Double.class, t, path);
    } else if (t instanceof StringType) {
      return UTF8String.fromString(expect(value, String.class, t, path));
    } else if (t instanceof BinaryType) {
      return expect(value, byte[].class, t, path);
    } else if (t instanceof DecimalType d) {
      BigDecimal decimal = expect(value, BigDecimal.class, t, path);
      Decimal result = Decimal.apply(decimal);
      if (!result.changePrecision(d.precision(), d.scale())) {
        throw new QuiverException("Quiver function '" + function + "' returned " + decimal
            + at(path) + ", which does not fit its declared type " + t.simpleString() + ".");
      }
      return result;
    } else if (t instanceof DateType) {
      return (int) expect(value, LocalDate.class, t, path).toEpochDay();
    } else if (t instanceof TimestampType) {
      return DateTimeUtils.instantToMicros(expect(value, Instant.class, t, path));
    } else if (t instanceof TimestampNTZType) {
      return DateTimeUtils.localDateTimeToMicros(expect(value, LocalDateTime.class, t, path));
    } else if (t instanceof ArrayType a) {
      List<Object> elements = elements(value, t, path);
      Object[] out = new Object[elements.size()];
      for (int i = 0; i < out.length; i++) {
        Object e = elements.get(i);
        if (e == null && !a.containsNull()) {
          throw new QuiverException("Quiver function '" + function + "' returned a null element"
              + at(path + "[" + i + "]") + ", which its declared type " + t.simpleString()
              + " does not allow.");
        }
        out[i] = convert(e, a.elementType(), path + "[" + i + "]");
      }
      return new GenericArrayData(out);
    } else if (t instanceof MapType m) {
      Map<?, ?> map = expect(value, Map.class, t, path);
      Object[] keys = new Object[map.size()];
      Object[] values = new Object[map.size()];
      int i = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (entry.getKey() == null) {
          throw new QuiverException("Quiver function '" + function + "' returned a map with a "
              + "null key" + at(path) + "; map keys cannot be null.");
        }
        keys[i] = convert(entry.getKey(), m.keyType(), path + ".key");
        values[i] = convert(entry.getValue(), m.valueType(), path + "[" + entry.getKey() + "]");
        i++;
      }
      return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
    } else if (t instanceof StructType s) {
      StructField[] fields = s.fields();
      Object[] out = new Object[fields.length];
      if (value instanceof Map<?, ?> byName) {
        for (int i = 0; i < fields.length; i++) {
          out[i] = field(byName.get(fields[i].name()), fields[i], path);
        }
      } else {
        List<Object> values = value instanceof Row row ? rowValues(row)
            : elements(value, t, path);
        if (values.size() != fields.length) {
          throw new QuiverException("Quiver function '" + function + "' returned "
              + values.size() + " struct fields" + at(path) + ", but its declared type "
              + t.simpleString() + " has " + fields.length + ".");
        }
        for (int i = 0; i < fields.length; i++) {
          out[i] = field(values.get(i), fields[i], path);
        }
      }
      return new GenericInternalRow(out);
    }
    throw new QuiverException("Quiver function '" + function + "' declares the result type "
        + type.simpleString() + ", which aggregate functions cannot return as a Java value.");
  }

  private Object field(Object value, StructField field, String path) {
    String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
    if (value == null && !field.nullable()) {
      throw new QuiverException("Quiver function '" + function + "' returned null for struct "
          + "field '" + fieldPath + "', which its declared type does not allow.");
    }
    return convert(value, field.dataType(), fieldPath);
  }

  private static List<Object> rowValues(Row row) {
    List<Object> values = new ArrayList<>(row.size());
    for (int i = 0; i < row.size(); i++) {
      values.add(row.get(i));
    }
    return values;
  }

  private List<Object> elements(Object value, DataType t, String path) {
    if (value instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    if (value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> out = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        out.add(Array.get(value, i));
      }
      return out;
    }
    throw mismatch(value, t, path, t instanceof StructType
        ? "an Object[], a java.util.List or a java.util.Map" : "a java.util.List or an array");
  }

  private <T> T expect(Object value, Class<T> expected, DataType t, String path) {
    if (!expected.isInstance(value)) {
      throw mismatch(value, t, path, "a " + expected.getName());
    }
    return expected.cast(value);
  }

  private QuiverException mismatch(Object value, DataType t, String path, String expected) {
    String needs = path.isEmpty()
        ? ", but its declared result type " + type.simpleString() + " needs " + expected + "."
        : ", where its declared result type " + type.simpleString() + " needs " + expected
            + " (for " + t.simpleString() + ").";
    return new QuiverException("Quiver function '" + function + "' returned a "
        + value.getClass().getName() + " from finish" + at(path) + needs);
  }

  private static String at(String path) {
    return path.isEmpty() ? "" : " at " + path;
  }
}

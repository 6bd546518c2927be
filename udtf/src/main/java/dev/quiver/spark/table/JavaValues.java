package dev.quiver.spark.table;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
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
 * Conversions between Spark's internal values and the plain Java values of the table-function
 * API: scalar arguments go out as Java values, rows emitted with {@code emitRow} come back in.
 */
final class JavaValues {
  private JavaValues() {}

  /** A Spark internal value of type {@code type} as the Java value the API documents. */
  static Object toJava(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    if (type instanceof StringType) {
      return value.toString();
    }
    if (type instanceof DecimalType) {
      return ((Decimal) value).toJavaBigDecimal();
    }
    if (type instanceof DateType) {
      return LocalDate.ofEpochDay((Integer) value);
    }
    if (type instanceof TimestampType) {
      return DateTimeUtils.microsToInstant((Long) value);
    }
    if (type instanceof TimestampNTZType) {
      return DateTimeUtils.microsToLocalDateTime((Long) value);
    }
    if (type instanceof ArrayType array) {
      ArrayData data = (ArrayData) value;
      List<Object> out = new ArrayList<>(data.numElements());
      for (int i = 0; i < data.numElements(); i++) {
        out.add(data.isNullAt(i) ? null : toJava(data.get(i, array.elementType()),
            array.elementType()));
      }
      return out;
    }
    if (type instanceof MapType map) {
      MapData data = (MapData) value;
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < data.numElements(); i++) {
        Object v = data.valueArray().isNullAt(i) ? null
            : data.valueArray().get(i, map.valueType());
        out.put(toJava(data.keyArray().get(i, map.keyType()), map.keyType()),
            toJava(v, map.valueType()));
      }
      return out;
    }
    if (type instanceof StructType struct) {
      InternalRow row = (InternalRow) value;
      Map<String, Object> out = new LinkedHashMap<>();
      StructField[] fields = struct.fields();
      for (int i = 0; i < fields.length; i++) {
        out.put(fields[i].name(), row.isNullAt(i) ? null
            : toJava(row.get(i, fields[i].dataType()), fields[i].dataType()));
      }
      return out;
    }
    return value; // booleans, numbers and byte[] are the same inside Spark
  }

  /**
   * A Java value as Spark's internal value of {@code type}.
   *
   * @throws IllegalArgumentException saying why the value does not fit
   */
  static Object toInternal(Object value, DataType type, boolean nullable) {
    if (value == null) {
      if (!nullable) {
        throw new IllegalArgumentException("is NULL, but the column is declared NOT NULL");
      }
      return null;
    }
    if (type instanceof BooleanType) {
      return cast(value, Boolean.class, type);
    }
    if (type instanceof ByteType) {
      return (byte) integral(value, type, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }
    if (type instanceof ShortType) {
      return (short) integral(value, type, Short.MIN_VALUE, Short.MAX_VALUE);
    }
    if (type instanceof IntegerType) {
      return (int) integral(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (type instanceof LongType) {
      return integral(value, type, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    if (type instanceof FloatType) {
      return cast(value, Number.class, type).floatValue(); // rounding is expected here
    }
    if (type instanceof DoubleType) {
      return cast(value, Number.class, type).doubleValue();
    }
    if (type instanceof StringType) {
      if (value instanceof String || value instanceof Character) {
        return UTF8String.fromString(value.toString());
      }
      throw mismatch(value, type, null);
    }
    if (type instanceof DecimalType decimal) {
      BigDecimal big;
      if (value instanceof BigDecimal b) {
        big = b;
      } else if (value instanceof BigInteger b) {
        big = new BigDecimal(b);
      } else if (value instanceof Long || value instanceof Integer || value instanceof Short
          || value instanceof Byte) {
        big = BigDecimal.valueOf(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        big = BigDecimal.valueOf(((Number) value).doubleValue());
      } else {
        throw mismatch(value, type, null);
      }
      Decimal result = Decimal.apply(big);
      if (!result.changePrecision(decimal.precision(), decimal.scale())) {
        throw mismatch(value, type, "does not fit");
      }
      return result;
    }
    if (type instanceof BinaryType) {
      return cast(value, byte[].class, type);
    }
    if (type instanceof DateType) {
      if (value instanceof LocalDate d) {
        return DateTimeUtils.localDateToDays(d);
      }
      if (value instanceof java.sql.Date d) {
        return DateTimeUtils.fromJavaDate(d);
      }
      throw mismatch(value, type, null);
    }
    if (type instanceof TimestampType) {
      if (value instanceof Instant i) {
        return DateTimeUtils.instantToMicros(i);
      }
      if (value instanceof java.sql.Timestamp t) {
        return DateTimeUtils.fromJavaTimestamp(t);
      }
      throw mismatch(value, type, null);
    }
    if (type instanceof TimestampNTZType) {
      return DateTimeUtils.localDateTimeToMicros(cast(value, LocalDateTime.class, type));
    }
    if (type instanceof ArrayType array) {
      List<?> elements = elements(value, type);
      Object[] out = new Object[elements.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = element(elements.get(i), array.elementType(), array.containsNull(),
            "element " + i);
      }
      return new GenericArrayData(out);
    }
    if (type instanceof MapType map) {
      Map<?, ?> entries = cast(value, Map.class, type);
      Object[] keys = new Object[entries.size()];
      Object[] values = new Object[entries.size()];
      int i = 0;
      for (Map.Entry<?, ?> entry : entries.entrySet()) {
        keys[i] = element(entry.getKey(), map.keyType(), false, "a key");
        values[i] = element(entry.getValue(), map.valueType(), map.valueContainsNull(),
            "the value of key " + entry.getKey());
        i++;
      }
      return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
    }
    if (type instanceof StructType struct) {
      StructField[] fields = struct.fields();
      Object[] out = new Object[fields.length];
      if (value instanceof Map<?, ?> byName) {
        for (int f = 0; f < fields.length; f++) {
          out[f] = element(byName.get(fields[f].name()), fields[f].dataType(),
              fields[f].nullable(), "field " + fields[f].name());
        }
      } else {
        List<?> values = elements(value, type);
        if (values.size() != fields.length) {
          throw mismatch(value, type, "has " + values.size() + " values for "
              + fields.length + " fields");
        }
        for (int f = 0; f < fields.length; f++) {
          out[f] = element(values.get(f), fields[f].dataType(), fields[f].nullable(),
              "field " + fields[f].name());
        }
      }
      return new GenericInternalRow(out);
    }
    throw new IllegalArgumentException("is of type " + type.simpleString()
        + ", which emitRow does not support; emit an Arrow batch instead");
  }

  private static Object element(Object value, DataType type, boolean nullable, String what) {
    try {
      return toInternal(value, type, nullable);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " " + e.getMessage(), e);
    }
  }

  private static List<?> elements(Object value, DataType type) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value != null && value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> out = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        out.add(Array.get(value, i));
      }
      return out;
    }
    throw mismatch(value, type, null);
  }

  private static long integral(Object value, DataType type, long min, long max) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      long v = ((Number) value).longValue();
      if (v < min || v > max) {
        throw mismatch(value, type, "is out of range");
      }
      return v;
    }
    throw mismatch(value, type, null);
  }

  private static <T> T cast(Object value, Class<T> expected, DataType type) {
    if (!expected.isInstance(value)) {
      throw mismatch(value, type, null);
    }
    return expected.cast(value);
  }

  private static IllegalArgumentException mismatch(Object value, DataType type, String why) {
    String shown = value == null ? "null" : value.getClass().isArray()
        ? value.getClass().getComponentType().getSimpleName() + "[]"
        : value.getClass().getSimpleName() + " " + value;
    return new IllegalArgumentException("is a " + shown + (why == null
        ? ", which does not fit type " + type.simpleString()
        : ", which " + why + " for type " + type.simpleString()));
  }
}

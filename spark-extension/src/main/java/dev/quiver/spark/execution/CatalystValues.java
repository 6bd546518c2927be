package dev.quiver.spark.execution;

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
import org.apache.spark.sql.Row;
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
 * The one conversion between Spark's internal values and the plain Java values of Quiver's API,
 * for every kind: scalar arguments of table functions go out as Java values, rows emitted with
 * {@code emitRow} and the results of aggregates' {@code finish} come back in.
 *
 * <p>Coming in, a value must have a Java class the type documents (see {@link #expected}), with
 * one leniency: a numeric column takes any {@link Number} that it holds exactly (an
 * {@code Integer} for a bigint, a {@code Long} 7 for an int, a {@code Double} 2.0 for an int, a
 * {@code Float} for a double), and refuses one it would change (out of range, a fraction for an
 * integer, a double that float rounds). A value that does not fit fails with a {@link Mismatch}
 * saying where and why; the caller names the function and the column.
 */
public final class CatalystValues {
  private CatalystValues() {}

  /** Why a Java value does not fit a Spark type; its message reads after the value's name. */
  public static final class Mismatch extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** Where inside the value, outermost first ("element 2 field x"); "" for the value itself. */
    public final String where;
    /** The value that did not fit, or null. */
    public final transient Object value;
    /** The type it had to fit, at {@link #where}. */
    public final DataType type;
    /** The Java class the type documents when the value's class was wrong; otherwise null. */
    public final String expected;

    Mismatch(String where, Object value, DataType type, String expected, String detail) {
      super((where.isEmpty() ? "" : where + " ") + detail);
      this.where = where;
      this.value = value;
      this.type = type;
      this.expected = expected;
    }

    Mismatch within(String outer) {
      Mismatch m = new Mismatch(where.isEmpty() ? outer : outer + " " + where, value, type,
          expected, getMessage().substring(where.isEmpty() ? 0 : where.length() + 1));
      m.initCause(this);
      return m;
    }
  }

  /** A Spark internal value of type {@code type} as the Java value the API documents. */
  public static Object toJava(Object value, DataType type) {
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
   * @param nullable whether the value may be null (the column's nullability)
   * @throws Mismatch saying why the value does not fit
   */
  public static Object toCatalyst(Object value, DataType type, boolean nullable) {
    if (value == null) {
      if (!nullable) {
        throw new Mismatch("", null, type, null, "is NULL, but the column is declared NOT NULL");
      }
      return null;
    }
    if (type instanceof BooleanType) {
      return cast(value, Boolean.class, type);
    }
    if (type instanceof ByteType) {
      return value instanceof Byte ? value : (byte) integral(value, type, Byte.MIN_VALUE,
          Byte.MAX_VALUE);
    }
    if (type instanceof ShortType) {
      return value instanceof Short ? value : (short) integral(value, type, Short.MIN_VALUE,
          Short.MAX_VALUE);
    }
    if (type instanceof IntegerType) {
      return value instanceof Integer ? value : (int) integral(value, type, Integer.MIN_VALUE,
          Integer.MAX_VALUE);
    }
    if (type instanceof LongType) {
      return value instanceof Long ? value : integral(value, type, Long.MIN_VALUE,
          Long.MAX_VALUE);
    }
    if (type instanceof FloatType) {
      return value instanceof Float ? value : (float) floating(value, type, true);
    }
    if (type instanceof DoubleType) {
      return value instanceof Double ? value : floating(value, type, false);
    }
    if (type instanceof StringType) {
      if (value instanceof String || value instanceof Character) {
        return UTF8String.fromString(value.toString());
      }
      throw mismatch(value, type, null);
    }
    if (type instanceof DecimalType decimal) {
      return decimal(value, decimal);
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
      return array(value, array);
    }
    if (type instanceof MapType map) {
      return map(value, map);
    }
    if (type instanceof StructType struct) {
      return struct(value, struct);
    }
    throw new Mismatch("", value, type, null, "is of type " + type.simpleString()
        + ", which Quiver does not convert from Java values; use an Arrow vector instead");
  }

  /** The Java class a value of each type is documented to have, for messages. */
  private static final List<Map.Entry<Class<?>, String>> EXPECTED = List.of(
      Map.entry(BooleanType.class, "a java.lang.Boolean"),
      Map.entry(ByteType.class, "a java.lang.Byte"),
      Map.entry(ShortType.class, "a java.lang.Short"),
      Map.entry(IntegerType.class, "a java.lang.Integer"),
      Map.entry(LongType.class, "a java.lang.Long"),
      Map.entry(FloatType.class, "a java.lang.Float"),
      Map.entry(DoubleType.class, "a java.lang.Double"),
      Map.entry(StringType.class, "a java.lang.String"),
      Map.entry(BinaryType.class, "a byte[]"),
      Map.entry(DecimalType.class, "a java.math.BigDecimal"),
      Map.entry(DateType.class, "a java.time.LocalDate"),
      Map.entry(TimestampType.class, "a java.time.Instant"),
      Map.entry(TimestampNTZType.class, "a java.time.LocalDateTime"),
      Map.entry(MapType.class, "a java.util.Map"),
      Map.entry(StructType.class, "an Object[], a java.util.List or a java.util.Map"));

  /** The Java class a value of {@code type} is documented to have, for messages. */
  public static String expected(DataType type) {
    for (Map.Entry<Class<?>, String> e : EXPECTED) {
      if (e.getKey().isInstance(type)) {
        return e.getValue();
      }
    }
    return "a java.util.List or an array";
  }

  private static Object decimal(Object value, DecimalType type) {
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
    if (!result.changePrecision(type.precision(), type.scale())) {
      throw mismatch(value, type, "does not fit");
    }
    return result;
  }

  private static Object array(Object value, ArrayType type) {
    List<?> elements = elements(value, type);
    Object[] out = new Object[elements.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = element(elements.get(i), type.elementType(), type.containsNull(), "element " + i);
    }
    return new GenericArrayData(out);
  }

  private static Object map(Object value, MapType type) {
    Map<?, ?> entries = cast(value, Map.class, type);
    Object[] keys = new Object[entries.size()];
    Object[] values = new Object[entries.size()];
    int i = 0;
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      keys[i] = element(entry.getKey(), type.keyType(), false, "a key");
      values[i] = element(entry.getValue(), type.valueType(), type.valueContainsNull(),
          "the value of key " + entry.getKey());
      i++;
    }
    return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
  }

  private static Object struct(Object value, StructType type) {
    StructField[] fields = type.fields();
    Object[] out = new Object[fields.length];
    if (value instanceof Map<?, ?> byName) {
      // A misspelt key would otherwise read as a NULL field: silently wrong data.
      for (Object key : byName.keySet()) {
        if (!(key instanceof String name) || !type.getFieldIndex(name).isDefined()) {
          throw mismatch(value, type, "has key " + key + ", which is not a field of the struct");
        }
      }
      for (int f = 0; f < fields.length; f++) {
        out[f] = element(byName.get(fields[f].name()), fields[f].dataType(),
            fields[f].nullable(), "field " + fields[f].name());
      }
      return new GenericInternalRow(out);
    }
    List<?> values = value instanceof Row row ? rowValues(row) : elements(value, type);
    if (values.size() != fields.length) {
      throw mismatch(value, type, "has " + values.size() + " values for " + fields.length
          + " fields");
    }
    for (int f = 0; f < fields.length; f++) {
      out[f] = element(values.get(f), fields[f].dataType(), fields[f].nullable(),
          "field " + fields[f].name());
    }
    return new GenericInternalRow(out);
  }

  private static Object element(Object value, DataType type, boolean nullable, String what) {
    if (value == null && !nullable) {
      throw new Mismatch(what, null, type, null, "is NULL, which " + type.simpleString()
          + " does not allow here");
    }
    try {
      return toCatalyst(value, type, nullable);
    } catch (Mismatch e) {
      throw e.within(what);
    }
  }

  private static List<Object> rowValues(Row row) {
    List<Object> values = new ArrayList<>(row.size());
    for (int i = 0; i < row.size(); i++) {
      values.add(row.get(i));
    }
    return values;
  }

  private static List<?> elements(Object value, DataType type) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value.getClass().isArray()) {
      int length = Array.getLength(value);
      List<Object> out = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        out.add(Array.get(value, i));
      }
      return out;
    }
    throw mismatch(value, type, null);
  }

  /** An integer of any integral class in range, or any other number that is an exact one. */
  private static long integral(Object value, DataType type, long min, long max) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      long v = ((Number) value).longValue();
      if (v < min || v > max) {
        throw mismatch(value, type, "is out of range");
      }
      return v;
    }
    BigDecimal exact = exact(value, type);
    if (exact == null || exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
      throw mismatch(value, type, exact == null ? "is not a number" : "is not a whole number");
    }
    if (exact.compareTo(BigDecimal.valueOf(min)) < 0
        || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw mismatch(value, type, "is out of range");
    }
    return exact.longValueExact();
  }

  /** A number that the float or double type holds exactly. */
  private static double floating(Object value, DataType type, boolean single) {
    if (value instanceof Float || (value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
      double v = ((Number) value).doubleValue();
      if (!single || (double) (float) v == v || Double.isNaN(v)) {
        return v;
      }
    }
    BigDecimal exact = value instanceof Double d && (d.isNaN() || d.isInfinite()) ? null
        : exact(value, type);
    if (exact != null) {
      double v = single ? exact.floatValue() : exact.doubleValue();
      if (!Double.isInfinite(v) && new BigDecimal(v).compareTo(exact) == 0) {
        return v;
      }
    }
    throw mismatch(value, type, "would lose precision");
  }

  /** A number's exact value; null for NaN and infinities; a mismatch for a non-number. */
  private static BigDecimal exact(Object value, DataType type) {
    if (value instanceof BigDecimal b) {
      return b;
    }
    if (value instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isNaN(d) || Double.isInfinite(d) ? null : new BigDecimal(d);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    throw mismatch(value, type, null);
  }

  private static <T> T cast(Object value, Class<T> expected, DataType type) {
    if (!expected.isInstance(value)) {
      throw mismatch(value, type, null);
    }
    return expected.cast(value);
  }

  private static Mismatch mismatch(Object value, DataType type, String why) {
    String shown = value == null ? "null" : value.getClass().isArray()
        ? value.getClass().getComponentType().getSimpleName() + "[]"
        : value.getClass().getSimpleName() + " " + value;
    return new Mismatch("", value, type, why == null ? expected(type) : null,
        "is a " + shown + (why == null
            ? ", which does not fit type " + type.simpleString()
            : ", which " + why + " for type " + type.simpleString()));
  }
}

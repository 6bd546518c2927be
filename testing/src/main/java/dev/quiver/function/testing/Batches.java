package dev.quiver.function.testing;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Java values in and out of Arrow vectors of the types Spark uses, as the harnesses pass them to
 * and read them from functions: {@code Boolean}, {@code Byte}, {@code Short}, {@code Integer},
 * {@code Long}, {@code Float}, {@code Double}, {@code BigDecimal}, {@code String},
 * {@code byte[]}, {@code LocalDate} ({@code date}), {@code Instant} ({@code timestamp}),
 * {@code LocalDateTime} ({@code timestamp_ntz}), {@code List} ({@code array}), {@code Map}
 * ({@code map}), and for {@code struct} a {@code Map} by field name (which is what is read
 * back), a {@code List} or an {@code Object[]} in field order; null for SQL NULL.
 *
 * <pre>{@code
 * try (VectorSchemaRoot batch = Batches.create(SparkTypes.schema("id int, tags array<string>"),
 *     List.of(List.of(1, List.of("a", "b")), Arrays.asList(2, null)), allocator)) {
 *   List<List<Object>> rows = Batches.rows(batch);
 * }
 * }</pre>
 *
 * Numbers are written where they convert without loss (an {@code Integer} into a {@code bigint}
 * column), as an {@code Emitter}'s {@code emitRow} accepts them; {@link #writeExact} wants the
 * exact class, as an aggregate's {@code finish} must return it.
 */
public final class Batches {
  private final boolean exact;

  private Batches(boolean exact) {
    this.exact = exact;
  }

  /** A batch of {@code schema} holding {@code rows}, each a list of one value per column. */
  public static VectorSchemaRoot create(Schema schema, List<? extends List<?>> rows,
      BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try {
      root.allocateNew();
      Batches writer = new Batches(false);
      for (int r = 0; r < rows.size(); r++) {
        List<?> row = rows.get(r);
        if (row.size() != schema.getFields().size()) {
          throw new IllegalArgumentException("row " + r + " has " + row.size() + " values "
              + row + " for the " + schema.getFields().size() + " columns of " + schema);
        }
        for (int c = 0; c < row.size(); c++) {
          writer.write(root.getVector(c), r, row.get(c), root.getVector(c).getName());
        }
      }
      root.setRowCount(rows.size());
      return root;
    } catch (RuntimeException | Error e) {
      root.close();
      throw e;
    }
  }

  /** The rows of {@code batch} as lists of Java values. */
  public static List<List<Object>> rows(VectorSchemaRoot batch) {
    List<List<Object>> rows = new ArrayList<>();
    for (int r = 0; r < batch.getRowCount(); r++) {
      List<Object> row = new ArrayList<>();
      for (FieldVector vector : batch.getFieldVectors()) {
        row.add(read(vector, r));
      }
      rows.add(row);
    }
    return rows;
  }

  /** The values of {@code vector}. */
  public static List<Object> values(FieldVector vector) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < vector.getValueCount(); i++) {
      values.add(read(vector, i));
    }
    return values;
  }

  /** Writes {@code value} at {@code index}, converting numbers that convert without loss. */
  public static void write(FieldVector vector, int index, Object value) {
    new Batches(false).write(vector, index, value, vector.getName());
  }

  /** Writes {@code value} at {@code index}; each Spark type takes exactly its Java class. */
  public static void writeExact(FieldVector vector, int index, Object value) {
    new Batches(true).write(vector, index, value, vector.getName());
  }

  /** The Java value at {@code index}. */
  public static Object read(FieldVector vector, int index) {
    if (vector.isNull(index)) {
      return null;
    }
    if (vector instanceof VarCharVector strings) {
      return new String(strings.get(index), StandardCharsets.UTF_8);
    }
    if (vector instanceof DateDayVector dates) {
      return LocalDate.ofEpochDay(dates.get(index));
    }
    if (vector instanceof TimeStampVector stamps) {
      Instant instant = Instant.EPOCH.plus(stamps.get(index), ChronoUnit.MICROS);
      return ((ArrowType.Timestamp) vector.getField().getType()).getTimezone() == null
          ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC) : instant;
    }
    if (vector instanceof MapVector map) {
      StructVector entries = (StructVector) map.getDataVector();
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int j = map.getElementStartIndex(index); j < map.getElementEndIndex(index); j++) {
        out.put(read((FieldVector) entries.getChildByOrdinal(0), j),
            read((FieldVector) entries.getChildByOrdinal(1), j));
      }
      return out;
    }
    if (vector instanceof ListVector list) {
      List<Object> out = new ArrayList<>();
      for (int j = list.getElementStartIndex(index); j < list.getElementEndIndex(index); j++) {
        out.add(read(list.getDataVector(), j));
      }
      return out;
    }
    if (vector instanceof StructVector struct) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int c = 0; c < struct.size(); c++) {
        FieldVector child = (FieldVector) struct.getChildByOrdinal(c);
        out.put(child.getName(), read(child, index));
      }
      return out;
    }
    return vector.getObject(index);
  }

  private void write(FieldVector vector, int index, Object value, String path) {
    if (value == null) {
      vector.setNull(index);
      return;
    }
    if (vector instanceof BitVector bits) {
      bits.setSafe(index, as(value, Boolean.class, vector, path) ? 1 : 0);
    } else if (vector instanceof TinyIntVector v) {
      v.setSafe(index, (byte) integer(value, Byte.class, Byte.MIN_VALUE, Byte.MAX_VALUE, vector,
          path));
    } else if (vector instanceof SmallIntVector v) {
      v.setSafe(index, (short) integer(value, Short.class, Short.MIN_VALUE, Short.MAX_VALUE,
          vector, path));
    } else if (vector instanceof IntVector v) {
      v.setSafe(index, (int) integer(value, Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE,
          vector, path));
    } else if (vector instanceof BigIntVector v) {
      v.setSafe(index, integer(value, Long.class, Long.MIN_VALUE, Long.MAX_VALUE, vector, path));
    } else if (vector instanceof Float4Vector v) {
      v.setSafe(index, exact || value instanceof Float ? as(value, Float.class, vector, path)
          : (float) lossless(value, vector, path));
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(index, exact || value instanceof Double ? as(value, Double.class, vector, path)
          : lossless(value, vector, path));
    } else if (vector instanceof DecimalVector v) {
      BigDecimal decimal = as(value, BigDecimal.class, vector, path)
          .setScale(v.getScale(), RoundingMode.HALF_UP);
      if (decimal.precision() > v.getPrecision()) {
        throw new IllegalArgumentException(value + " at " + path + " does not fit "
            + "decimal(" + v.getPrecision() + "," + v.getScale() + ")");
      }
      v.setSafe(index, decimal);
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(index, as(value, String.class, vector, path).getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof VarBinaryVector v) {
      v.setSafe(index, as(value, byte[].class, vector, path));
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(index, Math.toIntExact(as(value, LocalDate.class, vector, path).toEpochDay()));
    } else if (vector instanceof TimeStampVector v) {
      Instant instant = ((ArrowType.Timestamp) vector.getField().getType()).getTimezone() == null
          ? as(value, LocalDateTime.class, vector, path).toInstant(ZoneOffset.UTC)
          : as(value, Instant.class, vector, path);
      v.setSafe(index, ChronoUnit.MICROS.between(Instant.EPOCH, instant));
    } else if (vector instanceof MapVector map) {
      Map<?, ?> entries = as(value, Map.class, vector, path);
      StructVector structs = (StructVector) map.getDataVector();
      int start = map.startNewValue(index);
      int j = start;
      for (Map.Entry<?, ?> entry : entries.entrySet()) {
        structs.setIndexDefined(j);
        write((FieldVector) structs.getChildByOrdinal(0), j, entry.getKey(), path + ".key");
        write((FieldVector) structs.getChildByOrdinal(1), j, entry.getValue(),
            path + "[" + entry.getKey() + "]");
        j++;
      }
      map.endValue(index, j - start);
    } else if (vector instanceof ListVector list) {
      List<?> elements = elements(value, vector, path);
      int start = list.startNewValue(index);
      for (int j = 0; j < elements.size(); j++) {
        write(list.getDataVector(), start + j, elements.get(j), path + "[" + j + "]");
      }
      list.endValue(index, elements.size());
    } else if (vector instanceof StructVector struct) {
      struct.setIndexDefined(index);
      List<Field> fields = struct.getField().getChildren();
      List<?> values = value instanceof Map<?, ?> byName
          ? fields.stream().map(f -> byName.get(f.getName())).toList()
          : elements(value, vector, path);
      if (values.size() != fields.size()) {
        throw new IllegalArgumentException(values.size() + " struct fields at " + path
            + " where " + describe(vector) + " has " + fields.size());
      }
      for (int c = 0; c < fields.size(); c++) {
        write((FieldVector) struct.getChildByOrdinal(c), index, values.get(c),
            path + "." + fields.get(c).getName());
      }
    } else {
      throw new IllegalArgumentException("no Java value can be written to " + describe(vector)
          + " at " + path);
    }
  }

  private long integer(Object value, Class<? extends Number> type, long min, long max,
      FieldVector vector, String path) {
    if (exact || !(value instanceof Byte || value instanceof Short || value instanceof Integer
        || value instanceof Long)) {
      return as(value, type, vector, path).longValue();
    }
    long v = ((Number) value).longValue();
    if (v < min || v > max) {
      throw new IllegalArgumentException(value + " at " + path + " does not fit "
          + describe(vector));
    }
    return v;
  }

  private double lossless(Object value, FieldVector vector, String path) {
    if (value instanceof Float || value instanceof Byte || value instanceof Short
        || value instanceof Integer) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Long l && (double) l == l && (long) (double) l == l) {
      return l;
    }
    throw mismatch(value, "a Double", vector, path);
  }

  private List<?> elements(Object value, FieldVector vector, String path) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        out.add(Array.get(value, i));
      }
      return out;
    }
    throw mismatch(value, "a java.util.List or an array", vector, path);
  }

  private static <T> T as(Object value, Class<T> type, FieldVector vector, String path) {
    if (!type.isInstance(value)) {
      throw mismatch(value, "a " + type.getName(), vector, path);
    }
    return type.cast(value);
  }

  private static IllegalArgumentException mismatch(Object value, String expected,
      FieldVector vector, String path) {
    String shown = value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value);
    return new IllegalArgumentException("a " + value.getClass().getName() + " (" + shown
        + ") at " + path + ", where " + describe(vector) + " needs " + expected);
  }

  private static String describe(FieldVector vector) {
    return dev.quiver.function.arrow.SparkTypes.typeName(vector.getField());
  }
}

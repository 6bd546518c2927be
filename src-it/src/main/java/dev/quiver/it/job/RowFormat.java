package dev.quiver.it.job;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * How {@link SqlJob} writes a row: its values separated by tabs; {@code NULL} for null, structs as
 * {@code {a,b}}, arrays as {@code [a,b]}, maps as {@code {k:v,k:v}}, decimals in plain notation,
 * binary as hex, everything else as {@link String#valueOf}. The tests write expected rows the same
 * way.
 */
public final class RowFormat {
  private RowFormat() {}

  public static String format(Row row) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      values.add(value(row.get(i)));
    }
    return String.join("\t", values);
  }

  static String value(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Row) {
      Row struct = (Row) value;
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < struct.length(); i++) {
        fields.add(value(struct.get(i)));
      }
      return "{" + String.join(",", fields) + "}";
    }
    if (value instanceof scala.collection.Map) {
      List<String> entries = new ArrayList<>();
      Iterator<?> it = ((scala.collection.Map<?, ?>) value).iterator();
      while (it.hasNext()) {
        Tuple2<?, ?> entry = (Tuple2<?, ?>) it.next();
        entries.add(value(entry._1()) + ":" + value(entry._2()));
      }
      return "{" + String.join(",", entries) + "}";
    }
    if (value instanceof scala.collection.Iterable) {
      List<String> elements = new ArrayList<>();
      Iterator<?> it = ((scala.collection.Iterable<?>) value).iterator();
      while (it.hasNext()) {
        elements.add(value(it.next()));
      }
      return "[" + String.join(",", elements) + "]";
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).toPlainString();
    }
    if (value instanceof byte[]) {
      StringBuilder hex = new StringBuilder();
      for (byte b : (byte[]) value) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    }
    return String.valueOf(value);
  }
}

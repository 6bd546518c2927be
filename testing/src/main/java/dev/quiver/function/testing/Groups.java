package dev.quiver.function.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of a harness's input grouped by key columns and sorted within each group, as a
 * cluster's shuffle and sort hand them to a table or co-group function: {@code PARTITION BY},
 * {@code groupBy} and {@code ORDER BY}, on Java values.
 */
final class Groups {
  private Groups() {}

  /**
   * The rows of {@code table} (null for none) by the values of their {@code keys} columns, in
   * order of first appearance, each group sorted by {@code order}: columns, each optionally
   * followed by {@code DESC}, nulls first.
   */
  static Map<List<Object>, List<List<?>>> byKey(Schema table, List<? extends List<?>> rows,
      List<String> keys, List<String> order) {
    int[] keyColumns = keys.stream().mapToInt(key -> column(table, key)).toArray();
    Comparator<List<?>> comparator = comparator(table, order);
    Map<List<Object>, List<List<?>>> groups = new LinkedHashMap<>();
    for (List<?> row : rows) {
      List<Object> key = new ArrayList<>();
      for (int c : keyColumns) {
        key.add(row.get(c));
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    if (comparator != null) {
      groups.values().forEach(group -> group.sort(comparator));
    }
    return groups;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<List<?>> comparator(Schema table, List<String> order) {
    Comparator<List<?>> comparator = null;
    for (String sort : order) {
      String[] words = sort.strip().split("\\s+");
      int c = column(table, words[0]);
      boolean descending = words.length > 1 && words[1].equalsIgnoreCase("desc");
      Comparator<List<?>> next = Comparator.comparing((List<?> row) -> (Comparable) row.get(c),
          Comparator.nullsFirst(Comparator.<Comparable>naturalOrder()));
      next = descending ? next.reversed() : next;
      comparator = comparator == null ? next : comparator.thenComparing(next);
    }
    return comparator;
  }

  private static int column(Schema table, String name) {
    if (table == null) {
      throw new IllegalStateException("partitionBy and orderBy need a table(...)");
    }
    String wanted = name.strip().replace("`", "").toLowerCase(Locale.ROOT);
    List<Field> fields = table.getFields();
    for (int c = 0; c < fields.size(); c++) {
      if (fields.get(c).getName().toLowerCase(Locale.ROOT).equals(wanted)) {
        return c;
      }
    }
    throw new IllegalArgumentException("the harness groups and orders by columns of its input "
        + "only; '" + name + "' is none of " + table);
  }
}

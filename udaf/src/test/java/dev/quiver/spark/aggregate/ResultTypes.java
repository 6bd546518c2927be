package dev.quiver.spark.aggregate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** q_describe(bigint): a struct of several types, returned as a Map or as an Object[]. */
public final class ResultTypes extends AggregateFixtures.CollectedValues {
  public ResultTypes() {
    super("q_describe", "struct<n:bigint,first_two:array<bigint>,small:map<string,bigint>,"
        + "smallest:decimal(10,2),day:date>");
  }

  @Override
  public Object finish(List<Long> state) {
    if (state.isEmpty()) {
      return new Object[] {0L, List.of(), Map.of(), null, null};
    }
    List<Long> sorted = sorted(state);
    Map<String, Object> small = new LinkedHashMap<>();
    long smallCount = sorted.stream().filter(v -> v < 10).count();
    if (smallCount > 0) {
      small.put("small", smallCount);
    }
    Map<String, Object> struct = new LinkedHashMap<>();
    struct.put("n", (long) sorted.size());
    struct.put("first_two", sorted.subList(0, Math.min(2, sorted.size())).toArray(new Long[0]));
    struct.put("small", small);
    struct.put("smallest", BigDecimal.valueOf(sorted.get(0)));
    struct.put("day", LocalDate.of(2024, 1, 1));
    return struct;
  }
}

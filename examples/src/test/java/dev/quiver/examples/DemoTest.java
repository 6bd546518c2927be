package dev.quiver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every query of the demo runs, and the demo shows what it promises. */
class DemoTest extends QuiverSession {

  @Test
  void everyDemoQueryRuns() throws IOException {
    Demo.createTables(spark());
    List<String> queries = Demo.demoQueries();
    assertTrue(queries.size() >= 10, queries.toString());
    for (String query : queries) {
      spark().sql(query).collectAsList();
    }
  }

  @Test
  void aggregatesNextToBuiltIns() throws IOException {
    Demo.createTables(spark());
    List<String> rows = spark().sql(Demo.demoQueries().stream()
            .filter(q -> q.contains("exact_median(reading)")).findFirst().orElseThrow())
        .collectAsList().stream().map(Row::toString).collect(Collectors.toList());
    assertEquals(List.of("[1,3,[3,40.66666666666667,41.96294661828324,100.0],12.0]",
        "[2,2,[2,6.0,1.0,7.0],6.0]"), rows);
  }
}

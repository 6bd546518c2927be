package dev.quiver.examples.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SummaryStatsTest extends QuiverSession {

  @Test
  void deviceReadings() {
    spark().sql("SELECT * FROM VALUES (1, 10), (1, 12), (1, 100), (2, 5), (2, 7) "
        + "AS readings(device_id, reading)").createOrReplaceTempView("readings");
    Dataset<Row> df = spark().sql("SELECT device_id, s.count, round(s.mean, 2), "
        + "round(s.stddev, 2), s.max FROM (SELECT device_id, summary_stats(reading) AS s "
        + "FROM readings GROUP BY device_id) ORDER BY device_id");
    assertEquals(List.of("[1,3,40.67,41.96,100.0]", "[2,2,6.0,1.0,7.0]"), strings(df));
  }

  @Test
  void matchesBuiltInAggregatesOverManyPartitions() {
    Dataset<Row> data = spark().range(0, 5000, 1, 5).selectExpr("id % 7 AS k",
        "if(id % 13 = 0, null, sin(id) * 1000 + 1e9) AS x");
    Dataset<Row> quiver = data.groupBy("k").agg(Quiver.call("summary_stats", col("x")).as("s"))
        .selectExpr("k", "s.count", "round(s.mean, 3)", "round(s.stddev, 3)", "s.max");
    Dataset<Row> builtin = data.groupBy("k").agg(org.apache.spark.sql.functions.count("x"),
        org.apache.spark.sql.functions.avg("x"), org.apache.spark.sql.functions.stddev_pop("x"),
        org.apache.spark.sql.functions.max("x"))
        .selectExpr("k", "`count(x)`", "round(`avg(x)`, 3)", "round(`stddev_pop(x)`, 3)",
            "`max(x)`");
    assertEquals(strings(builtin.orderBy("k")), strings(quiver.orderBy("k")));
  }

  @Test
  void emptyInput() {
    assertEquals(List.of("[[0,null,null,null]]"),
        strings(spark().sql("SELECT summary_stats(id) FROM range(0)")));
  }

  /** The function is plain Java over Arrow vectors: no Spark needed to test it. */
  @Test
  void simpleAndVectorizedFormsAgreeWithoutSpark() throws Exception {
    SummaryStats function = new SummaryStats();
    try (RootAllocator allocator = new RootAllocator();
        Float8Vector x = new Float8Vector("x", allocator);
        VectorSchemaRoot batch = VectorSchemaRoot.of(x)) {
      x.allocateNew(4);
      x.set(0, 10);
      x.set(1, 12);
      x.setNull(2);
      x.set(3, 100);
      x.setValueCount(4);
      batch.setRowCount(4);

      SummaryStats.Stats first = function.createState();
      function.update(first, batch);
      SummaryStats.Stats merged = function.merge(function.createState(),
          function.deserialize(function.serialize(first)));
      Object[] simple = (Object[]) function.finish(merged);
      assertEquals(3L, simple[0]);
      assertEquals(40.667, (double) simple[1], 1e-3);
      assertEquals(41.96, (double) simple[2], 1e-2);

      try (var accumulator = function.createGroupsAccumulator()) {
        accumulator.update(batch, new int[] {0, 1, 0, 0}, 2);
        accumulator.merge(1, first);
        try (StructVector result = (StructVector) accumulator.evaluate(2, allocator)) {
          assertEquals("{\"count\":2,\"mean\":55.0,\"stddev\":45.0,\"max\":100.0}",
              result.getObject(0).toString().replace(" ", ""));
          assertArrayEquals(new Object[] {4L, 33.5}, new Object[] {
              ((StructVector) result).getChild("count", org.apache.arrow.vector.BigIntVector.class)
                  .get(1),
              result.getChild("mean", Float8Vector.class).get(1)});
        }
      }
    }
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }
}

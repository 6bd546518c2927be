package dev.quiver.examples.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.table.QuiverTables;
import dev.quiver.spark.testing.QuiverSession;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The examples of Spark's documentation of vectorized Python table functions, in Java: the same
 * data, the same SQL, and exactly the same result tables.
 */
class SeedConformanceTest extends QuiverSession {

  @BeforeAll
  static void views() {
    view("v", "partition_key int, value int", new Object[][] {{1, 10}, {1, 30}, {2, 5}});
    view("purchases", "user_id int, amount int",
        new Object[][] {{1, 10}, {2, 5}, {1, 20}, {2, 15}, {3, 7}});
    view("reviews", "product_id int, review_id int, rating int, review string", new Object[][] {
        {101, 1, 5, "Amazing battery life"},
        {101, 2, 5, "Still great after a month"},
        {101, 3, 4, "Solid build"},
        {101, 4, 3, "Average sound"},
        {202, 5, 5, "My go-to lens"},
        {202, 6, 4, "Sharp and bright"},
        {202, 7, 4, "Great value"}});
    view("readings", "device_id int, reading int",
        new Object[][] {{1, 10}, {1, 12}, {1, 100}, {2, 5}, {2, 7}});
    view("docs", "doc_id int, text string",
        new Object[][] {{1, "spark is fast"}, {2, "arrow udtf"}});
  }

  private static void view(String name, String schema, Object[][] rows) {
    SparkSession spark = spark();
    List<Row> data = Arrays.stream(rows).map(RowFactory::create).collect(Collectors.toList());
    spark.createDataFrame(data, StructType.fromDDL(schema)).createOrReplaceTempView(name);
  }

  /** The result table: the header, then one line per row. */
  private static List<String> table(Dataset<Row> df) {
    List<String> out = new java.util.ArrayList<>();
    out.add(String.join("|", df.columns()));
    for (Row row : df.collectAsList()) {
      out.add(row.toString());
    }
    return out;
  }

  private static List<String> sql(String query) {
    return table(spark().sql(query));
  }

  @Test
  void thresholdFilter() {
    assertEquals(List.of("partition_key|value", "[1,30]"), sql("""
        SELECT *
        FROM threshold_filter(
          TABLE(v),
          10
        )
        ORDER BY partition_key, value
        """));
  }

  @Test
  void sumPerUser() {
    assertEquals(List.of("user_id|total_amount|rows", "[1,30,2]", "[2,20,2]", "[3,7,1]"), sql("""
        SELECT *
        FROM sum_per_user(
          TABLE(purchases)
          PARTITION BY user_id
        )
        ORDER BY user_id
        """));
  }

  @Test
  void topReviewsPerProduct() {
    assertEquals(List.of("product_id|review_id|rating|review",
        "[101,1,5,Amazing battery life]",
        "[101,2,5,Still great after a month]",
        "[101,3,4,Solid build]",
        "[202,5,5,My go-to lens]",
        "[202,6,4,Sharp and bright]",
        "[202,7,4,Great value]"), sql("""
        SELECT *
        FROM top_reviews_per_product(
          TABLE(reviews)
          PARTITION BY (product_id)
          ORDER BY (rating DESC, review_id)
        )
        ORDER BY product_id, rating DESC, review_id
        """));
  }

  @Test
  void deviceStats() {
    assertEquals(List.of("device_id|count|mean|stddev|max_value", "[1,3,40.67,41.96,100]",
        "[2,2,6.0,1.0,7]"), sql("""
        SELECT *
        FROM device_stats(
          TABLE(readings)
          PARTITION BY device_id
        )
        ORDER BY device_id
        """));
  }

  @Test
  void tokenize() {
    assertEquals(List.of("doc_id|word", "[1,fast]", "[1,is]", "[1,spark]", "[2,arrow]",
        "[2,udtf]"), sql("SELECT * FROM tokenize(TABLE(docs)) ORDER BY doc_id, word"));
  }

  @Test
  void echoTableFromTheDatasetApiAndSql() {
    List<String> expected = List.of("value", "[0]", "[1]", "[2]", "[3]", "[4]");
    Dataset<Row> df = spark().range(5).selectExpr("id as value");
    assertEquals(expected,
        table(QuiverTables.call(spark(), "echo_table", QuiverTables.asTable(df)).orderBy("value")));
    assertEquals(expected, sql("SELECT * FROM echo_table(TABLE(SELECT CAST(id AS INT) AS value "
        + "FROM range(5))) ORDER BY value"));
  }
}

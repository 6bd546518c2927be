package dev.quiver.examples.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls the example table functions cannot serve fail at analysis with a message naming the
 * function and what the call lacks, instead of a task failure or a silently wrong result.
 */
class ExampleCallsTest extends QuiverSession {
  private static final String INVALID = "QUIVER_INVALID_CALL";
  private static final String STATE = "42K09";

  @BeforeAll
  static void views() {
    spark().sql("SELECT * FROM VALUES (1, 10), (2, 5), (1, 20) AS p(user_id, amount)")
        .createOrReplaceTempView("p");
    spark().sql("SELECT * FROM VALUES (1, 10L), (2, 5L) AS r(device_id, reading)")
        .createOrReplaceTempView("r");
    spark().sql("SELECT * FROM VALUES (101, 1, 5, 'good'), (101, 2, 4, 'fine') "
        + "AS rv(product_id, review_id, rating, review)").createOrReplaceTempView("rv");
    spark().sql("SELECT 'A' AS sensor_id, 's1' AS session_id, id / 8.0 AS time, "
        + "8 AS sampling_rate, sin(id) AS signal_value FROM range(32)")
        .createOrReplaceTempView("sig");
  }

  private static String invalid(String sql, String... parts) {
    AnalysisException e = analysisError(sql, INVALID, STATE);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
    return e.getMessage();
  }

  @Test
  void perGroupFunctionsNeedTheirPartitionBy() {
    invalid("SELECT * FROM sum_per_user(TABLE(p))", "Quiver function `sum_per_user`",
        "needs PARTITION BY user_id, not no PARTITION BY",
        "sum_per_user(TABLE(purchases) PARTITION BY user_id)");
    invalid("SELECT * FROM sum_per_user(TABLE(p) PARTITION BY amount)",
        "not PARTITION BY [amount]");
    invalid("SELECT * FROM sum_per_user(TABLE(p) WITH SINGLE PARTITION)",
        "not WITH SINGLE PARTITION");
    invalid("SELECT * FROM device_stats(TABLE(r))", "`device_stats`",
        "needs PARTITION BY device_id");
    invalid("SELECT * FROM top_reviews_per_product(TABLE(rv) PARTITION BY product_id)",
        "`top_reviews_per_product`", "needs an ORDER BY");
    invalid("SELECT * FROM top_reviews_per_product(TABLE(rv) WITH SINGLE PARTITION "
        + "ORDER BY rating)", "needs PARTITION BY product_id");
    invalid("SELECT * FROM spectrogram(TABLE(sig) PARTITION BY sensor_id ORDER BY time)",
        "`spectrogram`", "needs PARTITION BY (sensor_id, session_id)");
    invalid("SELECT * FROM spectrogram(TABLE(sig) PARTITION BY (sensor_id, session_id))",
        "needs ORDER BY time, not no ORDER BY");
    invalid("SELECT * FROM spectrogram(TABLE(sig) PARTITION BY (sensor_id, session_id) "
        + "ORDER BY time DESC)", "needs ORDER BY time");
    // The calls as documented, qualified or not, still run.
    assertEquals(List.of("[1,30,2]", "[2,5,1]"), rows("SELECT * FROM sum_per_user("
        + "TABLE(p) PARTITION BY p.user_id) ORDER BY user_id"));
    assertEquals(List.of("[1,1,10.0,0.0,10]", "[2,1,5.0,0.0,5]"), rows("SELECT * FROM "
        + "device_stats(TABLE(r) PARTITION BY (device_id)) ORDER BY device_id"));
    assertEquals(1, rows("SELECT * FROM spectrogram(TABLE(sig) PARTITION BY "
        + "(session_id, sensor_id) ORDER BY time ASC)").size());
  }

  @Test
  void columnsAndTypesAreChecked() {
    invalid("SELECT * FROM sum_per_user(TABLE(SELECT user_id, amount * 1L AS amount FROM p) "
        + "PARTITION BY user_id)", "`sum_per_user`",
        "needs the column amount to be of type int, not bigint",
        "it has (user_id INT NOT NULL, amount BIGINT NOT NULL)");
    invalid("SELECT * FROM sum_per_user(TABLE(SELECT user_id FROM p) PARTITION BY user_id)",
        "needs a column amount");
    invalid("SELECT * FROM device_stats(TABLE(SELECT device_id, 'x' AS reading FROM r) "
        + "PARTITION BY device_id)", "the column reading to be an integer, not string");
    invalid("SELECT * FROM tokenize(TABLE(SELECT 1 AS doc_id, 2 AS text))", "`tokenize`",
        "the column text to be of type string, not int");
    invalid("SELECT * FROM tokenize(1)", "needs a TABLE argument: tokenize(TABLE(docs))");
    invalid("SELECT * FROM spectrogram(TABLE(SELECT sensor_id, session_id, time, sampling_rate, "
        + "'loud' AS signal_value FROM sig))", "the column signal_value to be a number");
    invalid("SELECT * FROM top_reviews_per_product(TABLE(SELECT product_id, review_id, rating "
        + "FROM rv) PARTITION BY product_id ORDER BY rating)", "needs a column review");
    invalid("SELECT * FROM threshold_filter(TABLE(SELECT user_id AS partition_key, amount AS "
        + "value FROM p), null)", "`threshold_filter`", "the threshold must be a constant number");
    invalid("SELECT * FROM threshold_filter(TABLE(p), 3)", "needs a column partition_key and "
        + "a column value");
    invalid("SELECT * FROM echo_table(TABLE(SELECT 'a' AS value))", "`echo_table`",
        "the column value to be an integer, not string");
  }

  @Test
  void describeShowsUsageAndExamples() {
    for (String f : List.of("sum_per_user", "device_stats", "top_reviews_per_product",
        "tokenize", "spectrogram", "threshold_filter", "echo_table")) {
      String text = String.join("\n", rows("DESCRIBE FUNCTION EXTENDED " + f));
      assertTrue(text.contains("Quiver table function: " + f + "(TABLE(...)"), text);
      assertTrue(text.contains("Examples:\n      SELECT * FROM " + f + "(TABLE("), text);
    }
    String brief = String.join("\n", rows("DESCRIBE FUNCTION sum_per_user"));
    assertTrue(brief.contains("The total amount and row count per user_id"), brief);
  }

  private static List<String> rows(String sql) {
    return spark().sql(sql).collectAsList().stream().map(r -> r.size() == 1
        ? String.valueOf(r.get(0)) : r.toString()).collect(Collectors.toList());
  }
}

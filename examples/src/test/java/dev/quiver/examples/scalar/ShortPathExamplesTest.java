package dev.quiver.examples.scalar;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.testing.ScalarHarness;
import dev.quiver.spark.Quiver;
import dev.quiver.spark.testing.QuiverSession;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The scalar examples on the short path: the README's quick start class as printed there, and
 * mask_digits, each through the test harness and then in Spark.
 */
class ShortPathExamplesTest extends QuiverSession {

  @Test
  void quickStartPlusOne() {
    assertEquals(Arrays.asList(2.0, null, 4.0), ScalarHarness.of(new PlusOne()).call(1.0, null,
        3.0));
    // Registered as an instance, as the README shows: the lambda ships to the executors.
    Quiver.Function plusOne = Quiver.register(spark(), "quick_start_plus_one", new PlusOne());
    Dataset<Row> items = spark().sql("SELECT * FROM VALUES (1.5), (NULL), (9.5) AS items(price)");
    assertEquals(List.of("[2.5]", "[null]", "[10.5]"), strings(items.select(plusOne.call(
        col("price")))));
    assertEquals(List.of("[10.5]"), strings(items.where(plusOne.call(col("price")).gt(10))
        .select(plusOne.call(col("price")))));
  }

  @Test
  void maskDigitsKeepsTheLastFour() {
    assertEquals(Arrays.asList("#### #### #### 1234", null, "", "no digits", "12", "+## (#) 5678",
        "Grüße ##-3456"), ScalarHarness.of(MaskDigits::new).batchSize(3).call(
            "4111 1111 1111 1234", null, "", "no digits", "12", "+44 (0) 5678", "Grüße 12-3456"));
    assertEquals(List.of("[#### #### #### 1234]", "[null]"), strings(spark().sql(
        "SELECT mask_digits(c) FROM VALUES ('4111 1111 1111 1234'), (NULL) AS t(c)")));
  }

  private static List<String> strings(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }
}

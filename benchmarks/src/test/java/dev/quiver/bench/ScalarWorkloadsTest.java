package dev.quiver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.testing.ScalarHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's Quiver functions compute what their row-at-a-time contenders compute. */
class ScalarWorkloadsTest {

  @Test
  void upperSuffixAgreesWithTheUdfOnAsciiOtherTextAndNullsInBatchesOfEachKind() {
    // Batches of 3: all ASCII, ASCII with a null, one with non-ASCII text, and a last short one.
    List<Object> values = Arrays.asList("name_1", "", "abc-XYZ", "name_2", null, "z",
        "straße", "ǆ", "é", "tail", null);
    List<Object> expected = new ArrayList<>();
    ScalarWorkloads.UpperSuffixUdf udf = new ScalarWorkloads.UpperSuffixUdf();
    for (Object v : values) {
      expected.add(udf.call((String) v));
    }
    assertEquals(expected, ScalarHarness.of(ScalarWorkloads.UpperSuffix::new).batchSize(3)
        .call(values.toArray()));
    assertEquals(expected, ScalarHarness.of(ScalarWorkloads.UpperSuffix::new)
        .call(values.toArray()));
  }

  @Test
  void arithmeticAndNormalCdfAgreeWithTheirUdfs() throws Exception {
    Object[] values = {-3.5, 0.0, null, 1.25, 2e10};
    List<Object> arith = new ArrayList<>();
    List<Object> cdf = new ArrayList<>();
    for (Object v : values) {
      arith.add(new ScalarWorkloads.ArithmeticUdf().call((Double) v));
      cdf.add(new ScalarWorkloads.NormalCdfUdf().call((Double) v));
    }
    assertEquals(arith, ScalarHarness.of(ScalarWorkloads.Arithmetic::new).batchSize(2)
        .call(values));
    assertEquals(cdf, ScalarHarness.of(ScalarWorkloads.NormalCdf::new).batchSize(2)
        .call(values));
  }
}

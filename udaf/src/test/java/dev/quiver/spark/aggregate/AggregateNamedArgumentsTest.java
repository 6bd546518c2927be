package dev.quiver.spark.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.testing.QuiverSession;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Named arguments of aggregate functions follow Spark's rules and raise its error classes. */
class AggregateNamedArgumentsTest extends QuiverSession {
  private static final String ROUTINE = "4274K";

  /** weighted_sum(value, weight): the sum of value * weight; weight optional, 1 when NULL. */
  public static final class WeightedSum extends AggregateFixtures.LongState {
    public WeightedSum() {
      super("weighted_sum", true, "bigint", "bigint");
      namedParameters(1, "value", "weight");
    }

    @Override
    public void update(long[] state, VectorSchemaRoot args) {
      BigIntVector values = (BigIntVector) args.getVector(0);
      BigIntVector weights = (BigIntVector) args.getVector(1);
      for (int i = 0; i < args.getRowCount(); i++) {
        if (!values.isNull(i)) {
          state[0] += values.get(i) * (weights.isNull(i) ? 1 : weights.get(i));
        }
      }
    }
  }

  @BeforeAll
  static void register() {
    ensureRegistered(new WeightedSum());
  }

  /** Over the values 1, 2, 3 and 4, whose sum is 10. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "weighted_sum(id, 2) | 20",
      "weighted_sum(weight => 2, value => id) | 20",
      "weighted_sum(value => id) | 10",
      "weighted_sum(value => id) FILTER (WHERE id < 4) | 6"})
  void positionalNamedAndOptional(String call, String expected) {
    assertEquals(expected, firstValue("SELECT " + call + " FROM range(1, 5)"), call);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "weighted_sum(value => id, 2) | UNEXPECTED_POSITIONAL_ARGUMENT",
      "weighted_sum(value => id, value => id) | DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT"
          + ".DOUBLE_NAMED_ARGUMENT_REFERENCE",
      "weighted_sum(id, value => id) | DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT"
          + ".BOTH_POSITIONAL_AND_NAMED",
      "weighted_sum(id, weigth => 2) | UNRECOGNIZED_PARAMETER_NAME",
      "weighted_sum(weight => 2) | REQUIRED_PARAMETER_NOT_FOUND",
      "q_sum(value => id) | NAMED_PARAMETERS_NOT_SUPPORTED"})
  void everyErrorClass(String call, String errorClass) {
    analysisError("SELECT " + call + " FROM range(3)", errorClass, ROUTINE);
  }
}

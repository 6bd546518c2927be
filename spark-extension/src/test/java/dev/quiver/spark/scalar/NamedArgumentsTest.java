package dev.quiver.spark.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.testing.FixtureFunction;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Named arguments of scalar functions follow Spark's rules and raise Spark's error classes. */
class NamedArgumentsTest extends QuiverSession {
  private static final String ROUTINE = "4274K";

  /** scaled(value, factor): value * factor; factor is optional and taken as 1 when NULL. */
  public static final class Scaled extends FixtureFunction {
    public Scaled() {
      super("scaled", "double", List.of("double", "double"));
      namedParameters(1, "value", "factor");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) throws Exception {
      Float8Vector value = (Float8Vector) args.getVector(0);
      Float8Vector factor = (Float8Vector) args.getVector(1);
      return fill(new Float8Vector("scaled", allocator), args.getRowCount(), (out, i) -> {
        if (value.isNull(i)) {
          out.setNull(i);
        } else {
          out.set(i, value.get(i) * (factor.isNull(i) ? 1 : factor.get(i)));
        }
      });
    }
  }

  @BeforeAll
  static void register() {
    ensureRegistered(new Scaled());
  }

  @Test
  void positionalNamedAndOptional() {
    assertEquals("6.0", firstValue("SELECT scaled(2, 3)"));
    assertEquals("6.0", firstValue("SELECT scaled(factor => 3, value => 2)"));
    assertEquals("6.0", firstValue("SELECT scaled(2, factor => 3)"));
    assertEquals("2.0", firstValue("SELECT scaled(value => 2)"));
    assertEquals("2.0", firstValue("SELECT scaled(2)"));
    // Names match case-insensitively from Spark 4.1 on; 4.0 compares them exactly, for its own
    // functions too.
    if (dev.quiver.spark.shims.SparkShims.version().atLeast(4, 1)) {
      assertEquals("[4.0]", spark().sql("SELECT scaled(VALUE => id, factor => 2) FROM range(2, 3)")
          .collectAsList().get(0).toString());
    }
  }

  @Test
  void positionalAfterNamed() {
    String message = analysisError("SELECT scaled(value => 2, 3)",
        "UNEXPECTED_POSITIONAL_ARGUMENT", ROUTINE).getMessage();
    assertTrue(message.contains("`scaled`"), message);
  }

  @Test
  void parameterTwice() {
    analysisError("SELECT scaled(value => 2, value => 3)",
        "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.DOUBLE_NAMED_ARGUMENT_REFERENCE", ROUTINE);
    analysisError("SELECT scaled(2, value => 3)",
        "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT.BOTH_POSITIONAL_AND_NAMED", ROUTINE);
  }

  @Test
  void unknownName() {
    String message = analysisError("SELECT scaled(2, fator => 3)", "UNRECOGNIZED_PARAMETER_NAME",
        ROUTINE).getMessage();
    assertTrue(message.contains("`scaled`") && message.contains("`factor`"), message);
  }

  @Test
  void requiredMissing() {
    String message = analysisError("SELECT scaled(factor => 3)", "REQUIRED_PARAMETER_NOT_FOUND",
        ROUTINE).getMessage();
    assertTrue(message.contains("`value`"), message);
  }

  @Test
  void tooManyArguments() {
    analysisError("SELECT scaled(1, 2, 3)", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605");
  }

  @Test
  void functionWithoutParameterNamesTakesNoNamedArguments() {
    analysisError("SELECT plus_one(x => 1)", "NAMED_PARAMETERS_NOT_SUPPORTED", ROUTINE);
  }
}

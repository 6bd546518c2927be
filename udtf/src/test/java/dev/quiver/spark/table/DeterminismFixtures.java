package dev.quiver.spark.table;

import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Table functions for the determinism tests, registered as instances by the tests. */
final class DeterminismFixtures {
  private DeterminismFixtures() {}

  /** Declares itself non-deterministic. */
  private abstract static class NonDeterministic extends DeclaredFunction
      implements TableFunction {
    NonDeterministic(String name, String resultSchema) {
      super(name, resultSchema);
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }
  }

  /** {@code tag_rows(TABLE(t))}: each row's bigint column {@code x} with a random number. */
  public static final class TagRows extends NonDeterministic {
    public TagRows() {
      super("tag_rows", "x bigint, r double");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      BigIntVector x = (BigIntVector) table.getVector("x");
      for (int i = 0; i < table.getRowCount(); i++) {
        out.emitRow(x.get(i), ThreadLocalRandom.current().nextDouble());
      }
    }
  }

  /** {@code random_series(n)}: n rows of random numbers. */
  public static final class RandomSeries extends NonDeterministic {
    public RandomSeries() {
      super("random_series", "i int, r double");
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      for (int i = 0; i < arguments.getInt(0); i++) {
        out.emitRow(i, ThreadLocalRandom.current().nextDouble());
      }
    }
  }

  /** Analyze asks for PARTITION BY k ORDER BY rand(42); emits like {@link TableFixtures.Trace}. */
  public static final class RandomOrder extends TableFixtures.Trace {
    public RandomOrder() {
      super("random_order", "k", "rand(42)");
    }
  }
}

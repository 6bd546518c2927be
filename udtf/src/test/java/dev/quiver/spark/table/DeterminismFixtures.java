package dev.quiver.spark.table;

import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Table functions for the determinism tests, registered as instances by the tests. */
final class DeterminismFixtures {
  private DeterminismFixtures() {}

  /** {@code tag_rows(TABLE(t))}: each row's bigint column {@code x} with a random number. */
  public static final class TagRows implements TableFunction {
    @Override
    public String name() {
      return "tag_rows";
    }

    @Override
    public String resultSchema() {
      return "x bigint, r double";
    }

    @Override
    public boolean isDeterministic() {
      return false;
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
  public static final class RandomSeries implements TableFunction {
    @Override
    public String name() {
      return "random_series";
    }

    @Override
    public String resultSchema() {
      return "i int, r double";
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }

    @Override
    public void eval(VectorSchemaRoot table, Arguments arguments, Emitter out) {
      for (int i = 0; i < arguments.getInt(0); i++) {
        out.emitRow(i, ThreadLocalRandom.current().nextDouble());
      }
    }
  }

  /** Analyze asks for PARTITION BY k ORDER BY rand(42); emits like {@link TableFixtures.Trace}. */
  public static final class RandomOrder extends TableFixtures.Traced {
    @Override
    public String name() {
      return "random_order";
    }

    @Override
    public AnalyzeResult analyze(AnalyzeArguments call) {
      return AnalyzeResult.of(schema()).partitionBy("k").orderBy("rand(42)");
    }
  }
}

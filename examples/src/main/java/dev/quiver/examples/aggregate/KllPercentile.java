package dev.quiver.examples.aggregate;

import dev.quiver.function.InvalidCallException;
import dev.quiver.function.aggregate.AbstractAggregateFunction;
import dev.quiver.function.aggregate.MergeableAggregateFunction;
import java.io.Serializable;
import java.util.List;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * {@code kll_percentile(value, fraction)}: an approximate percentile of the non-null values, from
 * an Apache DataSketches KLL sketch. A sketch keeps a few kilobytes per group however many values
 * it sees, and two sketches merge into one with the same error guarantee, so the aggregate runs in
 * two phases like a built-in one. With the default {@code k = 200} the rank of the returned value
 * is within about 1.65% of {@code fraction} for 99% of inputs.
 *
 * <pre>{@code
 * SELECT endpoint, kll_percentile(latency_ms, 0.99) AS p99 FROM requests GROUP BY endpoint
 *
 * requests.groupBy("endpoint")
 *     .agg(Quiver.call("kll_percentile", col("latency_ms"), lit(0.99)).as("p99"))
 * }</pre>
 *
 * <p>{@code fraction} must be a constant between 0 and 1. The library ships with Spark 4.1 and
 * later (datasketches-java 6.2 on datasketches-memory 3.0), which runs on Java 17 without extra
 * JVM flags as long as sketches live on the heap, as they do here.
 *
 * <p>The states cross the shuffle through the standard state codec: a {@link Sketch} is
 * {@link Serializable} as the sketch's own compact bytes and the fraction, so the function
 * writes no {@code serialize} or {@code deserialize}.
 */
public final class KllPercentile extends AbstractAggregateFunction<KllPercentile.Sketch>
    implements MergeableAggregateFunction<KllPercentile.Sketch> {
  private static final long serialVersionUID = 1L;
  static final int K = 200;

  /** The state of one group: its sketch, and the fraction asked for. */
  public static final class Sketch implements Serializable {
    private static final long serialVersionUID = 1L;
    final transient KllDoublesSketch sketch;
    double fraction = Double.NaN;

    Sketch(KllDoublesSketch sketch) {
      this.sketch = sketch;
    }

    /** Serialized as {@link Serialized}: the sketch is not Serializable, its bytes are. */
    private Object writeReplace() {
      return new Serialized(fraction, sketch.toByteArray());
    }
  }

  /** A {@link Sketch} in the shuffle: the fraction and the sketch's own serialized form. */
  private record Serialized(double fraction, byte[] sketch) implements Serializable {
    private Object readResolve() {
      Sketch state = new Sketch(KllDoublesSketch.heapify(Memory.wrap(sketch)));
      state.fraction = fraction;
      return state;
    }
  }

  /** {@code kll_percentile(value double, fraction double)} returns double. */
  public KllPercentile() {
    super("kll_percentile", "double", "double", "double");
  }

  @Override
  public String description() {
    return "An approximate percentile from a KLL sketch: kll_percentile(value, fraction).\n"
        + "SELECT kll_percentile(latency_ms, 0.99) FROM requests";
  }

  /** One fraction per call: a column of fractions would have every group use its first one. */
  @Override
  public List<Integer> constantArguments() {
    return List.of(1);
  }

  @Override
  public void checkConstantArgument(int position, Object fraction) {
    if (!(fraction instanceof Double f && f >= 0 && f <= 1)) {
      throw new InvalidCallException("the fraction must be a number between 0 and 1, got "
          + fraction + ": kll_percentile(value, 0.99)");
    }
  }

  @Override
  public Sketch createState() {
    return new Sketch(KllDoublesSketch.newHeapInstance(K));
  }

  @Override
  public void update(Sketch state, VectorSchemaRoot args) {
    Float8Vector values = (Float8Vector) args.getVector(0);
    Float8Vector fractions = (Float8Vector) args.getVector(1);
    for (int i = 0; i < args.getRowCount(); i++) {
      if (Double.isNaN(state.fraction) && !fractions.isNull(i)) {
        state.fraction = checkFraction(fractions.get(i));
      }
      if (!values.isNull(i)) {
        state.sketch.update(values.get(i));
      }
    }
  }

  @Override
  public Sketch merge(Sketch state, Sketch other) {
    state.sketch.merge(other.sketch);
    if (Double.isNaN(state.fraction)) {
      state.fraction = other.fraction;
    }
    return state;
  }

  @Override
  public Object finish(Sketch state) {
    if (state.sketch.isEmpty() || Double.isNaN(state.fraction)) {
      return null;
    }
    return state.sketch.getQuantile(state.fraction);
  }

  @Override
  public long stateSize(Sketch state) {
    return 64L + state.sketch.getSerializedSizeBytes();
  }

  private static double checkFraction(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("the fraction must be between 0 and 1, got " + fraction);
    }
    return fraction;
  }
}

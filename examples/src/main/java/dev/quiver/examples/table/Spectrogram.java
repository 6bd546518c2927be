package dev.quiver.examples.table;

import dev.quiver.function.InvalidCallException;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.TableFunction;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The power spectral density of each sensor's signal in a recording session, averaged over time:
 * what {@code scipy.signal.spectrogram(values, fs, window='hann', nperseg=fs, noverlap=None,
 * mode='psd')} followed by {@code np.nanmean(Sxx, axis=1)} computes. Segments of
 * {@code nperseg = sampling_rate} samples overlapping by {@code nperseg / 8}, each with its mean
 * removed and a periodic Hann window applied; one-sided density scaling.
 *
 * <p>Input columns: {@code sensor_id string, session_id string, time} (any orderable type),
 * {@code sampling_rate} (a number, the same for the whole group) and {@code signal_value} (a
 * number). One output row per group.
 *
 * <pre>{@code
 * -- analyze() partitions by (sensor_id, session_id) and orders by time when the call does not
 * SELECT * FROM spectrogram(TABLE(signals))
 * SELECT * FROM spectrogram(TABLE(signals) PARTITION BY (sensor_id, session_id) ORDER BY time)
 *
 * // the grouped map of the Dataset API
 * QuiverTables.groupBy(signals, col("sensor_id"), col("session_id")).orderBy(col("time"))
 *     .applyInArrow(new Spectrogram());
 * }</pre>
 *
 * Segments are transformed as soon as they are complete, so a group of any length streams
 * through in memory proportional to {@code nperseg}. The FFT is Apache Commons Math's, which
 * takes power-of-two lengths; other lengths go through Bluestein's algorithm on top of it.
 */
public final class Spectrogram implements TableFunction {
  private static final String SCHEMA =
      "sensor_id string, session_id string, psd array<float>, frequencies array<float>";

  private static final String USAGE = "spectrogram(TABLE(signals)) or spectrogram(TABLE(signals) "
      + "PARTITION BY (sensor_id, session_id) ORDER BY time)";

  private String sensor;
  private String session;
  private Welch welch;

  @Override
  public String name() {
    return "spectrogram";
  }

  @Override
  public String description() {
    return "The time-averaged power spectral density (Welch, Hann window, nperseg = "
        + "sampling_rate) per (sensor_id, session_id) of a TABLE(sensor_id, session_id, time, "
        + "sampling_rate, signal_value).\n"
        + "SELECT * FROM spectrogram(TABLE(signals))\n"
        + "SELECT * FROM spectrogram(TABLE(signals) PARTITION BY (sensor_id, session_id) "
        + "ORDER BY time)";
  }

  @Override
  public AnalyzeResult analyze(AnalyzeArguments call) {
    Calls.requireColumns(call, USAGE, "sensor_id", Calls.ANY, "session_id", Calls.ANY, "time",
        Calls.ANY, "sampling_rate", Calls.NUMBER, "signal_value", Calls.NUMBER);
    AnalyzeResult result = AnalyzeResult.of(SCHEMA);
    if (!call.partitioned()) {
      return result.partitionBy("sensor_id", "session_id").orderBy("time");
    }
    // A call that partitions itself must do it as analyze would: the spectrum is per sensor and
    // session, and the segments are cut from the signal in time order.
    Calls.requirePartitionBy(call, USAGE, "sensor_id", "session_id");
    if (!call.orderedBy("time")) {
      throw new InvalidCallException("it reads each signal in time order, so a call with "
          + "PARTITION BY needs ORDER BY time, not " + (call.orderBy().isEmpty() ? "no ORDER BY"
          : "ORDER BY " + call.orderBy()) + ": " + USAGE);
    }
    return result;
  }

  @Override
  public void startGroup() {
    sensor = null;
    session = null;
    welch = null;
  }

  @Override
  public void eval(VectorSchemaRoot batch, Arguments arguments, Emitter out) {
    FieldVector values = batch.getVector("signal_value");
    if (welch == null && batch.getRowCount() > 0) {
      sensor = text(batch.getVector("sensor_id"), 0);
      session = text(batch.getVector("session_id"), 0);
      Object rate = batch.getVector("sampling_rate").getObject(0);
      if (!(rate instanceof Number number) || number.doubleValue() < 2) {
        throw new IllegalArgumentException("sampling_rate must be a number of at least 2, got "
            + rate + " for sensor " + sensor);
      }
      welch = new Welch((int) Math.round(number.doubleValue()));
    }
    for (int i = 0; i < batch.getRowCount(); i++) {
      Object value = values.getObject(i);
      if (value != null) {
        welch.add(((Number) value).doubleValue());
      }
    }
  }

  @Override
  public void terminate(Emitter out) {
    if (welch != null) {
      out.emitRow(sensor, session, welch.psd(), welch.frequencies());
    }
  }

  private static String text(FieldVector vector, int row) {
    Object value = vector.getObject(row);
    return value == null ? null : value.toString();
  }

  /** Welch's average of Hann-windowed periodograms, fed one sample at a time. */
  static final class Welch {
    private final int nperseg;
    private final int step;
    private final double fs;
    private final double[] window;
    private final double scale;
    private final double[] segment;
    private final double[] sum;
    private int filled;
    private int segments;

    Welch(int samplingRate) {
      this.nperseg = samplingRate;
      this.fs = samplingRate;
      this.step = nperseg - nperseg / 8;
      this.window = new double[nperseg];
      double squares = 0;
      for (int n = 0; n < nperseg; n++) {
        window[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / nperseg); // periodic, as scipy's
        squares += window[n] * window[n];
      }
      this.scale = 1.0 / (fs * squares);
      this.segment = new double[nperseg];
      this.sum = new double[nperseg / 2 + 1];
    }

    void add(double value) {
      segment[filled++] = value;
      if (filled == nperseg) {
        accumulate();
        System.arraycopy(segment, step, segment, 0, nperseg - step);
        filled = nperseg - step;
      }
    }

    private void accumulate() {
      double mean = 0;
      for (double v : segment) {
        mean += v;
      }
      mean /= nperseg;
      double[] x = new double[nperseg];
      for (int n = 0; n < nperseg; n++) {
        x[n] = (segment[n] - mean) * window[n];
      }
      Complex[] spectrum = Fft.forward(x);
      for (int k = 0; k < sum.length; k++) {
        double power = spectrum[k].getReal() * spectrum[k].getReal()
            + spectrum[k].getImaginary() * spectrum[k].getImaginary();
        boolean unpaired = k == 0 || (nperseg % 2 == 0 && k == nperseg / 2);
        sum[k] += power * scale * (unpaired ? 1 : 2);
      }
      segments++;
    }

    /** The mean density per frequency; NaN where the signal is shorter than one segment. */
    float[] psd() {
      float[] out = new float[sum.length];
      for (int k = 0; k < out.length; k++) {
        out[k] = segments == 0 ? Float.NaN : (float) (sum[k] / segments);
      }
      return out;
    }

    float[] frequencies() {
      float[] out = new float[sum.length];
      for (int k = 0; k < out.length; k++) {
        out[k] = (float) (k * fs / nperseg);
      }
      return out;
    }
  }

  /** Forward DFT of real input of any length with Commons Math's radix-2 FFT. */
  static final class Fft {
    private static final FastFourierTransformer FFT =
        new FastFourierTransformer(DftNormalization.STANDARD);

    private Fft() {}

    static Complex[] forward(double[] x) {
      int n = x.length;
      if (Integer.bitCount(n) == 1) {
        return FFT.transform(x, TransformType.FORWARD);
      }
      // Bluestein: X_k = w_k * sum_j (x_j w_j) conj(w_{k-j}), with w_j = exp(-i pi j^2 / n),
      // a convolution computed with power-of-two FFTs.
      int m = Integer.highestOneBit(2 * n - 1) << 1;
      Complex[] w = new Complex[n];
      for (int j = 0; j < n; j++) {
        long jj = (long) j * j % (2L * n); // keeps the angle exact for long inputs
        double angle = -Math.PI * jj / n;
        w[j] = new Complex(Math.cos(angle), Math.sin(angle));
      }
      Complex[] a = new Complex[m];
      Complex[] b = new Complex[m];
      for (int j = 0; j < m; j++) {
        a[j] = j < n ? w[j].multiply(x[j]) : Complex.ZERO;
        b[j] = Complex.ZERO;
      }
      b[0] = w[0].conjugate();
      for (int j = 1; j < n; j++) {
        b[j] = w[j].conjugate();
        b[m - j] = w[j].conjugate();
      }
      Complex[] fa = FFT.transform(a, TransformType.FORWARD);
      Complex[] fb = FFT.transform(b, TransformType.FORWARD);
      for (int k = 0; k < m; k++) {
        fa[k] = fa[k].multiply(fb[k]);
      }
      Complex[] convolution = FFT.transform(fa, TransformType.INVERSE);
      Complex[] out = new Complex[n];
      for (int k = 0; k < n; k++) {
        out[k] = w[k].multiply(convolution[k]);
      }
      return out;
    }
  }
}

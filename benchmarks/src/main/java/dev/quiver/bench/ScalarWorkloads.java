package dev.quiver.bench;

import dev.quiver.function.ScalarFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The scalar workloads of the benchmark, as Quiver functions and as JVM row-at-a-time UDFs. Each
 * computes exactly what the built-in SQL of the same workload computes.
 */
public final class ScalarWorkloads {
  private ScalarWorkloads() {}

  /**
   * erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): Spark SQL has no erf, so
   * every contender, built-in SQL included, evaluates this same polynomial.
   */
  static double erf(double x) {
    double sign = x < 0 ? -1 : 1;
    double ax = Math.abs(x);
    double t = 1.0 / (1.0 + 0.3275911 * ax);
    double y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
        + 0.254829592) * t * Math.exp(-ax * ax);
    return sign * y;
  }

  static double normalCdf(double x) {
    return 0.5 * (1 + erf(x / Math.sqrt(2)));
  }

  /**
   * A {@code double} contender: one argument and the result of that type, allocated for the batch
   * around {@link #compute}, which sets its values and validity.
   */
  abstract static class DoubleContender implements ScalarFunction {
    @Override
    public String resultType() {
      return "double";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("double");
    }

    @Override
    public final FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      Float8Vector in = (Float8Vector) args.getVector(0);
      int rows = args.getRowCount();
      Float8Vector out = new Float8Vector("r", allocator);
      out.allocateNew(rows);
      compute(in, out, rows);
      out.setValueCount(rows);
      return out;
    }

    abstract void compute(Float8Vector in, Float8Vector out, int rows);
  }

  /** {@code value * 2 + 1}. */
  public static final class Arithmetic extends DoubleContender {
    @Override
    public String name() {
      return "bench_arith";
    }

    @Override
    void compute(Float8Vector in, Float8Vector out, int rows) {
      // Nulls pass through as the validity buffer; values are computed for every slot.
      out.getValidityBuffer().setBytes(0, in.getValidityBuffer(), 0,
          (rows + 7) / 8);
      ArrowBuf src = in.getDataBuffer();
      ArrowBuf dst = out.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        dst.setDouble((long) i * 8, src.getDouble((long) i * 8) * 2 + 1);
      }
    }
  }

  /** {@code normal CDF: 0.5 * (1 + erf(value / sqrt(2)))}. */
  public static final class NormalCdf extends DoubleContender {
    @Override
    public String name() {
      return "bench_normal_cdf";
    }

    @Override
    void compute(Float8Vector in, Float8Vector out, int rows) {
      // As bench_arith: nulls pass through as the validity buffer, every slot is computed.
      out.getValidityBuffer().setBytes(0, in.getValidityBuffer(), 0, (rows + 7) / 8);
      ArrowBuf src = in.getDataBuffer();
      ArrowBuf dst = out.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        dst.setDouble((long) i * 8, normalCdf(src.getDouble((long) i * 8)));
      }
    }
  }

  /** {@code upper(name) || '_SUFFIX'}. */
  public static final class UpperSuffix implements ScalarFunction {
    private static final byte[] SUFFIX = "_SUFFIX".getBytes(StandardCharsets.UTF_8);

    @Override
    public String name() {
      return "bench_upper_suffix";
    }

    @Override
    public String resultType() {
      return "string";
    }

    @Override
    public List<String> argumentTypes() {
      return List.of("string");
    }

    @Override
    public FieldVector eval(VectorSchemaRoot args, BufferAllocator allocator) {
      VarCharVector in = (VarCharVector) args.getVector(0);
      int rows = args.getRowCount();
      VarCharVector out = new VarCharVector("r", allocator);
      out.allocateNew((long) in.getDataBuffer().writerIndex() + (long) rows * SUFFIX.length + 1,
          rows);
      if (!upperAscii(in, out, rows)) {
        out.reset();
        upperAnyText(in, out, rows);
      }
      out.setValueCount(rows);
      return out;
    }

    /**
     * The common case: every value ASCII, upper-cased in a Java array (loops the JIT vectorizes,
     * instead of a bounds-checked {@code ArrowBuf} call per byte) and assembled with the suffix
     * into the result's buffer, sized for it up front. False when a byte is not ASCII.
     */
    private boolean upperAscii(VarCharVector in, VarCharVector out, int rows) {
      ArrowBuf offsets = in.getOffsetBuffer();
      int first = offsets.getInt(0);
      int length = offsets.getInt((long) rows * 4) - first;
      if (text.length < length) {
        text = new byte[length];
      }
      byte[] bytes = text;
      in.getDataBuffer().getBytes(first, bytes, 0, length);
      int signs = 0;
      for (int j = 0; j < length; j++) {
        signs |= bytes[j];
      }
      if (signs < 0) {
        return false;
      }
      for (int j = 0; j < length; j++) {
        byte b = bytes[j];
        bytes[j] = (byte) (b >= 'a' && b <= 'z' ? b - 32 : b);
      }
      long outLength = (long) length + (long) rows * SUFFIX.length;
      if (assembled.length < outLength) {
        assembled = new byte[(int) outLength];
      }
      byte[] result = assembled;
      ArrowBuf outOffsets = out.getOffsetBuffer();
      out.getValidityBuffer().setBytes(0, in.getValidityBuffer(), 0, (rows + 7) / 8);
      outOffsets.setInt(0, 0);
      int at = 0;
      int start = 0;
      for (int i = 0; i < rows; i++) {
        int end = offsets.getInt((long) (i + 1) * 4) - first;
        if (!in.isNull(i)) {
          System.arraycopy(bytes, start, result, at, end - start);
          at += end - start;
          System.arraycopy(SUFFIX, 0, result, at, SUFFIX.length);
          at += SUFFIX.length;
        }
        outOffsets.setInt((long) (i + 1) * 4, at);
        start = end;
      }
      out.getDataBuffer().setBytes(0, result, 0, at);
      out.setLastSet(rows - 1);
      return true;
    }

    /** The input's bytes and the result's, reused from batch to batch. */
    private byte[] text = new byte[0];
    private byte[] assembled = new byte[0];

    /** Any text: ASCII values byte by byte, others through Java's full case mapping. */
    private void upperAnyText(VarCharVector in, VarCharVector out, int rows) {
      ArrowBuf offsets = in.getOffsetBuffer();
      ArrowBuf data = in.getDataBuffer();
      for (int i = 0; i < rows; i++) {
        if (in.isNull(i)) {
          out.setNull(i);
          continue;
        }
        int start = offsets.getInt((long) i * 4);
        int length = offsets.getInt((long) (i + 1) * 4) - start;
        if (scratch.length < length + SUFFIX.length) {
          scratch = new byte[2 * (length + SUFFIX.length)];
        }
        data.getBytes(start, scratch, 0, length);
        if (upperAsciiInPlace(scratch, length)) {
          System.arraycopy(SUFFIX, 0, scratch, length, SUFFIX.length);
          out.setSafe(i, scratch, 0, length + SUFFIX.length);
        } else {
          // Not ASCII: Java's full case mapping, as Spark's upper does.
          byte[] original = new byte[length];
          data.getBytes(start, original, 0, length);
          String upper = new String(original, StandardCharsets.UTF_8).toUpperCase() + "_SUFFIX";
          out.setSafe(i, upper.getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    /** One value's bytes, reused: no allocation per row on ASCII text. */
    private byte[] scratch = new byte[64];

    /** Upper-cases ASCII bytes in place; false (bytes partly changed) at the first non-ASCII. */
    private static boolean upperAsciiInPlace(byte[] bytes, int length) {
      for (int i = 0; i < length; i++) {
        byte b = bytes[i];
        if (b < 0) {
          return false;
        }
        if (b >= 'a' && b <= 'z') {
          bytes[i] = (byte) (b - 32);
        }
      }
      return true;
    }
  }

  /** Row-at-a-time: {@code value * 2 + 1}. */
  public static final class ArithmeticUdf implements UDF1<Double, Double> {
    @Override
    public Double call(Double value) {
      return value == null ? null : value * 2 + 1;
    }
  }

  /** Row-at-a-time: the normal CDF. */
  public static final class NormalCdfUdf implements UDF1<Double, Double> {
    @Override
    public Double call(Double value) {
      return value == null ? null : normalCdf(value);
    }
  }

  /** Row-at-a-time: {@code upper(name) || '_SUFFIX'}. */
  public static final class UpperSuffixUdf implements UDF1<String, String> {
    @Override
    public String call(String value) {
      return value == null ? null : value.toUpperCase() + "_SUFFIX";
    }
  }
}

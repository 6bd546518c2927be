package dev.quiver.examples.table;

import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import dev.quiver.function.table.Row;
import dev.quiver.function.table.RowTableFunction;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Per-device count, mean, population standard deviation and maximum of the readings, for
 * example to look for anomalies; mean and standard deviation are rounded to two decimals.
 *
 * <pre>{@code
 * SELECT * FROM device_stats(TABLE(readings) PARTITION BY device_id) ORDER BY device_id
 * }</pre>
 */
public final class DeviceStats extends RowTableFunction {
  private static final String USAGE =
      "device_stats(TABLE(readings) PARTITION BY device_id)";

  private Integer device;
  private int count;
  private double sum;
  private double sumOfSquares;
  private long max;

  public DeviceStats() {
    super("device_stats", "device_id int, count int, mean double, stddev double, max_value int");
  }

  @Override
  public String description() {
    return "Count, mean, standard deviation and maximum of the readings per device_id of a "
        + "TABLE(device_id int, reading int) partitioned by device_id.\n"
        + "SELECT * FROM device_stats(TABLE(readings) PARTITION BY device_id)";
  }

  @Override
  public void startGroup() {
    device = null;
    count = 0;
    sum = 0;
    sumOfSquares = 0;
    max = Long.MIN_VALUE;
  }

  /** The statistics are per device: without PARTITION BY device_id they would mix devices. */
  @Override
  protected void validate(AnalyzeArguments call) {
    Calls.requireColumns(call, USAGE, "device_id", "int", "reading", Calls.INTEGER);
    Calls.requirePartitionBy(call, USAGE, "device_id");
  }

  /**
   * One reading at a time: the row view reads an int or bigint reading column alike. Primitive
   * fields, not boxed ones, since this runs once per reading.
   */
  @Override
  protected void evalRow(Row row, Arguments arguments, Emitter out) {
    if (device == null && !row.isNull("device_id")) {
      device = row.getInt("device_id");
    }
    if (row.isNull("reading")) {
      return;
    }
    long reading = row.getLong("reading");
    count++;
    sum += reading;
    sumOfSquares += (double) reading * reading;
    max = Math.max(max, reading);
  }

  @Override
  public void terminate(Emitter out) {
    if (device != null && count > 0) {
      double mean = sum / count;
      double variance = Math.max(sumOfSquares / count - mean * mean, 0.0);
      out.emitRow(device, count, round2(mean), round2(Math.sqrt(variance)), (int) max);
    }
  }

  /** Rounds like Python's round(x, 2): the exact binary value, ties to even. */
  static double round2(double x) {
    return new BigDecimal(x).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
  }
}

package dev.quiver.examples.table;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.table.QuiverTables;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-sensor spectrogram as a table function and as a grouped map, on sine waves whose
 * spectra are known in closed form: for {@code A sin(2 pi f0 t)} sampled at {@code fs} with
 * {@code f0} a whole number of hertz and {@code nperseg = fs}, every segment holds whole periods,
 * so the Hann-windowed one-sided density is exactly {@code A^2/3} at {@code f0},
 * {@code A^2/12} at {@code f0 +- 1} and zero elsewhere (their sum, {@code A^2/2}, is the
 * signal's mean power).
 */
class SpectrogramTest extends QuiverSession {
  private static Dataset<Row> signals;

  @BeforeAll
  static void signals() {
    // Sensor A at 128 Hz (a power-of-two FFT), sensor B at 100 Hz (Bluestein), rows shuffled.
    signals = spark().sql("""
        SELECT 'A' AS sensor_id, 's1' AS session_id, id / 128.0 AS time, 128 AS sampling_rate,
               sin(2 * pi() * 10 * id / 128) AS signal_value FROM range(1024)
        UNION ALL
        SELECT 'A', 's2', id / 128.0, 128, 0.5 * sin(2 * pi() * 40 * id / 128) FROM range(700)
        UNION ALL
        SELECT 'B', 's1', id / 100.0, 100, 2 * sin(2 * pi() * 25 * id / 100) FROM range(600)
        """).repartition(3);
    signals.createOrReplaceTempView("signals");
  }

  private static void assertSpectra(Dataset<Row> result) {
    List<Row> rows = result.orderBy("sensor_id", "session_id").collectAsList();
    assertEquals(3, rows.size());
    assertSpectrum(rows.get(0), "A", "s1", 128, 10, 1.0);
    assertSpectrum(rows.get(1), "A", "s2", 128, 40, 0.5);
    assertSpectrum(rows.get(2), "B", "s1", 100, 25, 2.0);
  }

  private static void assertSpectrum(Row row, String sensor, String session, int fs, int f0,
      double amplitude) {
    assertEquals(sensor, row.getString(0));
    assertEquals(session, row.getString(1));
    List<Float> psd = row.getList(2);
    List<Float> frequencies = row.getList(3);
    assertEquals(fs / 2 + 1, psd.size());
    assertEquals(fs / 2 + 1, frequencies.size());
    int peak = 0;
    double total = 0;
    for (int k = 0; k < psd.size(); k++) {
      assertEquals(k, frequencies.get(k), 1e-6); // nperseg = fs: 1 Hz apart
      peak = psd.get(k) > psd.get(peak) ? k : peak;
      total += psd.get(k);
    }
    double power = amplitude * amplitude;
    assertEquals(f0, frequencies.get(peak), 1e-6, "peak frequency of " + sensor + "/" + session);
    assertEquals(power / 3, psd.get(peak), power * 1e-5);
    assertEquals(power / 12, psd.get(peak - 1), power * 1e-5);
    assertEquals(power / 12, psd.get(peak + 1), power * 1e-5);
    assertEquals(power / 2, total, power * 1e-5);
    for (int k = 0; k < psd.size(); k++) {
      if (Math.abs(k - peak) > 1) {
        assertTrue(psd.get(k) < power * 1e-9, "leakage at " + k + " Hz: " + psd.get(k));
      }
    }
  }

  @Test
  void tableFunctionWithPartitionBy() {
    assertSpectra(spark().sql("SELECT * FROM spectrogram(TABLE(signals) "
        + "PARTITION BY (sensor_id, session_id) ORDER BY time)"));
  }

  @Test
  void tableFunctionPartitionsItselfInAnalyze() {
    assertSpectra(spark().sql("SELECT * FROM spectrogram(TABLE(signals))"));
  }

  @Test
  void groupedMap() {
    assertSpectra(QuiverTables.groupBy(signals, col("sensor_id"), col("session_id"))
        .orderBy(col("time"))
        .applyInArrow(new Spectrogram()));
  }
}

package dev.quiver.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One call emitting ten million rows runs in the same heap as one emitting a million: the rows
 * stream out as they are emitted. Measured by {@link EmitStreamingBenchmark} in a JVM of its
 * own with a 512 MB heap, too small to hold ten million emitted rows.
 */
class TableFunctionStreamingTest {

  @Test
  void tenMillionRowsFromOneCallInBoundedHeap() throws Exception {
    List<EmitStreamingBenchmark.Run> runs = EmitStreamingBenchmark.inFreshJvm("512m",
        List.of(1_000_000L, 10_000_000L));
    runs.forEach(System.out::println);
    for (int i = 0; i < runs.size(); i += 2) {
      EmitStreamingBenchmark.Run small = runs.get(i);
      EmitStreamingBenchmark.Run large = runs.get(i + 1);
      assertEquals(small.rows(), small.counted(), small.toString());
      assertEquals(large.rows(), large.counted(), large.toString());
      assertTrue(small.peakLiveBytes() > 0 && large.peakLiveBytes() > 0, "heap was sampled");
      // Ten times the rows; the peak may move by a few megabytes of noise, not tenfold.
      assertTrue(large.peakLiveBytes() < small.peakLiveBytes() * 3 / 2,
          "peak live heap " + small + " vs " + large);
    }
  }
}

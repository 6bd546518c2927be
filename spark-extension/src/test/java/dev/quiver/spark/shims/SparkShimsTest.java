package dev.quiver.spark.shims;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverException;
import org.junit.jupiter.api.Test;

class SparkShimsTest {

  @Test
  void runsOnTheSparkVersionTheBuildAskedFor() {
    // The re-runs of bin/test on other Spark versions reuse the compiled classes; this makes sure
    // the class path really holds the Spark version the run was started for.
    String expected = System.getProperty("quiver.test.sparkVersion");
    if (expected != null) {
      assertEquals(expected, SparkShims.version().toString());
    }
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), SparkVersion.current().toString());
    assertTrue(SparkVersion.current().supported());
    SparkVersion.checkSupported();
  }

  @Test
  void functionNamesAreQualifiedFromSpark42() {
    assertEquals(SparkShims.version().atLeast(4, 2), SparkShims.qualifiedFunctionNames());
  }

  @Test
  void parsesVersions() {
    SparkVersion v = SparkVersion.parse("4.0.1");
    assertEquals(4, v.major());
    assertEquals(0, v.minor());
    assertTrue(v.supported());
    assertFalse(v.newerThanTested());
    assertTrue(SparkVersion.parse("4.2.0-SNAPSHOT").atLeast(4, 2));
    assertTrue(SparkVersion.parse("4.3.0").newerThanTested());
    assertTrue(SparkVersion.parse("5.0").newerThanTested());
    assertFalse(SparkVersion.parse("3.5.3").supported());
    assertFalse(SparkVersion.parse("4.1.3").newerThanTested());
    assertTrue(SparkVersion.parse("4.1.3").compareTo(SparkVersion.parse("4.1.10")) < 0);
    assertThrows(IllegalArgumentException.class, () -> SparkVersion.parse("four"));
  }

  @Test
  void unsupportedVersionMessageNamesTheVersion() {
    QuiverException e = assertThrows(QuiverException.class,
        () -> SparkVersion.check(SparkVersion.parse("3.5.3")));
    assertTrue(e.getMessage().contains("Spark 3.5.3"), e.getMessage());
    assertTrue(e.getMessage().contains("Spark 4.0 or later"), e.getMessage());
  }
}

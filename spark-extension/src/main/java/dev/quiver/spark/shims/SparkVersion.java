package dev.quiver.spark.shims;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the Spark that Quiver runs on, read once from Spark's own
 * {@code org.apache.spark.SPARK_VERSION}, and the range of versions the one Quiver jar supports.
 */
public final class SparkVersion implements Comparable<SparkVersion> {
  /** The oldest supported minor version: Spark 4.0. */
  public static final SparkVersion OLDEST = new SparkVersion(4, 0, 0, "4.0");
  /** The newest tested minor version: Spark 4.2. */
  public static final SparkVersion NEWEST = new SparkVersion(4, 2, 0, "4.2");

  private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");
  private static final SparkVersion CURRENT =
      parse(org.apache.spark.package$.MODULE$.SPARK_VERSION());
  private static volatile boolean warned;

  private final int major;
  private final int minor;
  private final int patch;
  private final String text;

  private SparkVersion(int major, int minor, int patch, String text) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.text = text;
  }

  /** The Spark on the class path. */
  public static SparkVersion current() {
    return CURRENT;
  }

  /** {@code 4.0.1}, {@code 4.2.0-SNAPSHOT}: major, minor and optional patch, rest ignored. */
  public static SparkVersion parse(String version) {
    Matcher m = NUMBERS.matcher(version.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Spark version: " + version);
    }
    return new SparkVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), version.trim());
  }

  /**
   * Fails with a message naming this version unless the one Quiver jar supports it; warns, once,
   * on a version newer than the newest tested. Called when a session installs Quiver.
   */
  public static void checkSupported() {
    check(current());
  }

  static void check(SparkVersion v) {
    if (!v.supported()) {
      throw new dev.quiver.spark.QuiverException("Quiver needs Spark " + OLDEST + " or later"
          + " (Scala 2.13, Java 17); this is Spark " + v + ", whose internal Catalyst and"
          + " execution APIs, on which Quiver's operators and rules are built, differ from"
          + " Spark 4's.");
    }
    if (v.newerThanTested() && !warned) {
      warned = true;
      org.slf4j.LoggerFactory.getLogger(SparkVersion.class).warn("Quiver is tested on Spark {}"
          + " to {}; this is Spark {}, on which it has not been tested.", OLDEST, NEWEST, v);
    }
  }

  public int major() {
    return major;
  }

  public int minor() {
    return minor;
  }

  /** Whether this version is {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  /** Whether the one Quiver jar supports this version: Spark 4.0 and later. */
  public boolean supported() {
    return atLeast(OLDEST.major, OLDEST.minor);
  }

  /** Whether this version is newer than the newest minor version Quiver is tested on. */
  public boolean newerThanTested() {
    return !(NEWEST.major > major || (NEWEST.major == major && NEWEST.minor >= minor));
  }

  @Override
  public int compareTo(SparkVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparkVersion v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    return (major * 31 + minor) * 31 + patch;
  }

  @Override
  public String toString() {
    return text;
  }
}

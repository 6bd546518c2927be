package dev.quiver.spark.aggregate;

/** The {@code spark.quiver.aggregate.*} settings; session settings, read when a query is planned. */
public final class AggregateConf {
  private AggregateConf() {}

  /**
   * Whether GROUP BY queries with Quiver aggregates run on Quiver's vectorized operators (default
   * {@code true}). With {@code false} they run on Spark's own aggregate operators, which pass rows
   * to the functions' buffers one at a time. Another value fails the query at analysis.
   */
  public static final String OPERATORS = "spark.quiver.aggregate.operators";

  /**
   * The most groups one task keeps in memory before it flushes them (first phase) or spills them
   * to disk (second phase), default 4,194,304; 1 to 2^30. Spark's execution memory bounds the tables as
   * well; this bounds them when states report less than they hold.
   */
  public static final String MAX_GROUPS = "spark.quiver.aggregate.maxGroups";

  public static final int DEFAULT_MAX_GROUPS = 1 << 22;

  static boolean operatorsEnabled() {
    return dev.quiver.spark.QuiverConf.booleanSetting(OPERATORS, true);
  }

  static int maxGroups() {
    return dev.quiver.spark.QuiverConf.intSetting(MAX_GROUPS, DEFAULT_MAX_GROUPS, 1, 1 << 30);
  }

}

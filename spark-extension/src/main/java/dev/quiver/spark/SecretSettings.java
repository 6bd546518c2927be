package dev.quiver.spark;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.command.ResetCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.internal.SQLConf;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Function secrets, {@code spark.quiver.function.<function>.secret.<name>}, and the check that
 * keeps them out of sessions.
 *
 * <p>Spark copies every session setting into the local properties of each job, and the event log
 * redacts job properties only for keys of the application's configuration: a secret set with
 * {@code SET} or {@code spark.conf().set} lands in clear in every job's and stage's properties,
 * and {@code SET}'s own plan, with the value, in the SQL execution's plan description. So this
 * rule, run once on every analyzed plan, fails any query of a session that holds a secret (set
 * through {@code spark.conf()}) before it starts a job, and a {@code SET} of one before it runs.
 * Secrets come from the application's configuration, which Spark redacts where it shows it as long
 * as {@code spark.redaction.regex} matches the key (its default matches {@code secret}), or from
 * the executors' environment.
 */
public final class SecretSettings extends Rule<LogicalPlan> {
  private static final Pattern SECRET =
      Pattern.compile("spark\\.quiver\\.function\\.[^.]+\\.secret\\..+", Pattern.CASE_INSENSITIVE);
  private static final String REDACTION_REGEX = "spark.redaction.regex";
  private static final String DEFAULT_REDACTION = "(?i)secret|password|token|access[.]?key";

  /** Whether a configuration key names a function secret. */
  public static boolean isSecret(String key) {
    return key != null && SECRET.matcher(key).matches();
  }

  /** The configuration key of a function's secret. */
  public static String key(String function, String name) {
    return "spark.quiver.function." + function + ".secret." + name;
  }

  /** The environment variable of a function's secret: QUIVER_SECRET_SFTP_UPLOAD_PASSWORD. */
  public static String environmentVariable(String function, String name) {
    return "QUIVER_SECRET_" + (function + "_" + name).toUpperCase(Locale.ROOT)
        .replaceAll("[^A-Z0-9]", "_");
  }

  /**
   * Refuses a {@code SET} of a secret, and any other plan while the session holds one. Run once
   * per plan, after resolution and before Spark's checks: Spark appends the plan (a SET's value
   * in it) to the message of every error of its check phase, and drops Quiver's SQLSTATE there.
   */
  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (plan instanceof SetCommand set) {
      if (set.kv().isDefined() && isSecret(set.kv().get()._1())
          && set.kv().get()._2().isDefined()) {
        throw QuiverErrors.raise(QuiverErrors.secretInSession(set.kv().get()._1()));
      }
      return plan; // SET k, SET -v: the way out must stay open
    }
    if (plan instanceof ResetCommand) {
      return plan;
    }
    SparkConf application = null;
    Map<String, String> session = CollectionConverters.asJava(SQLConf.get().getAllConfs());
    for (Map.Entry<String, String> entry : session.entrySet()) {
      if (!isSecret(entry.getKey())) {
        continue;
      }
      if (application == null) {
        application = QuiverConf.applicationConf();
      }
      String configured = application.get(entry.getKey(), null);
      if (!entry.getValue().equals(configured)) {
        throw QuiverErrors.raise(QuiverErrors.secretInSession(entry.getKey()));
      }
      String regex = application.get(REDACTION_REGEX, DEFAULT_REDACTION);
      if (!Pattern.compile(regex).matcher(entry.getKey()).find()) {
        throw QuiverErrors.raise(QuiverErrors.secretNotRedacted(entry.getKey(), regex));
      }
    }
    return plan;
  }
}

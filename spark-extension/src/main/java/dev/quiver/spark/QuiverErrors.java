package dev.quiver.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Quiver's own error classes, as {@link AnalysisException}s that carry class, SQLSTATE and
 * parameters like Spark's do, so that callers can match on {@code getCondition()} and
 * {@code getSqlState()}.
 *
 * <p>A plugin cannot add to Spark's {@code error-conditions.json}, and the constructors that take
 * only an error class look it up there (an unknown class becomes an internal error). So these go
 * through the constructor Spark provides for callers that supply the SQLSTATE and message template
 * themselves.
 */
public final class QuiverErrors {
  private QuiverErrors() {}

  /** A function that could not be loaded at session start-up, reported when it is called. */
  public static final String FUNCTION_LOAD_FAILED = "QUIVER_FUNCTION_LOAD_FAILED";

  /** A function secret set in a session, where Spark would write it to the event log in clear. */
  public static final String SECRET_IN_SESSION = "QUIVER_SECRET_IN_SESSION";

  /** A function secret in the configuration under a key Spark's redaction would not hide. */
  public static final String SECRET_NOT_REDACTED = "QUIVER_SECRET_NOT_REDACTED";

  /** A call its function rejects at analysis: see {@code InvalidCallException}. */
  public static final String INVALID_CALL = "QUIVER_INVALID_CALL";

  /** A call in a place of a query where Quiver cannot evaluate it. */
  public static final String UNSUPPORTED_CALL = "QUIVER_UNSUPPORTED_CALL";

  public static AnalysisException unsupportedCall(String function, String problem) {
    return error(UNSUPPORTED_CALL, "0A000",
        "Quiver function <functionName> cannot be called here: <problem>", null,
        "functionName", "`" + function + "`", "problem", problem);
  }

  /** A call on columns of both sides of a join condition that is not an inner join's. */
  public static AnalysisException callInJoinCondition(String function, String call,
      String joinType) {
    return unsupportedCall(function, call + " reads columns of both sides of the condition of a "
        + joinType + " join (an ON clause, or a correlated EXISTS or IN subquery); only an inner "
        + "join can apply such a condition after joining. Compute the call in a projection of "
        + "the join's result, or rewrite the query as an inner join.");
  }

  /** Declarations of a function that do not hold together: an unparsable type or schema, ... */
  public static final String INVALID_DECLARATION = "QUIVER_INVALID_DECLARATION";

  /** A table function's {@code analyze} threw (other than rejecting the call). */
  public static final String ANALYZE_FAILED = "QUIVER_ANALYZE_FAILED";

  /** A table function's {@code analyze} returned what Quiver cannot use. */
  public static final String INVALID_ANALYZE_RESULT = "QUIVER_INVALID_ANALYZE_RESULT";

  public static AnalysisException invalidDeclaration(String function, String problem) {
    return error(INVALID_DECLARATION, "38000",
        "Quiver function <functionName> has an invalid declaration: <problem>", null,
        "functionName", "`" + function + "`", "problem", problem);
  }

  public static AnalysisException analyzeFailed(String function, Throwable cause) {
    return error(ANALYZE_FAILED, "38000",
        "Quiver function <functionName> failed in analyze(): <cause>",
        QuiverException.safeCause(cause), "functionName", "`" + function + "`",
        "cause", describe(cause));
  }

  public static AnalysisException invalidAnalyzeResult(String function, String problem) {
    return error(INVALID_ANALYZE_RESULT, "38000",
        "Quiver function <functionName> returned an invalid result from analyze(): <problem>",
        null, "functionName", "`" + function + "`", "problem", problem);
  }

  /** A {@code spark.quiver.*} setting out of range, found when a call was analyzed. */
  public static AnalysisException invalidSetting(QuiverException setting) {
    return error(setting.getCondition(), setting.getSqlState(), "<message>", setting,
        "message", setting.getMessage());
  }

  public static AnalysisException invalidCall(String function, String problem) {
    return error(INVALID_CALL, "42K09",
        "Invalid call of Quiver function <functionName>: <problem>", null,
        "functionName", "`" + function + "`", "problem", problem);
  }

  public static AnalysisException functionLoadFailed(String function, String className,
      String jar, Throwable cause) {
    return error(FUNCTION_LOAD_FAILED, "46103",
        "Quiver function <functionName> cannot be used: its class <className> from <jar> failed "
            + "to load when the session started: <cause>",
        cause, "functionName", "`" + function + "`", "className", className, "jar", jar,
        "cause", describe(cause));
  }

  public static AnalysisException secretInSession(String key) {
    return error(SECRET_IN_SESSION, "46110",
        "The Quiver function secret <key> is set in this session (SET or spark.conf().set). "
            + "Spark writes session settings in clear to the event log with every job, so Quiver "
            + "refuses to run queries while it is set. Unset it (RESET <key>) and provide it "
            + "with spark-submit --conf, spark-defaults.conf or the executors' environment.",
        null, "key", key);
  }

  public static AnalysisException secretNotRedacted(String key, String regex) {
    return error(SECRET_NOT_REDACTED, "46110",
        "The Quiver function secret <key> is configured, but spark.redaction.regex (<regex>) does "
            + "not match it, so Spark would show it in clear in the Environment UI and the event "
            + "log. Add 'secret' to spark.redaction.regex.",
        null, "key", key, "regex", regex);
  }

  /**
   * Throws an {@link AnalysisException} from code whose signature cannot declare it, such as the
   * function builders Spark calls (Scala has no checked exceptions; Spark throws it the same way).
   */
  public static RuntimeException raise(Throwable e) {
    throw QuiverErrors.<RuntimeException>sneaky(e);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable e) throws T {
    throw (T) e;
  }

  /** The class and message of a failure, as one line for a message parameter. */
  public static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown cause";
    }
    return cause.getMessage() == null ? cause.getClass().getName()
        : cause.getClass().getName() + ": " + cause.getMessage();
  }

  private static AnalysisException error(String errorClass, String sqlState, String template,
      Throwable cause, String... parameters) {
    Map<String, String> values = new LinkedHashMap<>();
    String message = template;
    for (int i = 0; i < parameters.length; i += 2) {
      values.put(parameters[i], parameters[i + 1]);
      message = message.replace("<" + parameters[i] + ">", parameters[i + 1]);
    }
    return new Analysis("[" + errorClass + "] " + message, errorClass, sqlState,
        scala.collection.immutable.Map.from(CollectionConverters.asScala(values)), cause);
  }

  /**
   * Built through the one constructor that Spark 4.0, 4.1 and 4.2 all have (4.1's constructor
   * taking a SQLSTATE and a template is missing on 4.0); the SQLSTATE is this class's own.
   */
  private static final class Analysis extends AnalysisException {
    private static final long serialVersionUID = 1L;
    private final String state;

    Analysis(String message, String errorClass, String sqlState,
        scala.collection.immutable.Map<String, String> parameters, Throwable cause) {
      this(message, Option.empty(), Option.empty(), Option.apply(cause),
          Option.apply(errorClass), parameters, new org.apache.spark.QueryContext[0], sqlState);
    }

    private Analysis(String message, Option<Object> line, Option<Object> start,
        Option<Throwable> cause, Option<String> errorClass,
        scala.collection.immutable.Map<String, String> parameters,
        org.apache.spark.QueryContext[] context, String sqlState) {
      super(message, line, start, cause, errorClass, parameters, context);
      this.state = sqlState;
    }

    // The analyzer adds the call's position through copy: the copy keeps the SQLSTATE.
    @Override
    public AnalysisException copy(String message, Option<Object> line, Option<Object> start,
        Option<Throwable> cause, Option<String> errorClass,
        scala.collection.immutable.Map<String, String> parameters,
        org.apache.spark.QueryContext[] context) {
      return new Analysis(message, line, start, cause, errorClass, parameters, context, state);
    }

    /** Spark 4.1 and later; never called on 4.0, which lacks it. */
    @Override
    public AnalysisException copy(String message, Option<Object> line, Option<Object> start,
        Option<Throwable> cause, Option<String> errorClass,
        scala.collection.immutable.Map<String, String> parameters,
        org.apache.spark.QueryContext[] context, Option<String> sqlState,
        Option<String> template) {
      return new Analysis(message, line, start, cause, errorClass, parameters, context, state);
    }

    @Override
    public String getSqlState() {
      return state;
    }
  }
}

package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.QuiverException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.internal.SessionState;
import scala.Function1;
import scala.Tuple3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;

/**
 * Finds Quiver functions and registers them with Spark's function registries: permanently for
 * every session (classpath declarations and {@code spark.quiver.functions}), or as a temporary
 * function of one session.
 */
public final class FunctionCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(FunctionCatalog.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<FunctionKind> kinds;

  private FunctionCatalog(List<FunctionKind> kinds) {
    this.kinds = kinds;
  }

  /** The catalog of the function kinds whose modules are on the classpath. */
  public static FunctionCatalog load() {
    List<FunctionKind> kinds = new ArrayList<>();
    try {
      for (FunctionKind kind : ServiceLoader.load(FunctionKind.class,
          FunctionHandle.classLoader())) {
        kinds.add(kind);
      }
    } catch (ServiceConfigurationError e) {
      throw new QuiverException("A Quiver module on the classpath is broken: " + e, e);
    }
    return new FunctionCatalog(List.copyOf(kinds));
  }

  public List<FunctionKind> kinds() {
    return kinds;
  }

  /** The functions of a session: those that work, and those that failed to load. */
  public record Discovered(List<FunctionHandle> functions, List<BrokenFunction> broken) {}

  /**
   * The functions every session gets: those the jars on the classpath declare in
   * {@code META-INF/services}, then those {@code spark.quiver.functions} names. A function that
   * cannot be loaded is logged and kept aside, so that one bad jar does not stop every session;
   * two functions under one name still fail, since either could be the one meant.
   */
  public Discovered discover(String configuredClassNames) {
    Map<String, String> declared;
    try {
      declared = FunctionDeclarations.read(FunctionHandle.classLoader());
    } catch (IOException e) {
      throw new QuiverException("Cannot read " + FunctionDeclarations.RESOURCE
          + " from the classpath: " + e, e);
    }
    if (configuredClassNames != null) {
      for (String className : configuredClassNames.split(",")) {
        if (!className.isBlank()) {
          declared.putIfAbsent(className.trim(),
              "no jar on the classpath (listed in " + QuiverConf.FUNCTIONS + ")");
        }
      }
    }
    Map<String, FunctionHandle> byName = new LinkedHashMap<>();
    List<BrokenFunction> broken = new ArrayList<>();
    for (Map.Entry<String, String> entry : declared.entrySet()) {
      QuiverFunction function;
      try {
        function = FunctionHandle.instantiate(entry.getKey());
      } catch (QuiverException e) {
        BrokenFunction failed = BrokenFunction.unloadable(entry.getKey(), entry.getValue(),
            e.getCause() != null ? e.getCause() : e);
        LOG.error("Quiver function class {} (from {}) cannot be loaded; calls of '{}' will fail "
            + "with this error, the other functions are registered: {}", failed.className(),
            failed.jar(), failed.name(), e.getMessage(), e.getCause());
        broken.add(failed);
        continue;
      }
      add(byName, FunctionHandle.ofClass(validName(function), function));
    }
    broken.removeIf(b -> byName.containsKey(b.name().toLowerCase(Locale.ROOT)));
    return new Discovered(List.copyOf(byName.values()), List.copyOf(broken));
  }

  private void add(Map<String, FunctionHandle> byName, FunctionHandle handle) {
    String key = handle.name().toLowerCase(Locale.ROOT);
    FunctionHandle existing = byName.get(key);
    if (existing != null) {
      if (existing.className().equals(handle.className())) {
        return; // the same class declared by two jars, or also listed in spark.quiver.functions
      }
      throw duplicate(handle.name(), existing.className(), handle.className());
    }
    FunctionIdentifier builtin = FunctionNames.builtin(handle.name());
    if (FunctionRegistry.builtin().functionExists(builtin)
        || TableFunctionRegistry.builtin().functionExists(builtin)) {
      throw new QuiverException("Quiver function '" + handle.name() + "' ("
          + handle.className() + ") has the name of a Spark built-in function; choose another.");
    }
    byName.put(key, handle);
  }

  /**
   * Registers functions in every session built from these extensions. A function whose
   * declarations fail here (an invalid type, no kind) is registered as broken, like one that
   * failed to load.
   */
  public void inject(SparkSessionExtensions extensions, Discovered discovered) {
    List<BrokenFunction> broken = new ArrayList<>(discovered.broken());
    for (FunctionHandle handle : discovered.functions()) {
      Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>> scalar;
      Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, LogicalPlan>> table;
      try {
        FunctionKind kind = kindOf(handle);
        FunctionIdentifier id = FunctionNames.injected(handle.name());
        ExpressionInfo info = info(kind, handle);
        Function1<Seq<Expression>, Expression> builder = expressionBuilder(kind, handle);
        scalar = builder == null ? null : new Tuple3<>(id, info, builder);
        table = builder != null ? null : new Tuple3<>(id, info, tableBuilder(kind, handle));
      } catch (Exception e) { // QuiverException, or an AnalysisException of declarations
        BrokenFunction failed = new BrokenFunction(handle.name(), handle.className(),
            BrokenFunction.jarOf(handle.prototype().getClass(), "unknown"), e);
        LOG.error("Quiver function '{}' ({} from {}) cannot be registered; calls of it will "
            + "fail with this error, the other functions are registered: {}", failed.name(),
            failed.className(), failed.jar(), e.getMessage());
        broken.add(failed);
        continue;
      }
      if (scalar != null) {
        extensions.injectFunction(scalar);
      } else {
        extensions.injectTableFunction(table);
      }
    }
    for (BrokenFunction failed : broken) {
      FunctionIdentifier id = FunctionNames.injected(failed.name());
      // Its kind may be unknown (its class is missing): fail calls in either position.
      extensions.injectFunction(new Tuple3<>(id, failed.info(), args -> {
        throw QuiverErrors.raise(failed.error());
      }));
      extensions.injectTableFunction(new Tuple3<>(id, failed.info(), args -> {
        throw QuiverErrors.raise(failed.error());
      }));
    }
  }

  /** Registers a temporary function in one session; fails if the name is taken. */
  public void registerTemporary(SparkSession session, String name, QuiverFunction function) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new QuiverException("'" + name + "' is not a valid Quiver function name: use letters, "
          + "digits and underscores, not starting with a digit.");
    }
    FunctionHandle handle = FunctionHandle.ofInstance(name, function);
    FunctionKind kind = kindOf(handle);
    SessionState state = ((org.apache.spark.sql.classic.SparkSession) session).sessionState();
    FunctionIdentifier id = FunctionNames.temporary(name);
    for (FunctionIdentifier taken : List.of(FunctionNames.builtin(name), id)) {
      if (state.functionRegistry().functionExists(taken)) {
        throw duplicate(name, state.functionRegistry().lookupFunction(taken).get().getClassName(),
            function.getClass().getName());
      }
      if (state.tableFunctionRegistry().functionExists(taken)) {
        throw duplicate(name,
            state.tableFunctionRegistry().lookupFunction(taken).get().getClassName(),
            function.getClass().getName());
      }
    }
    ExpressionInfo info = info(kind, handle);
    Function1<Seq<Expression>, Expression> builder = expressionBuilder(kind, handle);
    if (builder != null) {
      state.functionRegistry().registerFunction(id, info, builder);
    } else {
      state.tableFunctionRegistry().registerFunction(id, info, tableBuilder(kind, handle));
    }
  }

  /** The kind's builder of calls in expressions, checking the settings first; or null. */
  private static Function1<Seq<Expression>, Expression> expressionBuilder(FunctionKind kind,
      FunctionHandle handle) {
    Function1<Seq<Expression>, Expression> builder = kind.expressionBuilder(handle);
    return builder == null ? null : args -> {
      QuiverConf.checkAtAnalysis(kind::checkSettings);
      return builder.apply(args);
    };
  }

  /** The kind's builder of calls in FROM, checking the settings first. */
  private static Function1<Seq<Expression>, LogicalPlan> tableBuilder(FunctionKind kind,
      FunctionHandle handle) {
    Function1<Seq<Expression>, LogicalPlan> builder = kind.tableBuilder(handle);
    return args -> {
      QuiverConf.checkAtAnalysis(kind::checkSettings);
      return builder.apply(args);
    };
  }

  /** The kind a function belongs to, by the API interface it implements. */
  public FunctionKind kindOf(FunctionHandle handle) {
    Class<?> cls = handle.prototype().getClass();
    List<FunctionKind> matching = new ArrayList<>();
    for (FunctionKind kind : kinds) {
      if (kind.api().isAssignableFrom(cls)) {
        matching.add(kind);
      }
    }
    if (matching.size() == 1) {
      return matching.get(0);
    }
    if (matching.isEmpty()) {
      throw new QuiverException("Quiver function '" + handle.name() + "' (" + cls.getName()
          + ") implements none of the function kinds on the classpath ("
          + kinds.stream().map(k -> k.api().getSimpleName()).toList()
          + "); is the Quiver module for its kind missing from --jars?");
    }
    throw new QuiverException("Quiver function '" + handle.name() + "' (" + cls.getName()
        + ") implements several function kinds ("
        + matching.stream().map(k -> k.api().getSimpleName()).toList() + "); choose one.");
  }

  private static ExpressionInfo info(FunctionKind kind, FunctionHandle handle) {
    String description = handle.prototype().description();
    String usage = "_FUNC_ - Quiver " + kind.label() + " function: " + kind.signature(handle);
    String examples = "";
    if (description != null && !description.isBlank()) {
      String[] lines = description.strip().split("\n", 2);
      usage = usage + "\n" + lines[0].strip();
      if (lines.length > 1 && !lines[1].isBlank()) {
        examples = examples(lines[1]);
      }
    }
    return new ExpressionInfo(handle.className(), null, handle.name(), usage, "", examples, "",
        "", "", "", "java_udf");
  }

  /**
   * The description's lines after the summary, in the layout Spark's own functions use, so that
   * {@code DESCRIBE FUNCTION EXTENDED} prints them under "Examples:".
   */
  private static String examples(String text) {
    StringBuilder out = new StringBuilder("\n    Examples:\n");
    for (String line : text.strip().split("\n")) {
      out.append("      ").append(line.stripTrailing()).append('\n');
    }
    return out.append("  ").toString();
  }

  private static String validName(QuiverFunction function) {
    String name = function.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new QuiverException("Quiver function class " + function.getClass().getName()
          + " returns '" + name + "' from name(), which is not a valid function name: use "
          + "letters, digits and underscores, not starting with a digit.");
    }
    return name;
  }

  private static QuiverException duplicate(String name, String existing, String added) {
    return new QuiverException("Two functions are registered under the name '" + name + "': "
        + existing + " and " + added + ". Rename one, or remove one from --jars or "
        + "spark.quiver.functions.");
  }
}

package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverException;
import java.util.ArrayList;
import java.util.Iterator;
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
import scala.collection.immutable.Seq;

/**
 * Finds Quiver functions and registers them with Spark's function registries: permanently for
 * every session (classpath declarations and {@code spark.quiver.functions}), or as a temporary
 * function of one session.
 */
public final class FunctionCatalog {
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

  /**
   * The functions every session gets: those the jars on the classpath declare for
   * {@link ServiceLoader}, then those {@code spark.quiver.functions} names. Fails on two functions
   * under one name.
   */
  public List<FunctionHandle> discover(String configuredClassNames) {
    Map<String, FunctionHandle> byName = new LinkedHashMap<>();
    Iterator<QuiverFunction> declared =
        ServiceLoader.load(QuiverFunction.class, FunctionHandle.classLoader()).iterator();
    while (true) {
      QuiverFunction function;
      try {
        if (!declared.hasNext()) {
          break;
        }
        function = declared.next();
      } catch (ServiceConfigurationError e) {
        throw new QuiverException("A Quiver function declared in "
            + "META-INF/services/dev.quiver.function.QuiverFunction cannot be loaded: "
            + e.getMessage(), e);
      }
      add(byName, FunctionHandle.ofClass(validName(function), function));
    }
    if (configuredClassNames != null) {
      for (String className : configuredClassNames.split(",")) {
        if (!className.isBlank()) {
          QuiverFunction function = FunctionHandle.instantiate(className.trim());
          add(byName, FunctionHandle.ofClass(validName(function), function));
        }
      }
    }
    return List.copyOf(byName.values());
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

  /** Registers functions in every session built from these extensions. */
  public void inject(SparkSessionExtensions extensions, List<FunctionHandle> functions) {
    for (FunctionHandle handle : functions) {
      FunctionKind kind = kindOf(handle);
      FunctionIdentifier id = FunctionNames.injected(handle.name());
      ExpressionInfo info = info(kind, handle);
      Function1<Seq<Expression>, Expression> builder = kind.expressionBuilder(handle);
      if (builder != null) {
        extensions.injectFunction(new Tuple3<>(id, info, builder));
      } else {
        Function1<Seq<Expression>, LogicalPlan> tableBuilder = kind.tableBuilder(handle);
        extensions.injectTableFunction(new Tuple3<>(id, info, tableBuilder));
      }
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
    Function1<Seq<Expression>, Expression> builder = kind.expressionBuilder(handle);
    if (builder != null) {
      state.functionRegistry().registerFunction(id, info, builder);
    } else {
      state.tableFunctionRegistry().registerFunction(id, info, kind.tableBuilder(handle));
    }
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
    String extended = "";
    if (description != null && !description.isBlank()) {
      usage = usage + "\n" + description.strip();
    }
    return new ExpressionInfo(handle.className(), null, handle.name(), usage, extended, "", "",
        "", "", "", "java_udf");
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

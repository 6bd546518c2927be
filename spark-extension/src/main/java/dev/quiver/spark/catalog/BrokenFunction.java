package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.QuiverErrors;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.security.CodeSource;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;

/**
 * A declared function that could not be loaded or registered: a missing class or dependency, no
 * public constructor, a constructor that throws, invalid declarations. It is registered under its
 * name all the same, so that the session starts with every other function and a call of this one
 * fails with the reason.
 */
public final class BrokenFunction {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String name;
  private final String className;
  private final String jar;
  private final Throwable cause;

  BrokenFunction(String name, String className, String jar, Throwable cause) {
    this.name = name;
    this.className = className;
    this.jar = jar;
    this.cause = cause;
  }

  /** A function whose instance could not be created, named as well as it can be without one. */
  static BrokenFunction unloadable(String className, String declaredIn, Throwable cause) {
    Class<?> cls = loadQuietly(className);
    String jar = cls != null ? jarOf(cls, declaredIn) : declaredIn;
    return new BrokenFunction(nameOf(cls, className), className, jar, cause);
  }

  public String name() {
    return name;
  }

  public String className() {
    return className;
  }

  public String jar() {
    return jar;
  }

  Throwable cause() {
    return cause;
  }

  public AnalysisException error() {
    return QuiverErrors.functionLoadFailed(name, className, jar, cause);
  }

  ExpressionInfo info() {
    String usage = "_FUNC_ - Quiver function that failed to load: "
        + QuiverErrors.describe(cause);
    return new ExpressionInfo(className, null, name, usage, "", "", "", "", "", "", "java_udf");
  }

  /** Where a class was loaded from: its jar or class directory. */
  static String jarOf(Class<?> cls, String fallback) {
    CodeSource source = cls.getProtectionDomain() == null ? null
        : cls.getProtectionDomain().getCodeSource();
    URL location = source == null ? null : source.getLocation();
    return location == null ? fallback : location.getPath();
  }

  /**
   * The SQL name of a function that has no working instance. Functions are serializable, so an
   * instance can be made without running its constructor, as deserialization does; name()
   * usually returns a constant and works on it. Failing that (the class itself is missing, or
   * name() needs the constructor's work) the class's simple name in snake case, the convention.
   */
  static String nameOf(Class<?> cls, String className) {
    if (cls != null && QuiverFunction.class.isAssignableFrom(cls)) {
      try {
        Constructor<?> bare = sun.reflect.ReflectionFactory.getReflectionFactory()
            .newConstructorForSerialization(cls, Object.class.getDeclaredConstructor());
        String name = ((QuiverFunction) bare.newInstance()).name();
        if (name != null && NAME.matcher(name).matches()) {
          return name;
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // fall through to the conventional name
      }
    }
    String simple = className.substring(Math.max(className.lastIndexOf('.'),
        className.lastIndexOf('$')) + 1);
    return simple.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static Class<?> loadQuietly(String className) {
    try {
      return Class.forName(className, false, FunctionHandle.classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}

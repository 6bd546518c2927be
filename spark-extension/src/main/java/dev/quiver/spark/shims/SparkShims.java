package dev.quiver.spark.shims;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.ConfigEntry;
import org.apache.spark.serializer.SerializerManager;
import org.apache.spark.sql.execution.UnsafeKVExternalSorter;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.BlockManager;

/**
 * Every call whose form differs between the Spark versions one Quiver jar runs on (4.0, 4.1 and
 * 4.2). Quiver compiles against Spark 4.1; where 4.0 or 4.2 lacks a method, constructor or
 * constant that 4.1 has (or has one that 4.1 lacks), the code goes through here. Each difference
 * is resolved once, when this class initializes, never per row or per call; the rest of Quiver
 * calls Spark directly.
 *
 * <p>The differences:
 *
 * <ul>
 *   <li>Function registry keys: from 4.2 the registry requires three-part names
 *       ({@code system.builtin.f}, {@code system.session.f}); up to 4.1, bare names
 *       ({@link #qualifiedFunctionNames()}).
 *   <li>{@code UnsafeKVExternalSorter}: 4.1 added a spill threshold in bytes
 *       ({@code spark.shuffle.spill.maxSizeInBytesForSpillThreshold}), a constructor argument
 *       and a config constant that 4.0 lacks; on 4.0 only the threshold in records applies
 *       ({@link #newKVExternalSorter}).
 *   <li>{@code NamedParametersSupport}: from 4.1 its methods take the session's name resolver
 *       (case sensitivity); 4.0's compare names as 4.0's analyzer does
 *       ({@link #rearrangeArguments}, {@link #checkNamedArguments}).
 * </ul>
 */
public final class SparkShims {
  private static final SparkVersion VERSION = SparkVersion.current();
  private static final boolean QUALIFIED_FUNCTION_NAMES = hasBuiltinNamespace();
  private static final ConfigEntry<?> SPILL_NUM_ELEMENTS =
      org.apache.spark.internal.config.package$.MODULE$
          .SHUFFLE_SPILL_NUM_ELEMENTS_FORCE_SPILL_THRESHOLD();
  /** 4.1 and later; null on 4.0. */
  private static final ConfigEntry<?> SPILL_MAX_SIZE = configEntry(
      "SHUFFLE_SPILL_MAX_SIZE_FORCE_SPILL_THRESHOLD");
  private static final MethodHandle KV_SORTER = kvSorterConstructor(SPILL_MAX_SIZE != null);
  /** Whether NamedParametersSupport's methods take a resolver (4.1 and later). */
  private static final boolean NAMED_WITH_RESOLVER = namedParametersTakeResolver();
  private static final MethodHandle REARRANGE = namedParameters("defaultRearrange",
      org.apache.spark.sql.catalyst.plans.logical.FunctionSignature.class,
      scala.collection.immutable.Seq.class, String.class);
  private static final MethodHandle SPLIT = namedParameters("splitAndCheckNamedArguments",
      scala.collection.immutable.Seq.class, String.class);

  private SparkShims() {}

  /** Binds a call's arguments, named and positional, to {@code signature}, as Spark does. */
  @SuppressWarnings("unchecked")
  public static scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression>
      rearrangeArguments(org.apache.spark.sql.catalyst.plans.logical.FunctionSignature signature,
      scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression> args,
      String function) {
    return (scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression>)
        invokeNamed(REARRANGE, signature, args, function);
  }

  /** Fails, with Spark's error classes, on a positional argument after a named one or a name twice. */
  public static void checkNamedArguments(
      scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression> args,
      String function) {
    invokeNamed(SPLIT, args, function);
  }

  private static Object invokeNamed(MethodHandle handle, Object... args) {
    Object[] all = args;
    if (NAMED_WITH_RESOLVER) {
      all = java.util.Arrays.copyOf(args, args.length + 1);
      all[args.length] = org.apache.spark.sql.internal.SQLConf.get().resolver();
    }
    try {
      return handle.invokeWithArguments(all);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      // AnalysisException is checked to Java but not to Scala: rethrown as it is.
      throw dev.quiver.spark.QuiverErrors.raise(e);
    }
  }

  private static boolean namedParametersTakeResolver() {
    try {
      org.apache.spark.sql.catalyst.plans.logical.NamedParametersSupport.class.getMethod(
          "splitAndCheckNamedArguments", scala.collection.immutable.Seq.class, String.class,
          scala.Function2.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static MethodHandle namedParameters(String name, Class<?>... parameters) {
    Class<?>[] all = parameters;
    if (NAMED_WITH_RESOLVER) {
      all = java.util.Arrays.copyOf(parameters, parameters.length + 1);
      all[parameters.length] = scala.Function2.class;
    }
    try {
      Class<?> owner = org.apache.spark.sql.catalyst.plans.logical.NamedParametersSupport.class;
      java.lang.reflect.Method method = owner.getMethod(name, all);
      return MethodHandles.publicLookup().unreflect(method);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Spark " + VERSION + " has no NamedParametersSupport."
          + name + " of the expected form", e);
    }
  }

  /** The Spark Quiver runs on. */
  public static SparkVersion version() {
    return VERSION;
  }

  /**
   * Whether function registry keys are three-part names under {@code system.builtin} and
   * {@code system.session} (Spark 4.2), found by the namespace constant 4.1 lacks.
   */
  public static boolean qualifiedFunctionNames() {
    return QUALIFIED_FUNCTION_NAMES;
  }

  /**
   * A sorter that spills key-value rows to disk, with the spill thresholds of {@code conf}: the
   * number of records, and from Spark 4.1 also their size in bytes.
   */
  public static UnsafeKVExternalSorter newKVExternalSorter(StructType keySchema,
      StructType valueSchema, BlockManager blockManager, SerializerManager serializerManager,
      long pageSizeBytes, SparkConf conf) throws IOException {
    int numElements = (Integer) conf.get(SPILL_NUM_ELEMENTS);
    try {
      if (SPILL_MAX_SIZE != null) {
        return (UnsafeKVExternalSorter) KV_SORTER.invokeExact(keySchema, valueSchema,
            blockManager, serializerManager, pageSizeBytes, numElements,
            (long) (Long) conf.get(SPILL_MAX_SIZE));
      }
      return (UnsafeKVExternalSorter) KV_SORTER.invokeExact(keySchema, valueSchema,
          blockManager, serializerManager, pageSizeBytes, numElements);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean hasBuiltinNamespace() {
    try {
      Class.forName("org.apache.spark.sql.connector.catalog.CatalogManager$")
          .getMethod("BUILTIN_NAMESPACE");
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** A constant of Spark core's {@code org.apache.spark.internal.config} package; null if absent. */
  private static ConfigEntry<?> configEntry(String name) {
    Object config = org.apache.spark.internal.config.package$.MODULE$;
    try {
      return (ConfigEntry<?>) config.getClass().getMethod(name).invoke(config);
    } catch (NoSuchMethodException e) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read Spark's " + name + " on Spark " + VERSION, e);
    }
  }

  private static MethodHandle kvSorterConstructor(boolean withMaxSize) {
    MethodType type = MethodType.methodType(void.class, StructType.class, StructType.class,
        BlockManager.class, SerializerManager.class, long.class, int.class);
    if (withMaxSize) {
      type = type.appendParameterTypes(long.class);
    }
    try {
      return MethodHandles.publicLookup().findConstructor(UnsafeKVExternalSorter.class, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Quiver does not support Spark " + VERSION
          + ": it lacks the constructor UnsafeKVExternalSorter" + type.parameterList(), e);
    }
  }
}

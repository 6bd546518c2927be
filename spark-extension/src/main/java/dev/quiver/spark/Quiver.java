package dev.quiver.spark;

import dev.quiver.function.QuiverFunction;
import dev.quiver.spark.catalog.FunctionCatalog;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The Java API for sessions that run with {@link QuiverExtensions}.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder()
 *     .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
 *     .getOrCreate();
 * Quiver.Function plusOne = Quiver.register(spark, new PlusOne());
 * spark.table("items").select(plusOne.call(col("price")));
 * spark.sql("SELECT plus_one(price) FROM items");
 * }</pre>
 */
public final class Quiver {
  private Quiver() {}

  /** Registers a temporary function under its own {@link QuiverFunction#name()}. */
  public static Function register(SparkSession spark, QuiverFunction function) {
    return register(spark, function.name(), function);
  }

  /**
   * Registers a temporary function in one session under {@code name}, like {@code CREATE
   * TEMPORARY FUNCTION}: it is gone when the session ends, or after {@code DROP TEMPORARY FUNCTION
   * name}. The instance is serialized now, and every task on the executors starts from a copy.
   * Fails if the name is taken.
   */
  public static Function register(SparkSession spark, String name, QuiverFunction function) {
    FunctionCatalog.load().registerTemporary(spark, name, function);
    return new Function(name);
  }

  /** A registered function by name, for example one that a jar on the classpath declares. */
  public static Function function(String name) {
    return new Function(name);
  }

  /** A call of a registered scalar or aggregate function, for the Dataset API. */
  public static Column call(String name, Column... arguments) {
    return functions.call_function(name, arguments);
  }

  /** A registered function, callable from the Dataset API. */
  public static final class Function {
    private final String name;

    Function(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    /** A column that calls this function on {@code arguments}. */
    public Column call(Column... arguments) {
      return functions.call_function(name, arguments);
    }
  }
}

package dev.quiver.function.testing;

import dev.quiver.function.ScalarFunction;
import dev.quiver.function.arrow.InvalidResultException;
import dev.quiver.function.arrow.ResultChecks;
import dev.quiver.function.arrow.SparkTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs a {@link ScalarFunction} in a plain unit test, as one Spark task would: a fresh instance,
 * {@code open}, {@code eval} for each batch, {@code close} always; each result checked as
 * Quiver's executors check it (row count, Arrow type of the declared result type, buffers,
 * nulls where the type allows none) and read back as Java values; the task's allocator checked
 * for leaks at the end.
 *
 * <pre>{@code
 * assertEquals(Arrays.asList(2.0, null, 4.0), ScalarHarness.of(new PlusOne()).call(1.0, null, 3.0));
 *
 * // several arguments, a row per call; batches of two rows
 * ScalarHarness.of(new Scaled()).batchSize(2)
 *     .callRows(List.of(1.5, 2), List.of(2.0, 3), Arrays.asList(null, 1));
 * }</pre>
 *
 * Argument values are Java values of the argument types (see {@link Batches}); a function that
 * declares no {@code argumentTypes()} is given them with {@link #argumentTypes}. A check that
 * fails throws {@link InvalidResultException} with the message Quiver fails the query with; an
 * exception of the function comes out as it was thrown.
 */
public final class ScalarHarness extends Harness<ScalarFunction, ScalarHarness> {
  private List<String> argumentTypes;

  private ScalarHarness(ScalarFunction prototype, Supplier<ScalarFunction> instances) {
    super(prototype, instances);
    this.argumentTypes = prototype.argumentTypes();
  }

  /** A harness whose tasks run copies of {@code function}, shipped as by Quiver.register. */
  public static ScalarHarness of(ScalarFunction function) {
    return new ScalarHarness(function, shipped(function));
  }

  /** A harness whose tasks run instances from {@code instances}, such as {@code PlusOne::new}. */
  public static ScalarHarness of(Supplier<? extends ScalarFunction> instances) {
    return new ScalarHarness(instances.get(), instances::get);
  }

  /** The argument types as Spark DDL types, for a function that declares none. */
  public ScalarHarness argumentTypes(String... types) {
    this.argumentTypes = List.of(types);
    return this;
  }

  /** The results of a one-argument function for these argument values, one per row. */
  public List<Object> call(Object... values) {
    List<List<?>> rows = new ArrayList<>();
    for (Object value : values) {
      rows.add(Arrays.asList(value));
    }
    return callRows(rows);
  }

  /** The results for these rows, each a list of the arguments of one call. */
  public List<Object> callRows(List<?>... rows) {
    return callRows(Arrays.asList(rows));
  }

  /** The results for these rows, each a list of the arguments of one call. */
  public List<Object> callRows(List<? extends List<?>> rows) {
    Schema schema = argumentSchema();
    return task((function, allocator) -> {
      List<Object> results = new ArrayList<>();
      for (List<? extends List<?>> batch : batches(new ArrayList<List<?>>(rows))) {
        try (VectorSchemaRoot args = Batches.create(schema, batch, allocator)) {
          results.addAll(eval(function, args, allocator));
        }
      }
      return results;
    });
  }

  /**
   * The results for a batch of Arrow vectors the test built itself, in one task. The harness
   * does not close {@code args}.
   */
  public List<Object> eval(VectorSchemaRoot args) {
    return task((function, allocator) -> eval(function, args, allocator));
  }

  private List<Object> eval(ScalarFunction function, VectorSchemaRoot args,
      BufferAllocator allocator) throws Exception {
    FieldVector result = function.eval(args, allocator);
    try {
      Field expected = SparkTypes.field(name(), function.resultType(),
          function.resultNullable());
      ResultChecks.checkResult(name(), result, expected, args.getRowCount());
      return Batches.values(result);
    } finally {
      if (result != null) {
        result.close();
      }
    }
  }

  private Schema argumentSchema() {
    if (argumentTypes == null) {
      throw new IllegalStateException("Quiver function '" + name() + "' declares no "
          + "argumentTypes(); give them to the harness with argumentTypes(\"double\", ...)");
    }
    List<Field> fields = new ArrayList<>();
    List<String> names = prototype.parameterNames();
    for (int i = 0; i < argumentTypes.size(); i++) {
      String column = i < names.size() ? names.get(i) : "arg" + i;
      fields.add(SparkTypes.field(column, argumentTypes.get(i), true));
    }
    return new Schema(fields);
  }
}

package dev.quiver.spark.scalar;

import dev.quiver.function.ScalarFunction;
import dev.quiver.spark.QuiverException;
import dev.quiver.spark.arrow.ArrowTypes;
import dev.quiver.spark.arrow.ArrowMemoryVector;
import dev.quiver.spark.arrow.ColumnCopy;
import dev.quiver.spark.arrow.QuiverMemory;
import dev.quiver.spark.arrow.RowBatchWriter;
import dev.quiver.spark.arrow.VectorCopies;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.execution.TaskFunction;
import dev.quiver.spark.execution.TaskScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The calls of one task that share a guard (see {@link CallGroup}): their functions, the reusable argument batch, and the results of the
 * current batch, which stay valid until the next batch is evaluated.
 *
 * <p>Arguments are lent to functions, never given: a function that closes, resets or reallocates
 * an argument vector fails its query, naming it, before any other call reads that vector; and
 * when two calls of one projection read the same argument, every call after the first gets its
 * own copy, so that what one function writes into its arguments cannot reach another.
 */
final class ScalarCalls {
  /** Rows the off-heap result vectors hold at first; they grow with the batches they receive. */
  private static final int INITIAL_ROWS = 1024;

  private final CallGroup plan;
  private final List<TaskFunction<ScalarFunction>> functions = new ArrayList<>();
  private final RowBatchWriter writer;
  private final BufferAllocator allocator;
  /** For each call and argument: whether an earlier call reads the same argument vector. */
  private final boolean[][] copiedArgument;
  private final List<FieldVector> copies = new ArrayList<>();
  private final FieldVector[] results;
  /** Where fixed-width results are copied for Spark to read; null for other types. */
  private final OffHeapColumnVector[] sparkResults;
  private final List<Field> resultFields;

  /** The calls' functions and batches live in {@code scope}, which closes them. */
  ScalarCalls(CallGroup plan, TaskScope scope) {
    this.plan = plan;
    this.results = new FieldVector[plan.functions.length];
    this.sparkResults = new OffHeapColumnVector[plan.functions.length];
    // The scope closes in reverse: results and batches before the functions check that their
    // allocators are empty. Registered before anything is allocated, so that a failure below
    // (the task's Arrow limit reached) still frees what was.
    TaskScope functionScope = scope.nested();
    scope.add(this::release);
    for (int c = 0; c < sparkResults.length; c++) {
      DataType type = plan.resultSchema.fields()[c].dataType();
      // Booleans, bytes and shorts; wider fixed-width results are read in place.
      if (ColumnCopy.supportsToSpark(type) && type.defaultSize() < 4) {
        sparkResults[c] = new OffHeapColumnVector(Math.min(plan.batchSize, INITIAL_ROWS), type);
      }
    }
    this.resultFields = ArrowTypes.schema(plan.resultSchema, plan.timeZone).getFields();
    this.allocator = scope.allocator();
    this.writer = new RowBatchWriter(plan.argumentSchema, plan.timeZone, allocator);
    boolean[] read = new boolean[plan.argumentSchema.fields().length];
    this.copiedArgument = new boolean[plan.functions.length][];
    for (int c = 0; c < plan.functions.length; c++) {
      int[] indexes = plan.argumentIndexes[c];
      copiedArgument[c] = new boolean[indexes.length];
      for (int a = 0; a < indexes.length; a++) {
        copiedArgument[c][a] = read[indexes[a]];
        read[indexes[a]] = true;
      }
    }
    for (FunctionHandle handle : plan.functions) {
      functions.add(functionScope.function(handle, ScalarFunction.class));
    }
  }

  /** The argument batch, for generated code that writes it value by value. */
  RowBatchWriter writer() {
    return writer;
  }

  /** Starts a batch: forgets the previous one's arguments and results. */
  void reset() {
    closeResults();
    writer.reset();
  }

  /** Appends the arguments of one row; plain columns are read at their input ordinal. */
  void write(InternalRow row, InternalRow computedRow) {
    int[] ordinals = plan.argumentOrdinals;
    boolean[] fromComputed = plan.argumentComputed;
    try {
      for (int i = 0; i < ordinals.length; i++) {
        writer.write(i, fromComputed[i] ? computedRow : row, ordinals[i]);
      }
    } catch (OutOfMemoryException e) {
      throw argumentsTooLarge(e);
    }
    writer.next();
  }

  /** Writes the arguments of a whole columnar batch, all of them plain columns. */
  void write(ColumnarBatch batch) {
    write(batch, null, batch.numRows());
  }

  /** Writes the arguments of the batch's rows {@code selected[0..rows)}. */
  void write(ColumnarBatch batch, int[] selected, int rows) {
    try {
      writer.write(batch, plan.argumentOrdinals, selected, rows);
    } catch (OutOfMemoryException e) {
      throw argumentsTooLarge(e);
    }
  }

  /** Calls every function on the batch written so far; returns one column per call. */
  ColumnVector[] evaluate() {
    VectorSchemaRoot written = writer.finish();
    int rows = writer.rows();
    List<FieldVector> all = written.getFieldVectors();
    VectorSchemaRoot[] arguments = new VectorSchemaRoot[functions.size()];
    for (int c = 0; c < functions.size(); c++) {
      arguments[c] = argumentsOf(c, all, rows);
    }
    ColumnVector[] columns = new ColumnVector[functions.size()];
    for (int c = 0; c < functions.size(); c++) {
      TaskFunction<ScalarFunction> function = functions.get(c);
      VectorSchemaRoot args = arguments[c];
      long[][] before = fingerprints(args);
      long start = System.nanoTime();
      FieldVector result = function.call("eval",
          () -> function.function().eval(args, function.allocator()));
      plan.functionTime.add(System.nanoTime() - start);
      results[c] = result;
      checkArgumentsIntact(c, function.name(), args, before, result);
      ArrowTypes.checkResult(function.name(), result, resultFields.get(c), rows);
      ColumnVector inPlace = ArrowMemoryVector.inPlace(
          plan.resultSchema.fields()[c].dataType(), result, rows);
      if (inPlace != null) {
        columns[c] = inPlace;
      } else if (sparkResults[c] != null) {
        ColumnCopy.copyToSpark(result, rows, sparkResults[c]);
        columns[c] = sparkResults[c];
      } else {
        columns[c] = new ArrowColumnVector(result);
      }
    }
    return columns;
  }

  /**
   * Call {@code c}'s arguments: the written vectors, or copies of those an earlier call reads
   * too. Copies are made before any call runs, so each sees the arguments as Quiver wrote them.
   */
  private VectorSchemaRoot argumentsOf(int c, List<FieldVector> all, int rows) {
    int[] indexes = plan.argumentIndexes[c];
    List<FieldVector> vectors = new ArrayList<>(indexes.length);
    List<Field> fields = new ArrayList<>(indexes.length);
    for (int a = 0; a < indexes.length; a++) {
      FieldVector vector = all.get(indexes[a]);
      if (copiedArgument[c][a]) {
        try {
          vector = VectorCopies.deepCopy(vector, allocator);
        } catch (OutOfMemoryException e) {
          throw argumentsTooLarge(e);
        }
        copies.add(vector);
      }
      vectors.add(vector);
      fields.add(vector.getField());
    }
    return new VectorSchemaRoot(fields, vectors, rows);
  }

  private static long[][] fingerprints(VectorSchemaRoot args) {
    List<FieldVector> vectors = args.getFieldVectors();
    long[][] prints = new long[vectors.size()][];
    for (int i = 0; i < prints.length; i++) {
      prints[i] = VectorCopies.fingerprint(vectors.get(i));
    }
    return prints;
  }

  private void checkArgumentsIntact(int call, String function, VectorSchemaRoot args,
      long[][] before, FieldVector result) {
    List<FieldVector> vectors = args.getFieldVectors();
    for (int i = 0; i < before.length; i++) {
      if (vectors.get(i) == result) {
        // Not ours to close with the results: the argument batch is reused.
        results[call] = null;
        throw QuiverException.invalidResult("Quiver function '" + function + "' returned its "
            + "argument vector " + (i + 1) + " as its result. Return a new vector (for an "
            + "unchanged argument, a copy made with getTransferPair(allocator) and copyValueSafe).");
      }
      if (!Arrays.equals(before[i], VectorCopies.fingerprint(vectors.get(i)))) {
        throw QuiverException.invalidResult("Quiver function '" + function + "' closed, reset "
            + "or reallocated its argument vector " + (i + 1) + " ('" + vectors.get(i).getName()
            + "'). Argument vectors belong to Quiver and are read-only for a function; "
            + "build results in new vectors from the allocator eval receives.");
      }
    }
  }

  QuiverException argumentsTooLarge(OutOfMemoryException e) {
    List<String> names = new ArrayList<>();
    for (FunctionHandle handle : plan.functions) {
      names.add("'" + handle.name() + "'");
    }
    return new QuiverException(QuiverException.MEMORY_LIMIT, "The argument batch of Quiver "
        + "function " + String.join(", ", names) + " did not fit: "
        + QuiverMemory.describeFailure(e) + " (or lower spark.quiver.batchSize)", e);
  }

  private void closeResults() {
    List<FieldVector> open = new ArrayList<>(Arrays.asList(results));
    Arrays.fill(results, null);
    open.addAll(copies);
    copies.clear();
    ArrowTypes.closeAll(open);
  }

  /** Closes the results and batches; idempotent. */
  private void release() {
    closeResults();
    if (writer != null) { // null when the constructor failed before it
      writer.close();
    }
    for (int c = 0; c < sparkResults.length; c++) {
      if (sparkResults[c] != null) {
        sparkResults[c].close();
        sparkResults[c] = null;
      }
    }
  }
}

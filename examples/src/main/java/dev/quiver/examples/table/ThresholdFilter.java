package dev.quiver.examples.table;

import dev.quiver.function.InvalidCallException;
import dev.quiver.function.table.AbstractTableFunction;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import java.util.List;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Keeps the rows whose {@code value} exceeds a threshold given as a scalar argument, by position
 * or by name.
 *
 * <pre>{@code
 * SELECT * FROM threshold_filter(TABLE(v), 10)
 * SELECT * FROM threshold_filter(TABLE(v), threshold => 10)
 * }</pre>
 */
public final class ThresholdFilter extends AbstractTableFunction {

  public ThresholdFilter() {
    super("threshold_filter", "partition_key int, value int");
  }

  @Override
  public String description() {
    return "The rows of a TABLE(partition_key int, value int) whose value exceeds threshold.\n"
        + "SELECT * FROM threshold_filter(TABLE(v), threshold => 10)";
  }

  /** A null threshold would keep nothing without saying why; other columns fail to cast. */
  @Override
  protected void validate(AnalyzeArguments call) {
    String usage = "threshold_filter(TABLE(v), threshold => 10)";
    Calls.requireColumns(call, usage, "partition_key", "int", "value", "int");
    if (call.arguments().get("threshold") == null) {
      throw new InvalidCallException("the threshold must be a constant number, not null: "
          + usage);
    }
  }

  @Override
  public List<String> parameterNames() {
    return List.of("threshold");
  }

  @Override
  public void eval(VectorSchemaRoot batch, Arguments arguments, Emitter out) {
    long threshold = arguments.getLong("threshold");
    IntVector keys = (IntVector) batch.getVector("partition_key");
    IntVector values = (IntVector) batch.getVector("value");
    try (VectorSchemaRoot kept = out.newBatch()) {
      IntVector keptKeys = (IntVector) kept.getVector(0);
      IntVector keptValues = (IntVector) kept.getVector(1);
      int n = 0;
      for (int i = 0; i < batch.getRowCount(); i++) {
        if (!values.isNull(i) && values.get(i) > threshold) {
          keptKeys.copyFromSafe(i, n, keys);
          keptValues.copyFromSafe(i, n, values);
          n++;
        }
      }
      kept.setRowCount(n);
      out.emit(kept);
    }
  }
}

package dev.quiver.examples.table;

import dev.quiver.function.table.AbstractTableFunction;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.Emitter;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Returns the input column {@code value} as it is, as an {@code int}.
 *
 * <pre>{@code
 * SELECT * FROM echo_table(TABLE(SELECT id AS value FROM range(5)))
 * QuiverTables.call(spark, "echo_table",
 *     QuiverTables.asTable(spark.range(5).selectExpr("id AS value")))
 * }</pre>
 */
public final class EchoTable extends AbstractTableFunction {

  public EchoTable() {
    super("echo_table", "value int");
  }

  @Override
  public String description() {
    return "The integer column value of its TABLE argument.\n"
        + "SELECT * FROM echo_table(TABLE(SELECT id AS value FROM range(5)))";
  }

  @Override
  protected void validate(AnalyzeArguments call) {
    Calls.requireColumns(call, "echo_table(TABLE(SELECT id AS value FROM range(5)))", "value",
        Calls.INTEGER);
  }

  @Override
  public void eval(VectorSchemaRoot batch, Arguments arguments, Emitter out) {
    FieldVector input = batch.getVector("value");
    if (input instanceof IntVector) {
      // The input column as it is, in a view that is not closed: the vector is Quiver's.
      out.emit(new VectorSchemaRoot(List.of(input.getField()), List.of(input),
          batch.getRowCount()));
      return;
    }
    BaseIntVector values = (BaseIntVector) input; // bigint from range(), for example
    try (VectorSchemaRoot result = out.newBatch()) {
      IntVector ints = (IntVector) result.getVector(0);
      ints.allocateNew(batch.getRowCount());
      for (int i = 0; i < batch.getRowCount(); i++) {
        if (input.isNull(i)) {
          ints.setNull(i);
        } else {
          ints.set(i, Math.toIntExact(values.getValueAsLong(i)));
        }
      }
      result.setRowCount(batch.getRowCount());
      out.emit(result);
    }
  }
}

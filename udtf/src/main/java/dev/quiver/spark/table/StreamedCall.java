package dev.quiver.spark.table;

import dev.quiver.spark.QuiverConf;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.execution.OperatorMetrics;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;

/**
 * What every table-valued operator ships to its tasks about the call itself, next to its own
 * inputs: the function, its result, the session's time zone and batch size, and the metrics.
 */
record StreamedCall(FunctionHandle function, StructType resultType, String timeZone,
    int batchSize, OperatorMetrics metrics) implements Serializable {

  /** The call as the driver plans it now, in the session's settings. */
  static StreamedCall of(FunctionHandle function, Seq<Attribute> result,
      OperatorMetrics metrics) {
    return new StreamedCall(function, TableFunctionExec.schemaOf(result),
        SQLConf.get().sessionLocalTimeZone(), QuiverConf.batchSize(), metrics);
  }
}

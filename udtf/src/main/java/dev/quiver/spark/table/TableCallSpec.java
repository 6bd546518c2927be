package dev.quiver.spark.table;

import dev.quiver.function.table.Arguments;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.execution.CatalystValues;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.types.DataType;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * What a table-function call with a TABLE argument is besides its expressions: the function,
 * the names its scalar arguments were passed by ("" for a positional one) and whether it runs
 * WITH SINGLE PARTITION. {@link TableFunctionCall} and the {@link TableFunctionExec} it is
 * planned as both hold it; the expressions (arguments, keys, orderings, result and TABLE
 * columns) stay constructor arguments of the nodes themselves, where Catalyst finds them to
 * resolve, rewrite and canonicalize.
 */
record TableCallSpec(FunctionHandle function, Seq<String> argumentNames,
    boolean singlePartition) implements Serializable {

  /** The call and its result columns, as EXPLAIN shows both the call and its operator. */
  String describe(Seq<Expression> arguments, Seq<Expression> partitionBy, Seq<SortOrder> orderBy,
      Seq<Attribute> resultAttributes) {
    List<String> args = new ArrayList<>();
    args.add("TABLE");
    List<String> names = Scala.list(argumentNames);
    List<Expression> values = Scala.list(arguments);
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i).sql();
      args.add(names.get(i).isEmpty() ? value : names.get(i) + " => " + value);
    }
    String text = function.name() + "(" + String.join(", ", args) + ")";
    if (singlePartition) {
      text += " WITH SINGLE PARTITION";
    } else if (!partitionBy.isEmpty()) {
      text += " PARTITION BY " + Scala.list(partitionBy);
    }
    if (!orderBy.isEmpty()) {
      text += " ORDER BY " + Scala.list(orderBy);
    }
    return text + ", " + Scala.list(resultAttributes);
  }

  /**
   * The parts of the call in the order EXPLAIN FORMATTED lists a node's arguments, as they were
   * listed when the nodes took each of them separately.
   */
  Iterator<Object> stringArgs(Seq<Expression> arguments, Seq<Expression> partitionBy,
      Seq<SortOrder> orderBy, Seq<Attribute> resultAttributes, Seq<Attribute> tableColumns) {
    return Scala.<Object>seq(function, arguments, argumentNames, partitionBy, orderBy,
        singlePartition, resultAttributes, tableColumns).iterator();
  }

  /** The constant scalar arguments as the function sees them. */
  Arguments constantArguments(Seq<Expression> arguments) {
    Arguments.Builder builder = Arguments.builder();
    List<String> names = Scala.list(argumentNames);
    List<Expression> values = Scala.list(arguments);
    for (int i = 0; i < values.size(); i++) {
      Expression e = values.get(i);
      DataType type = e.dataType();
      builder.add(names.get(i).isEmpty() ? null : names.get(i),
          CatalystValues.toJava(e.eval(null), type), type.simpleString(), true);
    }
    return builder.build();
  }
}

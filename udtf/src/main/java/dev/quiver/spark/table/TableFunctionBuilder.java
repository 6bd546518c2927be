package dev.quiver.spark.table;

import dev.quiver.spark.execution.CatalystValues;
import dev.quiver.function.table.AnalyzeArguments;
import dev.quiver.function.table.AnalyzeResult;
import dev.quiver.function.table.Arguments;
import dev.quiver.function.table.TableFunction;
import dev.quiver.function.InvalidCallException;
import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.NamedArguments;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FunctionTableSubqueryArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The table-function builder Spark calls while resolving a call in the FROM clause: it receives
 * the call's arguments as written (a {@code FunctionTableSubqueryArgumentExpression} with an
 * analyzed plan and unresolved PARTITION BY / ORDER BY, named arguments, outer references of a
 * LATERAL call), runs the function's {@code analyze}, and returns the relation: a
 * {@link TableFunctionCall} over the TABLE argument's plan, or, without a TABLE argument, a
 * {@code Generate} of a {@link TableFunctionGenerator} over {@code OneRowRelation}. The TABLE
 * argument's partitioning is taken over by the returned plan, so Spark's check that only Python
 * functions partition their input never sees it.
 */
final class TableFunctionBuilder extends AbstractFunction1<Seq<Expression>, LogicalPlan> {
  private final FunctionHandle handle;

  TableFunctionBuilder(FunctionHandle handle) {
    this.handle = handle;
  }

  @Override
  public LogicalPlan apply(Seq<Expression> arguments) {
    return build(handle, Scala.list(arguments));
  }

  /** The relation of a call of {@code handle}'s function with these arguments. */
  static LogicalPlan build(FunctionHandle handle, List<Expression> arguments) {
    String name = handle.name();
    TableFunction function = (TableFunction) handle.prototype();
    FunctionTableSubqueryArgumentExpression table = null;
    List<Expression> scalars = new ArrayList<>();
    List<String> names = new ArrayList<>();
    NamedArguments.checkOrder(name, arguments);
    for (Expression argument : arguments) {
      String key = null;
      Expression value = argument;
      if (argument instanceof NamedArgumentExpression named) {
        key = named.key();
        value = named.value();
      }
      if (value instanceof FunctionTableSubqueryArgumentExpression t) {
        if (table != null) {
          throw invalidCall(name, "it takes at most one TABLE argument, but was called with "
              + "several");
        }
        if (!t.outerAttrs().isEmpty()) {
          throw invalidCall(name, "its TABLE argument's query refers to columns of the outer "
              + "query " + Scala.list(t.outerAttrs()) + "; correlated TABLE arguments "
              + "are not supported");
        }
        table = t;
        continue;
      }
      scalars.add(value);
      names.add(key);
    }
    bindDeclaredParameters(name, function, scalars, names);

    Arguments.Builder known = Arguments.builder();
    for (int i = 0; i < scalars.size(); i++) {
      Expression e = scalars.get(i);
      boolean constant = e.foldable();
      if (table != null && !constant) {
        throw invalidCall(name, "it was called with a TABLE argument and the scalar argument "
            + e.sql() + ", which is not a constant; with a TABLE argument, scalar arguments must "
            + "be constants (column values reach the function through the TABLE argument)");
      }
      Object value = null;
      if (constant) {
        try {
          value = CatalystValues.toJava(e.eval(null), e.dataType());
        } catch (RuntimeException notYetEvaluable) { // e.g. current_date() before optimization
          constant = false;
        }
      }
      known.add(names.get(i), value, e.dataType().simpleString(), constant);
    }

    Map<String, String> columns = null;
    String tableDdl = null;
    if (table != null) {
      columns = new LinkedHashMap<>();
      for (StructField field : table.plan().schema().fields()) {
        columns.put(field.name(), field.dataType().simpleString());
      }
      tableDdl = ddl(table.plan().schema());
    }
    boolean partitioned = table != null && table.hasRepartitioning();
    AnalyzeResult analyzed;
    try {
      analyzed = function.analyze(
          new AnalyzeArguments(name, columns, tableDdl, partitioned,
              table == null ? List.of() : sqlOf(Scala.list(table.partitionByExpressions())),
              table == null ? List.of() : sqlOf(Scala.list(table.orderByExpressions())),
              known.build()));
    } catch (InvalidCallException e) {
      throw QuiverErrors.raise(QuiverErrors.invalidCall(name, e.getMessage()));
    } catch (Throwable e) {
      throw QuiverErrors.raise(QuiverErrors.analyzeFailed(name, e));
    }
    if (analyzed == null) {
      throw invalidResult(name, "it returned null");
    }
    StructType schema = resultSchema(name, analyzed.schema(), true);
    List<Attribute> output = new ArrayList<>();
    for (StructField field : schema.fields()) {
      output.add(new AttributeReference(field.name(), field.dataType(), field.nullable(),
          Metadata.empty(), NamedExpression.newExprId(), Scala.seq()));
    }
    List<String> argumentNames = new ArrayList<>();
    for (String n : names) {
      argumentNames.add(n == null ? "" : n);
    }

    if (table == null) {
      if (analyzed.requestsPartitioning()) {
        throw invalidResult(name, "it requests a partitioning, but the call has no TABLE "
            + "argument to partition");
      }
      TableFunctionGenerator generator = new TableFunctionGenerator(handle, Scala.seq(scalars),
          Scala.seq(argumentNames), schema, function.isDeterministic());
      return new Generate(generator, Scala.seq(), false, Option.empty(), Scala.seq(output),
          new OneRowRelation());
    }

    List<Expression> partitionBy = Scala.list(table.partitionByExpressions());
    List<SortOrder> orderBy = Scala.list(table.orderByExpressions());
    boolean single = table.withSinglePartition();
    if (analyzed.requestsPartitioning()) {
      if (partitioned) {
        throw invalidResult(name, "it requests a partitioning of its input, but the call "
            + "already has PARTITION BY or WITH SINGLE PARTITION; remove one of them");
      }
      if (analyzed.singlePartition() && !analyzed.partitionByExpressions().isEmpty()) {
        throw invalidResult(name, "it requests both PARTITION BY and WITH SINGLE PARTITION");
      }
      if (!analyzed.singlePartition() && analyzed.partitionByExpressions().isEmpty()) {
        throw invalidResult(name, "it requests an ORDER BY without PARTITION BY or WITH "
            + "SINGLE PARTITION");
      }
      single = analyzed.singlePartition();
      partitionBy = new ArrayList<>();
      for (String expression : analyzed.partitionByExpressions()) {
        partitionBy.add(columnsOf(name, "PARTITION BY", expression, table.plan(),
            parseExpression(name, expression)));
      }
      orderBy = new ArrayList<>();
      for (String expression : analyzed.orderByExpressions()) {
        SortOrder order = parseSortOrder(name, expression);
        columnsOf(name, "ORDER BY", expression, table.plan(), order.child());
        orderBy.add(order);
      }
    }
    List<Expression> constants = new ArrayList<>(scalars);
    LogicalPlan input = projectKeys(table.plan(), partitionBy, orderBy);
    return new TableFunctionCall(new TableCallSpec(handle, Scala.seq(argumentNames), single),
        Scala.seq(constants), Scala.seq(partitionBy), Scala.seq(orderBy), Scala.seq(output),
        table.plan().output(), input);
  }

  /**
   * Keys that are not columns of the TABLE argument are computed once per row by a projection
   * below the call, as Spark does for Python UDTFs, and replaced by references to its columns:
   * the shuffle, the sort and the grouping then agree on a non-deterministic key such as
   * {@code rand(42)}, and Spark's own rules extract what the projection holds (Quiver scalar
   * calls, non-deterministic expressions). The function still receives only the TABLE's columns.
   */
  private static LogicalPlan projectKeys(LogicalPlan plan, List<Expression> partitionBy,
      List<SortOrder> orderBy) {
    List<NamedExpression> projection = new ArrayList<>(Scala.list(plan.output()));
    int columns = projection.size();
    for (int i = 0; i < partitionBy.size(); i++) {
      partitionBy.set(i, keyColumn(partitionBy.get(i), "partition_by_" + i, projection));
    }
    for (int i = 0; i < orderBy.size(); i++) {
      SortOrder order = orderBy.get(i);
      Expression key = keyColumn(order.child(), "order_by_" + i, projection);
      if (key != order.child()) {
        orderBy.set(i, new SortOrder(key, order.direction(), order.nullOrdering(),
            order.sameOrderExpressions()));
      }
    }
    return projection.size() == columns ? plan : new Project(Scala.seq(projection), plan);
  }

  private static Expression keyColumn(Expression key, String name,
      List<NamedExpression> projection) {
    if (key instanceof Attribute) {
      return key;
    }
    // Resolved by name once the key is: a name no TABLE argument is expected to have.
    String column = "__quiver_" + name;
    projection.add(new Alias(key, column, NamedExpression.newExprId(), Scala.seq(),
        Option.empty(), Scala.seq()));
    return UnresolvedAttribute.quoted(column);
  }

  private static List<String> sqlOf(List<? extends Expression> expressions) {
    List<String> sql = new ArrayList<>();
    for (Expression e : expressions) {
      String text;
      try {
        text = e.sql();
      } catch (RuntimeException unresolvable) { // some unresolved expressions have no SQL yet
        text = e.toString();
      }
      sql.add(text);
    }
    return sql;
  }

  /**
   * With declared parameter names, puts the scalar arguments in declared order and names them,
   * by Spark's rules for named arguments; optional ones not passed become NULL.
   */
  private static void bindDeclaredParameters(String name, TableFunction function,
      List<Expression> scalars, List<String> names) {
    List<String> declared = function.parameterNames();
    if (declared == null || declared.isEmpty()) {
      return;
    }
    NamedArguments.validate(name, function, null);
    List<Expression> call = new ArrayList<>();
    for (int i = 0; i < scalars.size(); i++) {
      call.add(names.get(i) == null ? scalars.get(i)
          : new NamedArgumentExpression(names.get(i), scalars.get(i)));
    }
    List<Expression> bound = NamedArguments.bind(name, declared,
        function.requiredParameters(), null, call);
    scalars.clear();
    scalars.addAll(bound);
    names.clear();
    names.addAll(declared);
  }

  /** A schema as DDL, readably: {@code "id BIGINT, name STRING"}. */
  static String ddl(StructType schema) {
    List<String> fields = new ArrayList<>();
    for (StructField field : schema.fields()) {
      fields.add(field.toDDL());
    }
    return String.join(", ", fields);
  }

  /**
   * Parses a result schema, declared by {@code resultSchema()} or returned by {@code analyze()}
   * ({@code analyzed}): one that is not valid fails analysis with
   * {@link QuiverErrors#INVALID_DECLARATION} or {@link QuiverErrors#INVALID_ANALYZE_RESULT}.
   */
  static StructType resultSchema(String function, String ddl, boolean analyzed) {
    String problem = null;
    StructType schema = null;
    if (ddl == null || ddl.isBlank()) {
      problem = "no result schema";
    } else {
      try {
        schema = StructType.fromDDL(ddl);
        if (schema.fields().length == 0) {
          problem = "a result schema without columns ('" + ddl + "')";
        }
      } catch (Exception e) { // Spark's ParseException is checked to Java
        problem = "the result schema '" + ddl + "', which is not a valid Spark DDL schema such "
            + "as 'id int, name string': " + e.getMessage();
      }
    }
    if (problem == null) {
      return schema;
    }
    throw QuiverErrors.raise(analyzed ? QuiverErrors.invalidAnalyzeResult(function,
        "it returned " + problem + ".") : QuiverErrors.invalidDeclaration(function,
        "it declares " + problem + "."));
  }

  /**
   * {@code key} when every column it names is a column of the TABLE argument; otherwise the
   * call fails here, naming the function, rather than later with a column Spark cannot find.
   */
  private static Expression columnsOf(String function, String clause, String sql,
      LogicalPlan table, Expression key) {
    Transforms.exists(key, e -> {
      if (e instanceof UnresolvedAttribute column
          && table.resolve(column.nameParts(), SQLConf.get().resolver()).isEmpty()) {
        throw invalidResult(function, "its " + clause + " '" + sql + "' names the column "
            + column.sql() + ", which the TABLE argument does not have (its columns: "
            + String.join(", ", Scala.list(table.output()).stream().map(a -> a.name()).toList())
            + ")");
      }
      return false;
    });
    return key;
  }

  private static Expression parseExpression(String function, String sql) {
    try {
      return CatalystSqlParser$.MODULE$.parseExpression(sql);
    } catch (Exception e) {
      throw invalidResult(function, "its PARTITION BY '" + sql + "' is not a valid SQL "
          + "expression: " + e.getMessage());
    }
  }

  private static SortOrder parseSortOrder(String function, String sql) {
    try {
      LogicalPlan plan = CatalystSqlParser$.MODULE$.parsePlan("SELECT 1 ORDER BY " + sql);
      if (plan instanceof Sort sort && sort.order().size() == 1) {
        return sort.order().head();
      }
    } catch (Exception e) {
      throw invalidResult(function, "its ORDER BY '" + sql + "' is not a valid SQL sort "
          + "expression: " + e.getMessage());
    }
    throw invalidResult(function, "its ORDER BY '" + sql + "' is not one sort expression; give "
        + "one per string, such as \"ts DESC\"");
  }

  private static RuntimeException invalidCall(String function, String problem) {
    throw QuiverErrors.raise(QuiverErrors.invalidCall(function, problem));
  }

  private static RuntimeException invalidResult(String function, String problem) {
    throw QuiverErrors.raise(QuiverErrors.invalidAnalyzeResult(function, problem + "."));
  }
}

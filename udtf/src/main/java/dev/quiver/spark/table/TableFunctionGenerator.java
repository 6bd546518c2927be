package dev.quiver.spark.table;

import dev.quiver.spark.catalyst.CaseClass;
import dev.quiver.spark.catalog.FunctionHandle;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.shims.JavaGenerator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.collection.IterableOnce;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A Quiver table function called without a TABLE argument ({@code f(5)}, or
 * {@code LATERAL f(t.x)}), as the generator of a {@code Generate} over {@code OneRowRelation}:
 * the shape Spark uses for Python table functions, which its optimizer knows how to decorrelate
 * from a LATERAL join into {@code Generate} over the outer rows. {@link TableFunctionStrategy}
 * plans it as {@link LateralTableFunctionExec}; it is never evaluated row by row by Spark.
 */
public final class TableFunctionGenerator extends JavaGenerator
    implements CaseClass, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final FunctionHandle function;
  private final Seq<Expression> children;
  private final Seq<String> argumentNames;
  private final StructType elementSchema;
  private final boolean udfDeterministic;

  public TableFunctionGenerator(FunctionHandle function, Seq<Expression> children,
      Seq<String> argumentNames, StructType elementSchema, boolean udfDeterministic) {
    this.function = function;
    this.children = children;
    this.argumentNames = argumentNames;
    this.elementSchema = elementSchema;
    this.udfDeterministic = udfDeterministic;
  }

  public FunctionHandle function() {
    return function;
  }

  public Seq<String> argumentNames() {
    return argumentNames;
  }

  @Override
  public StructType elementSchema() {
    return elementSchema;
  }

  @Override
  public Seq<Expression> children() {
    return children;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new TableFunctionGenerator(function, newChildren.toList(), argumentNames,
        elementSchema, udfDeterministic);
  }

  /** Spark requires LATERAL subqueries to be deterministic; non-deterministic functions say so. */
  @Override
  public boolean deterministic() {
    return udfDeterministic && children.forall(Expression::deterministic);
  }

  @Override
  public DataType dataType() {
    return org.apache.spark.sql.types.ArrayType.apply(elementSchema); // as Generator.dataType
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public boolean foldable() {
    return false;
  }

  @Override
  public boolean supportCodegen() {
    return false;
  }

  @Override
  public IterableOnce<InternalRow> eval(InternalRow input) {
    throw new UnsupportedOperationException("Quiver table function '" + function.name()
        + "' runs in its own operator, not as a generator");
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    throw new UnsupportedOperationException("Quiver table function '" + function.name()
        + "' runs in its own operator, not in generated code");
  }

  @Override
  public String prettyName() {
    return function.name();
  }

  @Override
  public String toString() {
    return function.name() + arguments(Expression::toString);
  }

  @Override
  public String sql() {
    return function.name() + arguments(Expression::sql);
  }

  private String arguments(java.util.function.Function<Expression, String> show) {
    List<String> names = Scala.list(argumentNames);
    List<Expression> args = Scala.list(children);
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      if (!names.get(i).isEmpty()) {
        out.append(names.get(i)).append(" => ");
      }
      out.append(show.apply(args.get(i)));
    }
    return out.append(')').toString();
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {function, children, argumentNames, elementSchema, udfDeterministic};
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

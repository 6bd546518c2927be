package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.CaseClass;
import dev.quiver.spark.catalyst.QuiverLogicalNode;
import dev.quiver.spark.catalyst.ArgumentTypes;
import dev.quiver.spark.catalyst.CallSpec;
import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;

import dev.quiver.spark.catalog.FunctionHandle;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ImplicitCastInputTypes;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * A call of a Quiver scalar function in an expression tree. It cannot be evaluated row by row:
 * {@link ExtractScalarCalls} moves every call into an {@link EvalScalar} operator, which runs it on
 * Arrow batches, and leaves an attribute in its place.
 */
public final class ScalarCall extends Expression
    implements CaseClass, Unevaluable, ImplicitCastInputTypes, java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final CallSpec spec;
  private final Seq<Expression> children;
  private final ExprId resultId;

  public ScalarCall(CallSpec spec, Seq<Expression> children, ExprId resultId) {
    this.spec = spec;
    this.children = children;
    this.resultId = resultId;
  }

  public FunctionHandle function() {
    return spec.function();
  }

  public String name() {
    return spec.name();
  }

  @Override
  public DataType dataType() {
    return spec.dataType();
  }

  @Override
  public boolean nullable() {
    return spec.nullable();
  }

  @Override
  public boolean deterministic() {
    return spec.deterministic(children);
  }

  @Override
  public Seq<Expression> children() {
    return children;
  }

  @Override
  public Seq<AbstractDataType> inputTypes() {
    return spec.inputTypes(children);
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    return ArgumentTypes.check(inputTypes(), children);
  }

  /** The attribute that carries this call's result once it is evaluated below its operator. */
  public Attribute resultAttribute() {
    return new AttributeReference(name(), dataType(), nullable(), Metadata.empty(), resultId,
        Scala.seq());
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new ScalarCall(spec, newChildren.toList(), resultId);
  }

  /** Two calls of one function on the same arguments are the same, whatever their result ids. */
  @Override
  public Expression canonicalized() {
    List<Expression> canonical = new ArrayList<>();
    for (Expression child : Scala.list(children)) {
      canonical.add(child.canonicalized());
    }
    return new ScalarCall(spec, Scala.seq(canonical),
        new ExprId(-1L, NamedExpression$.MODULE$.jvmId()));
  }

  @Override
  public Object eval(InternalRow input) {
    throw new UnsupportedOperationException(
        "Quiver function '" + name() + "' runs on Arrow batches, not row by row");
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    throw new UnsupportedOperationException(
        "Quiver function '" + name() + "' runs on Arrow batches, not in generated code");
  }

  @Override
  public String prettyName() {
    return name();
  }

  @Override
  public String toString() {
    return spec.describe(children, "(");
  }

  @Override
  public String sql() {
    return spec.sql(children);
  }

  @Override
  public Object[] constructorArgs() {
    return new Object[] {spec, children, resultId};
  }

  @Override
  public boolean equals(Object that) {
    return CaseClass.equal(this, that);
  }
}

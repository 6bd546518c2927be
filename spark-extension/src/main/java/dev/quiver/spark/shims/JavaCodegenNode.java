package dev.quiver.spark.shims;

import dev.quiver.spark.catalyst.QuiverExecNode;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprValue;
import org.apache.spark.sql.catalyst.expressions.codegen.FalseLiteral$;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.execution.CodegenSupport;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * Base of a physical operator with one child, written in Java, that takes part in Spark's
 * whole-stage code generation. {@link CodegenSupport} holds a {@code var parent}, which Scala
 * compiles into an abstract getter and a setter with a compiler-made name that the implementing
 * class must store; and Spark's code fragments ({@link ExprCode}) are built in Scala through a
 * string interpolator Java does not have. Both are here, so that an operator states only its
 * generated code.
 */
public abstract class JavaCodegenNode extends QuiverExecNode implements CodegenSupport {
  private transient CodegenSupport parent;

  protected JavaCodegenNode(SparkPlan child) {
    super(child);
  }

  @Override
  public CodegenSupport parent() {
    return parent;
  }

  @Override
  public void parent_$eq(CodegenSupport parent) {
    this.parent = parent;
  }

  /** {@code consume(ctx, outputVars)}: the row as variables, no row object. */
  public final String consumeVariables(CodegenContext ctx, Seq<ExprCode> outputVars) {
    return consume(ctx, outputVars, null);
  }

  /**
   * A value computed by {@code code} into the Java variable {@code value} of type {@code type},
   * null when the boolean variable {@code isNull} says so ({@code isNull} null: never null).
   */
  public static ExprCode exprCode(String code, String isNull, String value, DataType type) {
    ExprValue nullValue = isNull == null ? FalseLiteral$.MODULE$
        : JavaCode.isNullVariable(isNull);
    return new ExprCode(new CodeBlock(dev.quiver.spark.catalyst.Scala.seq(code),
        dev.quiver.spark.catalyst.Scala.seq()), nullValue, JavaCode.variable(value, type));
  }

  /**
   * Makes {@code vars} the variables that bound references of the expressions generated next
   * read (Catalyst's {@code ctx.currentVars = vars; ctx.INPUT_ROW = null}).
   */
  public static void readVariables(CodegenContext ctx, Seq<ExprCode> vars) {
    ctx.currentVars_$eq(vars);
    ctx.INPUT_ROW_$eq(null);
  }

  /**
   * A field of the generated class: {@code ctx.addMutableState(javaType, name, init, true,
   * true)}, kept inline (not in an array of states) since it is read once per row.
   */
  public static String addField(CodegenContext ctx, String javaType, String name, String init) {
    return ctx.addMutableState(javaType, name, new Init(init), true, true);
  }

  /** The initializer of a field: {@code init} with {@code %s} standing for its name. */
  private static final class Init extends AbstractFunction1<String, String>
      implements java.io.Serializable {
    private final String init;

    Init(String init) {
      this.init = init;
    }

    @Override
    public String apply(String name) {
      return init.isEmpty() ? "" : String.format(init, name);
    }
  }
}

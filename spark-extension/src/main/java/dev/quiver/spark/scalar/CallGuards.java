package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.IsNaN;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NaNvl;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import scala.Tuple2;

/**
 * Where Quiver calls sit inside Spark's lazily evaluated expressions ({@code CASE WHEN}, {@code
 * IF}, {@code COALESCE}, {@code NANVL}, {@code AND}, {@code OR}, and what the analyzer rewrites
 * into them: simple {@code CASE}, {@code NVL}, {@code IFNULL}, {@code NVL2}, {@code NULLIF}), and
 * after a null input of a null-intolerant expression ({@code x + f(y)}), so that a call is
 * evaluated only on the rows whose branch Spark would evaluate.
 *
 * <p>A call's guard is the conjunction, outermost first, of the conditions Spark tests before it
 * reaches the call. It is built from Spark's own {@code And}, which does not evaluate its right
 * side where the left is false, so each condition of a guard is evaluated exactly on the rows
 * where the original expression evaluates it: a guard cannot fail where the query would not.
 *
 * <p>A guard is evaluated by the operator that runs the call, below the conditional that holds
 * it, so it can only use conditions that give the same answer there: deterministic ones, on
 * columns that operator's input has, without Quiver calls. A guard stops before the first
 * condition that is not like that (the conditions after it may rely on it); the call then runs on
 * more rows than the query needs, which the conditional above never reads, and EXPLAIN says so.
 * A call whose path has a condition with a Quiver call is not evaluated until that call has been
 * evaluated in an earlier operator: then the condition reads a column (see
 * {@link ExtractScalarCalls}).
 */
final class CallGuards {
  private CallGuards() {}

  /** An innermost call and the conditions, in evaluation order, under which it is evaluated. */
  record Occurrence(ScalarCall call, List<Expression> conditions) {
    /** Whether a condition on the way to the call calls a Quiver function itself. */
    boolean dependsOnCalls() {
      return conditions.stream().anyMatch(ExtractScalarCalls::hasCall);
    }
  }

  /** What a call is evaluated on: the rows where {@code condition} holds, or all (null). */
  record Guard(Expression condition, String note) {
    static final Guard ALL_ROWS = new Guard(null, null);
  }

  /** The calls of {@code e} whose arguments hold no further calls, with their conditions. */
  static List<Occurrence> innermost(Expression e) {
    List<Occurrence> out = new ArrayList<>();
    walk(e, List.of(), out);
    return out;
  }

  private static void walk(Expression e, List<Expression> path, List<Occurrence> out) {
    if (e instanceof ScalarCall call
        && Scala.list(call.children()).stream().noneMatch(ExtractScalarCalls::hasCall)) {
      out.add(new Occurrence(call, path));
    } else if (e instanceof CaseWhen caseWhen) {
      // The first branch whose condition is true; a null condition counts as false.
      List<Expression> earlier = path;
      for (Tuple2<Expression, Expression> branch : Scala.list(caseWhen.branches())) {
        walk(branch._1(), earlier, out);
        walk(branch._2(), with(earlier, isTrue(branch._1())), out);
        earlier = with(earlier, new Not(isTrue(branch._1())));
      }
      if (caseWhen.elseValue().isDefined()) {
        walk(caseWhen.elseValue().get(), earlier, out);
      }
    } else if (e instanceof If ifExpr) {
      walk(ifExpr.predicate(), path, out);
      walk(ifExpr.trueValue(), with(path, isTrue(ifExpr.predicate())), out);
      walk(ifExpr.falseValue(), with(path, new Not(isTrue(ifExpr.predicate()))), out);
    } else if (e instanceof Coalesce coalesce) {
      List<Expression> earlier = path;
      for (Expression child : Scala.list(coalesce.children())) {
        walk(child, earlier, out);
        earlier = with(earlier, new IsNull(child));
      }
    } else if (e instanceof NaNvl nanvl) {
      walk(nanvl.left(), path, out);
      walk(nanvl.right(), with(path, new IsNaN(nanvl.left())), out); // isnan(null) is false
    } else if (e instanceof And and) {
      // Spark evaluates the right side unless the left is false: also when it is null.
      walk(and.left(), path, out);
      walk(and.right(), with(path, isNotFalse(and.left())), out);
    } else if (e instanceof Or or) {
      walk(or.left(), path, out);
      walk(or.right(), with(path, new Not(isTrue(or.left()))), out);
    } else if (e.nullIntolerant() && e.children().size() > 1) {
      // Null when any input is: Spark's generated code does not evaluate the inputs after a
      // null one ({@code x + f(y)} with x null), nor does Quiver. An input that calls a Quiver
      // function does not guard the later ones: they would wait for its evaluation, one more
      // operator for a call whose result is thrown away anyway.
      List<Expression> earlier = path;
      for (Expression child : Scala.list(e.children())) {
        walk(child, earlier, out);
        if (child.nullable() && !ExtractScalarCalls.hasCall(child)) {
          earlier = with(earlier, new IsNotNull(child));
        }
      }
    } else {
      for (Expression child : Scala.list(e.children())) {
        walk(child, path, out);
      }
    }
  }

  /**
   * The guard of a call that {@code paths} lead to (one path per place it is called at, since
   * one evaluation serves them all), for an operator whose input has {@code available}.
   */
  static Guard guard(List<List<Expression>> paths, AttributeSet available) {
    Map<Expression, Expression> alternatives = new LinkedHashMap<>();
    String note = null;
    for (List<Expression> path : paths) {
      Expression conjunction = null;
      for (Expression condition : path) {
        String unusable = unusable(condition, available);
        if (unusable != null) {
          note = "guard stops before " + unusable + " " + condition.sql();
          break;
        }
        conjunction = conjunction == null ? condition : new And(conjunction, condition);
      }
      if (conjunction == null) {
        return path.isEmpty() ? new Guard(null, note) : new Guard(null, "evaluated on all rows: "
            + note);
      }
      alternatives.putIfAbsent(conjunction.canonicalized(), conjunction);
    }
    Expression any = null;
    for (Expression alternative : alternatives.values()) {
      any = any == null ? alternative : new Or(any, alternative);
    }
    return new Guard(any, note);
  }

  /** Why a condition cannot be part of a guard below its operator; null if it can. */
  private static String unusable(Expression condition, AttributeSet available) {
    if (Transforms.exists(condition, ExtractScalarCalls::isCall)) {
      return "the Quiver call in";
    }
    if (!condition.deterministic()) {
      return "the non-deterministic condition";
    }
    if (!condition.references().subsetOf(available)) {
      return "the condition on columns its input lacks,";
    }
    return null;
  }

  private static List<Expression> with(List<Expression> path, Expression condition) {
    List<Expression> longer = new ArrayList<>(path);
    longer.add(condition);
    return List.copyOf(longer);
  }

  static Expression isTrue(Expression condition) {
    return condition.nullable()
        ? new Coalesce(Scala.seq(condition, Literal.FalseLiteral())) : condition;
  }

  private static Expression isNotFalse(Expression condition) {
    return condition.nullable()
        ? new Coalesce(Scala.seq(condition, Literal.TrueLiteral())) : condition;
  }
}

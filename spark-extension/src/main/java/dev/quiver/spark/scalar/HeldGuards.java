package dev.quiver.spark.scalar;

import dev.quiver.spark.catalyst.Scala;
import dev.quiver.spark.catalyst.Transforms;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;

/**
 * The output list of a generated scalar operator without the conditions it has evaluated
 * already: in {@code CASE WHEN x <> 0 THEN f(x) ELSE -1 END} the operator evaluates
 * {@code x <> 0} on every row to gather the rows of {@code f}, and the batch records which rows it
 * gathered; the output then reads that record instead of evaluating the condition a second time,
 * and no longer keeps {@code x} for it. A {@code CASE WHEN} or {@code IF} condition is replaced
 * where it is exactly a group's guard (a guard holds where its condition is true; there, a null
 * condition counts as false too), so the record says what the condition would.
 *
 * @param output the output list, with such conditions replaced by {@code held} columns
 * @param held one boolean column per replaced guard: whether the row was gathered for it
 * @param groups for each held column, the index of its group of calls
 */
record HeldGuards(List<NamedExpression> output, List<Attribute> held, int[] groups) {
  static HeldGuards of(List<NamedExpression> projectList, CallGroup[] callGroups) {
    List<Attribute> held = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    List<NamedExpression> output = new ArrayList<>();
    for (NamedExpression e : projectList) {
      output.add((NamedExpression) ((Expression) e).transformUp(Transforms.everywhere(node -> {
        Expression x = (Expression) node;
        int conditions = x instanceof CaseWhen caseWhen ? caseWhen.branches().size()
            : x instanceof If ? 1 : 0;
        if (conditions == 0) {
          return x;
        }
        // A CASE WHEN's children are its branches' conditions and values, then its else value.
        List<Expression> children = new ArrayList<>(Scala.list(x.children()));
        boolean replaced = false;
        for (int c = 0; c < conditions; c++) {
          int at = x instanceof If ? 0 : 2 * c;
          Attribute column = heldColumn(children.get(at), callGroups, held, groups);
          if (column != null) {
            children.set(at, column);
            replaced = true;
          }
        }
        return replaced ? x.withNewChildren(Scala.seq(children)) : x;
      })));
    }
    return new HeldGuards(output, held, groups.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The held column of the group whose guard {@code condition} is, made once; or null. */
  private static Attribute heldColumn(Expression condition, CallGroup[] callGroups,
      List<Attribute> held, List<Integer> groups) {
    Expression asGuard = CallGuards.isTrue(condition);
    for (int g = 0; g < callGroups.length; g++) {
      Expression guard = callGroups[g].guard;
      if (guard != null && guard.semanticEquals(asGuard)) {
        int known = groups.indexOf(g);
        if (known >= 0) {
          return held.get(known);
        }
        Attribute column = new AttributeReference("quiver_held_" + g, DataTypes.BooleanType,
            false, Metadata.empty(), NamedExpression.newExprId(), Scala.seq());
        held.add(column);
        groups.add(g);
        return column;
      }
    }
    return null;
  }
}

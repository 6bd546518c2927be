package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.Scala;
import java.util.List;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import scala.collection.immutable.Seq;

/**
 * Key interning, DataFusion's {@code GroupValues}: the grouping key of each row to a dense group
 * id, with a value row per group that starts with the id (and, for {@link MapGroupKeys}, goes on
 * with the buffers of built-in aggregates). After a lookup or a step of the iteration,
 * {@link #value()} points at the group's value row. {@link #create} picks
 * {@link LongGroupKeys} for one integral key without built-in buffers, the common case it makes
 * several times cheaper, and {@link MapGroupKeys} otherwise.
 */
abstract class GroupKeys implements AutoCloseable {

  /**
   * @param template the value row of a new group: a 0 for the group id, then the initial values
   *     of the built-in buffers
   * @param builtins whether the value rows hold built-in buffers
   */
  static GroupKeys create(Seq<NamedExpression> grouping, Seq<Attribute> input,
      UnsafeRow template, boolean builtins, int maxGroups, TaskMemoryManager memoryManager) {
    GroupKeys longs = builtins ? null : LongGroupKeys.create(grouping, input, maxGroups);
    return longs != null ? longs
        : new MapGroupKeys(grouping, input, template, maxGroups, memoryManager);
  }

  /** The most groups the table takes: a new key beyond them gets no group. */
  final int maxGroups;
  /** The value row of the group last looked up or iterated, repointed by each. */
  final UnsafeRow value;
  int numGroups;

  GroupKeys(int maxGroups, UnsafeRow value) {
    this.maxGroups = maxGroups;
    this.value = value;
  }

  final int numGroups() {
    return numGroups;
  }

  abstract boolean hasKeys();

  /** Whether Spark granted no memory for a new group. */
  abstract boolean isFull();

  /** The value row of the group last looked up or iterated. */
  final UnsafeRow value() {
    return value;
  }

  /**
   * The group of {@code row}'s key, adding it if {@code mayAddGroup}; -1 when the key is new and
   * the table takes no more.
   */
  abstract int groupOf(InternalRow row, boolean mayAddGroup);

  /** Starts reading every group once, destructively: the table must be reset afterwards. */
  abstract void startIteration();

  /**
   * The key of the next group, with {@link #value()} pointing at its value row, or null after
   * the last. The key row is reused.
   */
  abstract UnsafeRow next();

  /** Empties the table for more groups. */
  abstract void reset();

  /** Memory held in Spark's managed pages, which their own consumer accounts. */
  abstract long memoryUsed();

  /** Heap held in plain arrays, for the table to reserve next to the states. */
  long heapBytes() {
    return 0;
  }

  @Override
  public abstract void close();

  /** Where each expression is in the input, when every one is a plain input column. */
  static int[] ordinals(Seq<Expression> expressions, Seq<Attribute> input) {
    List<Expression> list = Scala.list(expressions);
    List<Attribute> columns = Scala.list(input);
    int[] ordinals = new int[list.size()];
    for (int i = 0; i < ordinals.length; i++) {
      ordinals[i] = list.get(i) instanceof Attribute a ? Scala.ordinalOf(columns, a) : -1;
      if (ordinals[i] < 0) {
        return null;
      }
    }
    return ordinals;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Seq<Expression> upcast(Seq<?> expressions) {
    return (Seq) expressions;
  }
}

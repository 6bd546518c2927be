package dev.quiver.spark.aggregate;

import dev.quiver.spark.catalyst.Scala;
import java.util.List;
import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.map.BytesToBytesMap;
import scala.collection.immutable.Seq;

/**
 * Key interning, DataFusion's {@code GroupValues}: the grouping key of each row to a dense group
 * id, in a {@link BytesToBytesMap} in Spark's managed memory whose value row starts with the
 * group id and goes on with the buffers of built-in aggregates (see {@link BuiltinBuffers}). A
 * global aggregate has one group and no map. After a lookup or a step of the iteration,
 * {@link #value()} points at the group's value row.
 */
final class GroupKeys implements AutoCloseable {
  private static final int INITIAL_CAPACITY = 1 << 14;

  private final int numKeys;
  private final int maxGroups;
  private final UnsafeProjection keyProjection;
  private final UnsafeRow emptyKey;
  private final UnsafeRow template;
  private final TaskMemoryManager memoryManager;
  /** Null unless the table is keyed by one integral column and holds no built-in buffers. */
  private final KeyCache keyCache;
  private final UnsafeRow value;
  private final UnsafeRow singleValue;
  private final UnsafeRow iterationKey;
  /**
   * The keyed groups. It is read with its destructive iterator, which lets Spark spill the pages
   * not read yet when whatever consumes the output (a sorter, a shuffle) needs memory; after that
   * it is freed and replaced.
   */
  private BytesToBytesMap map;
  private BytesToBytesMap.MapIterator entries;
  private boolean singleRead;
  private int numGroups;
  private boolean full;

  /**
   * @param template the value row of a new group: a 0 for the group id, then the initial values
   *     of the built-in buffers
   * @param cacheKeys whether a {@link KeyCache} may answer lookups (only without built-in
   *     buffers, whose value row every row needs)
   */
  GroupKeys(Seq<NamedExpression> grouping, Seq<Attribute> input, UnsafeRow template,
      boolean cacheKeys, int maxGroups, TaskMemoryManager memoryManager) {
    this.numKeys = grouping.size();
    this.maxGroups = maxGroups;
    this.keyProjection = UnsafeProjection.create(upcast(grouping), input);
    this.emptyKey = UnsafeProjection.create(new DataType[0]).apply(new GenericInternalRow(0))
        .copy();
    this.template = template;
    this.memoryManager = memoryManager;
    this.keyCache = cacheKeys ? KeyCache.create(grouping, input) : null;
    this.value = new UnsafeRow(template.numFields());
    this.iterationKey = new UnsafeRow(numKeys);
    if (numKeys > 0) {
      this.map = newMap();
      this.singleValue = null;
    } else {
      this.map = null;
      this.singleValue = template.copy();
      this.numGroups = 1; // a global aggregate has its one group even without input
    }
  }

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

  private BytesToBytesMap newMap() {
    return new BytesToBytesMap(memoryManager, INITIAL_CAPACITY, memoryManager.pageSizeBytes());
  }

  int numGroups() {
    return numGroups;
  }

  boolean hasKeys() {
    return numKeys > 0;
  }

  /** Whether Spark granted no page for a new group. */
  boolean isFull() {
    return full;
  }

  /** The value row of the group last looked up or iterated. */
  UnsafeRow value() {
    return value;
  }

  /**
   * The group of {@code row}'s key, adding it if {@code mayAddGroup}; -1 when the key is new and
   * the table takes no more. Without a key cache hit, {@link #value()} then points at the group.
   */
  int groupOf(InternalRow row, boolean mayAddGroup) {
    if (keyCache != null && keyCache.enabled && !row.isNullAt(keyCache.ordinal)) {
      long key = keyCache.keyOf(row);
      int group = keyCache.get(key);
      if (group < 0) {
        group = lookup(keyProjection.apply(row), mayAddGroup);
        keyCache.put(key, group);
      }
      return group;
    }
    return lookup(numKeys == 0 ? null : keyProjection.apply(row), mayAddGroup);
  }

  private int lookup(UnsafeRow key, boolean mayAddGroup) {
    if (numKeys == 0) {
      value.pointTo(singleValue.getBaseObject(), singleValue.getBaseOffset(),
          singleValue.getSizeInBytes());
      return 0;
    }
    BytesToBytesMap.Location location = map.lookup(key.getBaseObject(), key.getBaseOffset(),
        key.getSizeInBytes());
    if (!location.isDefined()) {
      if (!mayAddGroup || numGroups >= maxGroups) {
        return -1;
      }
      template.setInt(0, numGroups);
      if (!location.append(key.getBaseObject(), key.getBaseOffset(), key.getSizeInBytes(),
          template.getBaseObject(), template.getBaseOffset(), template.getSizeInBytes())) {
        full = true;
        return -1;
      }
      numGroups++;
    }
    value.pointTo(location.getValueBase(), location.getValueOffset(),
        location.getValueLength());
    return value.getInt(0);
  }

  /** Starts reading every group once, destructively: the table must be reset afterwards. */
  void startIteration() {
    entries = map == null ? null : map.destructiveIterator();
    singleRead = false;
  }

  /**
   * The key of the next group, with {@link #value()} pointing at its value row, or null after
   * the last. The key row is reused.
   */
  UnsafeRow next() {
    if (map == null) {
      if (singleRead) {
        return null;
      }
      singleRead = true;
      value.pointTo(singleValue.getBaseObject(), singleValue.getBaseOffset(),
          singleValue.getSizeInBytes());
      return emptyKey;
    }
    if (!entries.hasNext()) {
      return null;
    }
    BytesToBytesMap.Location location = entries.next();
    iterationKey.pointTo(location.getKeyBase(), location.getKeyOffset(),
        location.getKeyLength());
    value.pointTo(location.getValueBase(), location.getValueOffset(),
        location.getValueLength());
    return iterationKey;
  }

  /** Empties the table for more groups. */
  void reset() {
    entries = null;
    if (map != null) {
      map.free();
      map = newMap();
      numGroups = 0;
    }
    if (keyCache != null) {
      keyCache.clear();
    }
    full = false;
  }

  long memoryUsed() {
    return map == null ? 0 : map.getTotalMemoryConsumption();
  }

  @Override
  public void close() {
    entries = null;
    if (map != null) {
      map.free();
      map = null;
    }
  }
}

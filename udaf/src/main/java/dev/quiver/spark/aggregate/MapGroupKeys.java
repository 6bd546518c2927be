package dev.quiver.spark.aggregate;

import org.apache.spark.memory.TaskMemoryManager;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.map.BytesToBytesMap;
import scala.collection.immutable.Seq;

/**
 * Keys of any types, in a {@link BytesToBytesMap} in Spark's managed memory whose value row
 * starts with the group id and goes on with the buffers of built-in aggregates (see
 * {@link BuiltinBuffers}). A global aggregate has one group and no map.
 */
final class MapGroupKeys extends GroupKeys {
  private static final int INITIAL_CAPACITY = 1 << 14;

  private final int numKeys;
  private final UnsafeProjection keyProjection;
  private final UnsafeRow emptyKey;
  private final UnsafeRow template;
  private final TaskMemoryManager memoryManager;
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
  private boolean full;

  /**
   * @param template the value row of a new group: a 0 for the group id, then the initial values
   *     of the built-in buffers
   */
  MapGroupKeys(Seq<NamedExpression> grouping, Seq<Attribute> input, UnsafeRow template,
      int maxGroups, TaskMemoryManager memoryManager) {
    super(maxGroups, new UnsafeRow(template.numFields()));
    this.numKeys = grouping.size();
    this.keyProjection = UnsafeProjection.create(upcast(grouping), input);
    this.emptyKey = UnsafeProjection.create(new DataType[0]).apply(new GenericInternalRow(0))
        .copy();
    this.template = template;
    this.memoryManager = memoryManager;
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

  private BytesToBytesMap newMap() {
    return new BytesToBytesMap(memoryManager, INITIAL_CAPACITY, memoryManager.pageSizeBytes());
  }

  @Override
  boolean hasKeys() {
    return numKeys > 0;
  }

  @Override
  boolean isFull() {
    return full;
  }

  @Override
  int groupOf(InternalRow row, boolean mayAddGroup) {
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

  @Override
  void startIteration() {
    entries = map == null ? null : map.destructiveIterator();
    singleRead = false;
  }

  @Override
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

  @Override
  void reset() {
    entries = null;
    if (map != null) {
      map.free();
      map = newMap();
      numGroups = 0;
    }
    full = false;
  }

  @Override
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

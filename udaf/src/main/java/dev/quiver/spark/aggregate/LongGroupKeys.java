package dev.quiver.spark.aggregate;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.immutable.Seq;

/**
 * One integral grouping column (bigint, int, smallint, tinyint, date) that is a plain input
 * column, without built-in buffers: an open-addressing table of primitive keys. A lookup reads
 * the key straight from the row and probes one array, where {@link MapGroupKeys} builds a key
 * row, hashes its bytes and touches its map's index, its key bytes and its value row, three cache
 * misses per row with a million groups. Groups are read back in id order. The arrays live on the
 * heap; {@link #heapBytes} lets the table reserve them from Spark's execution memory.
 */
final class LongGroupKeys extends GroupKeys {
  private static final int INITIAL_CAPACITY = 1 << 12;

  private final int ordinal;
  private final DataType type;
  /**
   * Probe table: slot {@code s} holds its key at {@code 2 * s} and its group + 1 at
   * {@code 2 * s + 1} (0 for an empty slot). Key and group side by side make a probe one cache
   * miss instead of two: with a million groups the table is far larger than the caches.
   */
  private long[] slots;
  /** The key of each group, in id order, for the output. */
  private long[] groupKeys;
  private int nullGroup;
  private final UnsafeRow key = new UnsafeRow(1);
  private int readGroup;

  private LongGroupKeys(int ordinal, DataType type, int maxGroups) {
    super(maxGroups, new UnsafeRow(1));
    this.ordinal = ordinal;
    this.type = type;
    key.pointTo(new byte[16], 16);
    value.pointTo(new byte[16], 16);
    clear();
  }

  /** The table for this grouping, or null when it is not one integral input column. */
  static LongGroupKeys create(Seq<NamedExpression> grouping, Seq<Attribute> input,
      int maxGroups) {
    if (grouping.size() != 1) {
      return null;
    }
    DataType type = ((Expression) grouping.head()).dataType();
    boolean integral = type == DataTypes.LongType || type == DataTypes.IntegerType
        || type == DataTypes.DateType || type == DataTypes.ShortType
        || type == DataTypes.ByteType;
    int[] ordinal = ordinals(upcast(grouping), input);
    return integral && ordinal != null ? new LongGroupKeys(ordinal[0], type, maxGroups) : null;
  }

  private void clear() {
    slots = new long[2 * INITIAL_CAPACITY];
    groupKeys = new long[INITIAL_CAPACITY / 2];
    nullGroup = -1;
    numGroups = 0;
  }

  @Override
  boolean hasKeys() {
    return true;
  }

  @Override
  boolean isFull() {
    return false;
  }

  @Override
  int groupOf(InternalRow row, boolean mayAddGroup) {
    if (row.isNullAt(ordinal)) {
      if (nullGroup < 0 && mayAddGroup && numGroups < maxGroups) {
        nullGroup = addGroup(0);
      }
      return nullGroup;
    }
    long k = type == DataTypes.LongType ? row.getLong(ordinal)
        : type == DataTypes.ShortType ? row.getShort(ordinal)
        : type == DataTypes.ByteType ? row.getByte(ordinal)
        : row.getInt(ordinal);
    long[] table = slots;
    int mask = (table.length >>> 1) - 1;
    int slot = hash(k) & mask;
    long group;
    while ((group = table[2 * slot + 1]) != 0) {
      if (table[2 * slot] == k) {
        return (int) group - 1;
      }
      slot = (slot + 1) & mask;
    }
    if (!mayAddGroup || numGroups >= maxGroups) {
      return -1;
    }
    int added = addGroup(k);
    table[2 * slot] = k;
    table[2 * slot + 1] = added + 1;
    if (4L * numGroups > table.length) {
      rehash();
    }
    return added;
  }

  private int addGroup(long k) {
    if (numGroups == groupKeys.length) {
      groupKeys = Arrays.copyOf(groupKeys, groupKeys.length * 2);
    }
    groupKeys[numGroups] = k;
    return numGroups++;
  }

  private void rehash() {
    long[] table = new long[slots.length * 2];
    int mask = (table.length >>> 1) - 1;
    for (int s = 0; s < slots.length; s += 2) {
      if (slots[s + 1] != 0) {
        int to = hash(slots[s]) & mask;
        while (table[2 * to + 1] != 0) {
          to = (to + 1) & mask;
        }
        table[2 * to] = slots[s];
        table[2 * to + 1] = slots[s + 1];
      }
    }
    slots = table;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  @Override
  void startIteration() {
    readGroup = 0;
  }

  @Override
  UnsafeRow next() {
    if (readGroup >= numGroups) {
      return null;
    }
    int g = readGroup++;
    if (g == nullGroup) {
      key.setNullAt(0);
    } else {
      long k = groupKeys[g];
      key.setLong(0, 0L); // clears the slot's bytes and the null bit
      if (type == DataTypes.LongType) {
        key.setLong(0, k);
      } else if (type == DataTypes.ShortType) {
        key.setShort(0, (short) k);
      } else if (type == DataTypes.ByteType) {
        key.setByte(0, (byte) k);
      } else {
        key.setInt(0, (int) k);
      }
    }
    value.setInt(0, g);
    return key;
  }

  @Override
  void reset() {
    clear();
  }

  @Override
  long memoryUsed() {
    return 0;
  }

  @Override
  long heapBytes() {
    return 8L * slots.length + 8L * groupKeys.length;
  }

  @Override
  public void close() {
    slots = new long[0];
    groupKeys = new long[0];
  }
}

package dev.quiver.spark.aggregate;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.immutable.Seq;

/**
 * A small open-addressing table from a single integral grouping column's value to its group,
 * in front of {@link GroupKeys}' {@code BytesToBytesMap}: a hit skips building the key row, hashing its bytes
 * and comparing them, which is most of the per-row cost with few distinct keys. It holds at
 * most {@link #CAPACITY} / 2 keys (so its memory is fixed and small, and a miss costs few
 * probes); further keys go to the map only. Once full, it watches its hit rate and switches
 * itself off while most lookups miss (many distinct keys, little repetition), until the table
 * is emptied.
 */
final class KeyCache {
  static final int CAPACITY = 1 << 16;
  static final int WINDOW = 1 << 16;
  final int ordinal;
  final DataType type;
  final long[] keys = new long[CAPACITY];
  /** The group + 1 of each slot; 0 for an empty slot. */
  final int[] groups = new int[CAPACITY];
  int size;
  boolean enabled = true;
  int lookups;
  int hits;

  private KeyCache(int ordinal, DataType type) {
    this.ordinal = ordinal;
    this.type = type;
  }

  static KeyCache create(Seq<NamedExpression> grouping, Seq<Attribute> input) {
    if (grouping.size() != 1) {
      return null;
    }
    DataType type = ((Expression) grouping.head()).dataType();
    boolean integral = type == DataTypes.LongType || type == DataTypes.IntegerType
        || type == DataTypes.DateType || type == DataTypes.ShortType
        || type == DataTypes.ByteType;
    int[] ordinal = GroupKeys.ordinals(GroupKeys.upcast(grouping), input);
    return integral && ordinal != null ? new KeyCache(ordinal[0], type) : null;
  }

  long keyOf(InternalRow row) {
    if (type == DataTypes.LongType) {
      return row.getLong(ordinal);
    }
    if (type == DataTypes.ShortType) {
      return row.getShort(ordinal);
    }
    if (type == DataTypes.ByteType) {
      return row.getByte(ordinal);
    }
    return row.getInt(ordinal);
  }

  int get(long key) {
    int mask = CAPACITY - 1;
    int group = -1;
    for (int slot = hash(key) & mask; groups[slot] != 0; slot = (slot + 1) & mask) {
      if (keys[slot] == key) {
        group = groups[slot] - 1;
        break;
      }
    }
    if (size >= CAPACITY / 2) {
      hits += group >= 0 ? 1 : 0;
      if (++lookups == WINDOW) {
        enabled = hits >= WINDOW / 2;
        lookups = 0;
        hits = 0;
      }
    }
    return group;
  }

  void put(long key, int group) {
    if (group < 0 || size >= CAPACITY / 2) {
      return;
    }
    int mask = CAPACITY - 1;
    int slot = hash(key) & mask;
    while (groups[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    groups[slot] = group + 1;
    size++;
  }

  void clear() {
    if (size > 0) {
      Arrays.fill(groups, 0);
      size = 0;
    }
    enabled = true;
    lookups = 0;
    hits = 0;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}

package dev.quiver.function.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** The row view finds columns by name on every batch, whatever string object names them. */
class RowTest {

  private static VectorSchemaRoot batch(BufferAllocator allocator, String first, String second) {
    IntVector a = new IntVector(first, allocator);
    BigIntVector b = new BigIntVector(second, allocator);
    a.allocateNew(1);
    b.allocateNew(1);
    a.set(0, 7);
    b.set(0, 9L);
    VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(a, b));
    root.setRowCount(1);
    return root;
  }

  @Test
  void columnsAreFoundByNameAcrossBatchesOfOtherOrders() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot first = batch(allocator, "x", "y");
        VectorSchemaRoot second = batch(allocator, "y", "x")) {
      Row row = new Row();
      row.batch(first);
      row.at(0);
      assertEquals(7, row.getLong("x"));
      assertEquals(7, row.getLong("x"));
      // An equal string that is another object, and another case.
      assertEquals(9, row.getLong(new String("y")));
      assertEquals(9, row.getLong("Y"));
      row.batch(second);
      row.at(0);
      assertEquals(9, row.getLong("x"));
      assertEquals(7, row.getLong("y"));
      assertThrows(IllegalArgumentException.class, () -> row.getLong("z"));
      assertThrows(IllegalArgumentException.class, () -> row.getLong("z"));
    }
  }
}

package dev.quiver.spark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** A reused argument batch reads as if each batch were written into new vectors. */
class RowBatchWriterTest {

  private static InternalRow row(Object d, Object i, Object s, Object pair) {
    return new GenericInternalRow(new Object[] {d, i, s == null ? null
        : UTF8String.fromString((String) s), pair});
  }

  @Test
  void aBatchReadsOnlyItsOwnValuesWhateverTheLastBatchAndItsFunctionLeft() {
    StructType schema = StructType.fromDDL("d double, i int, s string, p struct<a: int>");
    try (BufferAllocator allocator = new RootAllocator();
        RowBatchWriter writer = new RowBatchWriter(schema, "UTC", allocator)) {
      for (int r = 0; r < 20; r++) {
        writer.write(row(1.5 + r, r, "value-" + r,
            new GenericInternalRow(new Object[] {r})));
      }
      VectorSchemaRoot first = writer.finish();
      assertEquals(20, first.getRowCount());
      // A function lent the batch may set validity bits, beyond its rows too, and offsets.
      for (int c = 0; c < 3; c++) {
        first.getVector(c).getValidityBuffer().setByte(5, 0xff);
      }
      ((VarCharVector) first.getVector(2)).getOffsetBuffer().setInt(0, 3);

      writer.reset();
      writer.write(row(null, null, null, null));
      writer.write(row(2.5, 7, "x", new GenericInternalRow(new Object[] {null})));
      writer.write(row(null, null, null, null));
      VectorSchemaRoot second = writer.finish();

      assertEquals(3, second.getRowCount());
      Float8Vector d = (Float8Vector) second.getVector(0);
      IntVector i = (IntVector) second.getVector(1);
      VarCharVector s = (VarCharVector) second.getVector(2);
      StructVector p = (StructVector) second.getVector(3);
      for (org.apache.arrow.vector.FieldVector v : second.getFieldVectors()) {
        assertEquals(3, v.getValueCount(), v.getName());
        assertEquals(2, v.getNullCount(), v.getName());
        assertTrue(v.isNull(0) && !v.isNull(1) && v.isNull(2), v.getName());
      }
      assertEquals(2.5, d.get(1));
      assertEquals(7, i.get(1));
      assertEquals("x", new String(s.get(1), java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(((IntVector) p.getChild("a")).isNull(1));
      // A null's slot holds 0, as in vectors Arrow reset; strings start at offset 0.
      assertEquals(0L, d.getDataBuffer().getLong(0));
      assertEquals(0, i.getDataBuffer().getInt(8));
      assertEquals(0, s.getOffsetBuffer().getInt(0));
      assertEquals(0, s.getValueLength(0));
      assertEquals(1, s.getOffsetBuffer().getInt(12));
      for (int r = 3; r < 48; r++) {
        assertTrue(d.isNull(r) && i.isNull(r) && s.isNull(r), "row " + r);
      }
    }
  }
}

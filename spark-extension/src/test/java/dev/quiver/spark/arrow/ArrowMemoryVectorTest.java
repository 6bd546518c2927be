package dev.quiver.spark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarRow;
import org.junit.jupiter.api.Test;

/** Which vectors are read in place: the Spark type decides with the Arrow class. */
class ArrowMemoryVectorTest {

  @Test
  void structsOfFlatFieldsAreReadInPlaceAndVariantsAreNot() {
    try (BufferAllocator allocator = new RootAllocator();
        StructVector pair = StructVector.empty("p", allocator);
        StructVector variant = StructVector.empty("v", allocator)) {
      BigIntVector a = pair.addOrGet("a", FieldType.nullable(new ArrowType.Int(64, true)),
          BigIntVector.class);
      VarCharVector b = pair.addOrGet("b", FieldType.nullable(ArrowType.Utf8.INSTANCE),
          VarCharVector.class);
      pair.allocateNew();
      pair.setIndexDefined(0);
      a.setSafe(0, 7);
      b.setSafe(0, "x".getBytes(StandardCharsets.UTF_8));
      pair.setNull(1);
      a.setNull(1);
      b.setNull(1);
      pair.setValueCount(2);
      StructType pairType = StructType.fromDDL("a bigint, b string");
      assertTrue(ArrowMemoryVector.supportsInPlace(pairType, pair));
      ColumnVector column = ArrowMemoryVector.inPlace(pairType, pair, 2);
      ColumnarRow row = column.getStruct(0);
      assertEquals(7, row.getLong(0));
      assertEquals("x", row.getUTF8String(1).toString());
      assertTrue(column.isNullAt(1));

      // Spark's variant is an Arrow struct of two binary fields.
      variant.addOrGet("value", FieldType.nullable(ArrowType.Binary.INSTANCE),
          VarBinaryVector.class);
      variant.addOrGet("metadata", FieldType.nullable(ArrowType.Binary.INSTANCE),
          VarBinaryVector.class);
      DataType variantType = DataType.fromDDL("variant");
      assertFalse(ArrowMemoryVector.supportsInPlace(variantType, variant));
      assertNull(ArrowMemoryVector.inPlace(variantType, variant, 0));
      assertFalse(ArrowMemoryVector.supportsInPlace(
          StructType.fromDDL("value binary, metadata binary, extra int"), variant));
      assertTrue(ArrowMemoryVector.supportsInPlace(
          StructType.fromDDL("value binary, metadata binary"), variant));
      assertFalse(ArrowMemoryVector.supportsInPlace(DataTypes.BinaryType, variant));
    }
  }
}

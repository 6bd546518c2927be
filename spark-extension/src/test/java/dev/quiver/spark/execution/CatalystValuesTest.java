package dev.quiver.spark.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The one Java-to-Catalyst conversion: lossless numbers fit, lossy ones fail saying why. */
class CatalystValuesTest {
  private static Object in(Object value, DataType type) {
    return CatalystValues.toCatalyst(value, type, true);
  }

  private static String refused(Object value, DataType type) {
    return assertThrows(CatalystValues.Mismatch.class, () -> in(value, type)).getMessage();
  }

  @Test
  void integersOfAnyIntegralClassOrExactValue() {
    assertEquals(7L, in(7, DataTypes.LongType));
    assertEquals(7L, in((short) 7, DataTypes.LongType));
    assertEquals(7, in(7L, DataTypes.IntegerType));
    assertEquals(2, in(2.0, DataTypes.IntegerType));
    assertEquals(5L, in(BigInteger.valueOf(5), DataTypes.LongType));
    assertEquals(5L, in(new BigDecimal("5.00"), DataTypes.LongType));
    assertEquals("is a Long 3000000000, which is out of range for type int",
        refused(3_000_000_000L, DataTypes.IntegerType));
    assertEquals("is a Double 2.5, which is not a whole number for type bigint",
        refused(2.5, DataTypes.LongType));
    assertEquals("is a String abc, which does not fit type int",
        refused("abc", DataTypes.IntegerType));
  }

  @Test
  void floatingPointOnlyWhereExact() {
    assertEquals(1.5, in(1.5f, DataTypes.DoubleType));
    assertEquals(3.0, in(3, DataTypes.DoubleType));
    assertEquals(0.5f, in(0.5, DataTypes.FloatType));
    assertEquals(Double.NaN, in(Double.NaN, DataTypes.DoubleType));
    assertEquals("is a Double 0.1, which would lose precision for type float",
        refused(0.1, DataTypes.FloatType));
    assertEquals("is a Long 9007199254740993, which would lose precision for type double",
        refused(9_007_199_254_740_993L, DataTypes.DoubleType));
  }

  @Test
  void nestedValuesSayWhere() {
    DataType ints = DataTypes.createArrayType(DataTypes.IntegerType, false);
    ArrayData data = (ArrayData) in(List.of(1, 2L), ints);
    assertEquals(2, data.getInt(1));
    CatalystValues.Mismatch m = assertThrows(CatalystValues.Mismatch.class,
        () -> in(List.of(1, "x"), ints));
    assertEquals("element 1", m.where);
    assertEquals("element 1 is a String x, which does not fit type int", m.getMessage());
    assertEquals("element 0 is NULL, which int does not allow here",
        refused(java.util.Arrays.asList(null, 1), ints));
    assertNull(in(null, DataTypes.IntegerType));
    assertEquals("is NULL, but the column is declared NOT NULL", assertThrows(
        CatalystValues.Mismatch.class,
        () -> CatalystValues.toCatalyst(null, DataTypes.IntegerType, false)).getMessage());
  }

  @Test
  void structsByNameRefuseKeysThatAreNoFields() {
    org.apache.spark.sql.types.StructType point = new org.apache.spark.sql.types.StructType()
        .add("x", DataTypes.IntegerType).add("y", DataTypes.IntegerType);
    org.apache.spark.sql.catalyst.InternalRow row = (org.apache.spark.sql.catalyst.InternalRow)
        in(java.util.Map.of("x", 1, "y", 2), point);
    assertEquals(2, row.getInt(1));
    String message = refused(java.util.Map.of("x", 1, "z", 2), point);
    assertTrue(message.contains("has key z, which is not a field of the struct"), message);
  }
}

package dev.quiver.spark.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.function.arrow.SparkTypes;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * quiver-api's DDL-to-Arrow mapping, which the test harnesses check results with, gives exactly
 * the fields of Spark's {@code ArrowUtils.toArrowField} that Quiver's executors check against.
 */
class SparkTypesTest {
  private static final List<String> TYPES = List.of("boolean", "tinyint", "byte", "smallint",
      "short", "int", "integer", "bigint", "long", "float", "real", "double", "decimal",
      "decimal(10,2)", "DECIMAL(38, 18)", "dec(5)", "numeric(7,3)", "string", "varchar(10)",
      "char(3)", "binary", "date", "timestamp", "timestamp_ltz", "timestamp_ntz", "void",
      "array<int>", "array<array<string>>", "map<string,double>", "map<int, array<date>>",
      "struct<a:int,b:string>", "struct<a int not null, `b c`: array<decimal(4,1)>>",
      "struct<>", "array<struct<k:string,v:map<string,struct<x:timestamp>>>>",
      "map<struct<a:bigint>,binary>", "STRUCT<Name: STRING NOT NULL COMMENT 'who'>");

  @Test
  void everyTypeMapsAsSparkMapsIt() {
    for (String type : TYPES) {
      for (boolean nullable : new boolean[] {true, false}) {
        DataType spark = DataType.fromDDL(type);
        Field expected = ArrowTypes.field("c", spark, nullable, "UTC");
        assertEquals(withoutMetadata(expected),
            withoutMetadata(SparkTypes.field("c", type, nullable)), type);
        assertEquals(spark.simpleString().replace("varchar(10)", "string")
            .replace("char(3)", "string"),
            SparkTypes.typeName(SparkTypes.field("c", type, nullable)).replace(" not null", ""),
            type);
      }
    }
  }

  @Test
  void schemasMapAsSparkMapsThem() {
    String ddl = "id bigint not null, name string, tags array<string>, "
        + "`odd name` map<string,int> not null, at timestamp COMMENT 'when'";
    List<Field> expected = ArrowTypes.schema(StructType.fromDDL(ddl), "UTC").getFields();
    List<Field> actual = SparkTypes.schema(ddl).getFields();
    assertEquals(expected.stream().map(SparkTypesTest::withoutMetadata).toList(),
        actual.stream().map(SparkTypesTest::withoutMetadata).toList());
  }

  /**
   * Names, types, nullability and children, which is what Quiver checks results against: Spark
   * 4.2 also carries a field's COMMENT into the Arrow field's metadata, which 4.0 and 4.1 do not.
   */
  private static Field withoutMetadata(Field field) {
    return new Field(field.getName(), new FieldType(field.isNullable(), field.getType(),
        field.getDictionary()), field.getChildren().stream()
        .map(SparkTypesTest::withoutMetadata).toList());
  }
}

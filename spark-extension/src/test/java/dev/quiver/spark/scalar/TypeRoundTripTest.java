package dev.quiver.spark.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.testing.QuiverSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Spark SQL type a user can pass or return goes through Arrow and back unchanged, nulls
 * included: an identity function returns exactly the column it received.
 */
class TypeRoundTripTest extends QuiverSession {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      boolean       | true                          | false
      tinyint       | cast(-128 as tinyint)         | cast(127 as tinyint)
      smallint      | cast(-32768 as smallint)      | cast(32767 as smallint)
      int           | -2147483648                   | 2147483647
      bigint        | -9223372036854775808L         | 9223372036854775807L
      float         | cast(-1.5e38 as float)        | cast('NaN' as float)
      double        | 4.9e-324d                     | cast('-Infinity' as double)
      decimal(10,2) | 12345678.91bd                 | -0.01bd
      decimal(38,18)| 12345678901234567890.123456789012345678bd | -1e-18bd
      string        | ''                            | 'Grüße, 世界 🚀'
      binary        | X''                           | X'00FF7F80'
      date          | date'0001-01-01'              | date'9999-12-31'
      timestamp     | timestamp'1970-01-01 00:00:00.000001 UTC' | timestamp'2024-02-29 23:59:59.999999 UTC'
      timestamp_ntz | timestamp_ntz'0001-01-01 00:00:00' | timestamp_ntz'2024-02-29 23:59:59.999999'
      array<int>    | array(1, null, 3)             | array()
      map<string,int> | map('a', 1, 'b', null)      | map()
      struct<a:int,b:string> | named_struct('a', 1, 'b', 'x') | named_struct('a', null, 'b', null)
      array<struct<k:string,v:array<double>>> | array(named_struct('k', 'x', 'v', array(1.5d, null)), null) | array()
      map<int,struct<m:map<string,bigint>,d:decimal(5,1)>> | map(1, named_struct('m', map('q', 7L), 'd', 1.5bd)) | map(2, null)
      struct<t:timestamp,n:timestamp_ntz,dt:date,b:binary> | named_struct('t', timestamp'2020-06-01 12:00:00 UTC', 'n', timestamp_ntz'2020-06-01 12:00:00', 'dt', date'2020-06-01', 'b', X'01')| null
      """)
  void roundTrips(String type, String first, String second) {
    SparkSession spark = spark();
    String function = "identity_" + type.replaceAll("[^a-z0-9]", "_");
    ensureRegistered(function, new ScalarFixtures.Identity(type));
    String values = "SELECT id, CASE id WHEN 0 THEN cast(" + first + " AS " + type + ") "
        + "WHEN 1 THEN cast(" + second + " AS " + type + ") END AS v FROM range(3)";
    Dataset<Row> expected = spark.sql(values + " ORDER BY id");
    List<Row> want = expected.collectAsList();
    // From rows (a computed relation), and from a Parquet scan's column batches: one file with
    // the null row, one without (a column without nulls is copied differently).
    String parquet = dir.resolve(function).toString();
    expected.write().parquet(parquet);
    String parquetNoNulls = dir.resolve(function + "_no_nulls").toString();
    expected.where("id < 2").write().parquet(parquetNoNulls);
    for (Dataset<Row> source : List.of(spark.sql(values), spark.read().parquet(parquet),
        spark.read().parquet(parquetNoNulls))) {
      Dataset<Row> actual = source.selectExpr("id", function + "(v) AS v").orderBy("id");
      assertEquals(expected.schema().apply("v").dataType(),
          actual.schema().apply("v").dataType());
      List<Row> got = actual.collectAsList();
      if (got.size() == 3) {
        assertEquals(null, got.get(2).get(1), "the null row");
      }
      for (int i = 0; i < 2; i++) {
        assertEquals(render(want.get(i).get(1)), render(got.get(i).get(1)), "row " + i);
      }
    }
  }

  @TempDir
  static Path dir;

  /** Rows compare arrays and byte arrays by identity; compare their contents instead. */
  private static String render(Object value) {
    if (value instanceof byte[] bytes) {
      return java.util.Arrays.toString(bytes);
    }
    if (value instanceof Row row) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < row.size(); i++) {
        out.append(render(row.get(i))).append(',');
      }
      return out.append(']').toString();
    }
    if (value instanceof scala.collection.Iterable<?> iterable) {
      StringBuilder out = new StringBuilder("{");
      iterable.foreach(v -> out.append(render(v)).append(';'));
      return out.append('}').toString();
    }
    if (value instanceof scala.Tuple2<?, ?> pair) {
      return render(pair._1()) + "->" + render(pair._2());
    }
    return String.valueOf(value);
  }
}

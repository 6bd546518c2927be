package dev.quiver.spark.table;

import static dev.quiver.spark.table.TableFunctionSqlTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Table-function calls behave as Spark's SQL semantics say, as for Python UDTFs. */
class TableSemanticsTest extends QuiverSession {

  @BeforeAll
  static void data() {
    spark().sql("SELECT id % 3 AS k, id AS x FROM range(0, 12)").createOrReplaceTempView("ts");
  }

  /** The function sees the TABLE argument's columns only, not the keys computed for it. */
  @Test
  void quiverScalarCallsAsKeys() {
    List<String> all = rows("SELECT k, x FROM ts ORDER BY x");
    assertEquals(all, rows("SELECT * FROM echo(TABLE(ts) PARTITION BY plus_one(k)) ORDER BY x"));
    assertEquals(all, rows("SELECT * FROM echo(TABLE(ts) PARTITION BY (k, plus_one(x) > 5) "
        + "ORDER BY plus_one(x) DESC) ORDER BY x"));
    assertEquals(all, rows("SELECT * FROM echo(TABLE(ts) WITH SINGLE PARTITION "
        + "ORDER BY plus_one(x)) ORDER BY x"));
    assertEquals(List.of("[eval,0,4,9,6,3,0]", "[eval,1,4,10,7,4,1]", "[eval,2,4,11,8,5,2]"),
        rows("SELECT * FROM trace(TABLE(ts) PARTITION BY plus_one(k) ORDER BY plus_one(x) "
            + "DESC) WHERE kind = 'eval' ORDER BY keys"));
  }
}

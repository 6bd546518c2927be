package dev.quiver.spark.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.spark.QuiverErrors;
import dev.quiver.spark.testing.QuiverSession;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.junit.jupiter.api.Test;

/**
 * Functions declared in META-INF/services that cannot be loaded (see {@link BrokenFixtures}): the
 * shared session starts with every other function, and a call of a broken one fails at analysis
 * naming its class, the jar that declares it and the cause.
 */
class BrokenFunctionTest extends QuiverSession {

  private static AnalysisException failure(String sql) {
    Throwable t = assertThrows(Throwable.class, () -> spark().sql(sql).collectAsList());
    AnalysisException e = assertInstanceOf(AnalysisException.class, t, messages(t));
    assertEquals(QuiverErrors.FUNCTION_LOAD_FAILED, e.getCondition(), e.getMessage());
    assertEquals("46103", e.getSqlState());
    return e;
  }

  @Test
  void theOtherFunctionsWork() {
    assertEquals("[3.0]", spark().sql("SELECT plus_one(2)").collectAsList().get(0).toString());
    List<String> functions = spark().sql("SHOW FUNCTIONS").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toList());
    assertTrue(functions.contains("broken_constructor"), functions.toString());
  }

  @Test
  void constructorThrowing() {
    AnalysisException e = failure("SELECT broken_constructor(1)");
    String message = e.getMessage();
    assertTrue(message.contains("[QUIVER_FUNCTION_LOAD_FAILED] Quiver function "
        + "`broken_constructor` cannot be used: its class "
        + BrokenFixtures.ThrowingConstructor.class.getName() + " from "), message);
    assertTrue(message.contains("test-classes"), "names where it was declared: " + message);
    assertTrue(message.contains("java.lang.IllegalStateException: no license key"), message);
    assertEquals(BrokenFixtures.ThrowingConstructor.class.getName(),
        e.getMessageParameters().get("className"));
  }

  @Test
  void missingDependencyAlsoInTheFromClause() {
    String message = failure("SELECT * FROM missing_dependency()").getMessage();
    assertTrue(message.contains(
        "java.lang.NoClassDefFoundError: com/example/sftp/SftpClient"), message);
    failure("SELECT missing_dependency(id) FROM range(3)");
  }

  @Test
  void noPublicConstructor() {
    String message = failure("SELECT no_public_constructor()").getMessage();
    assertTrue(message.contains("NoSuchMethodException"), message);
  }

  @Test
  void missingClassIsNamedByConvention() {
    String message = failure("SELECT missing()").getMessage();
    assertTrue(message.contains(BrokenFixtures.class.getName() + "$Missing"), message);
    assertTrue(message.contains("ClassNotFoundException"), message);
  }
}

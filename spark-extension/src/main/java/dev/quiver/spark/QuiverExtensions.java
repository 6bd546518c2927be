package dev.quiver.spark;

import dev.quiver.spark.catalog.FunctionCatalog;
import dev.quiver.spark.catalog.FunctionKind;
import dev.quiver.spark.shims.SparkVersion;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The Quiver entry point: {@code --conf spark.sql.extensions=dev.quiver.spark.QuiverExtensions}.
 *
 * <p>Installs the analyzer rules, optimizer rules and planner strategies of every function kind
 * whose module is on the classpath, and registers in every session the functions that jars on the
 * classpath declare and those {@code spark.quiver.functions} lists. Two functions under one name
 * fail session creation with a message naming both classes, and so does a Spark version the one
 * Quiver jar does not support (before 4.0). Function secrets set in a session fail analysis
 * ({@link SecretSettings}).
 */
public final class QuiverExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SparkVersion.checkSupported();
    extensions.injectPostHocResolutionRule(session -> new SecretSettings());
    FunctionCatalog catalog = FunctionCatalog.load();
    for (FunctionKind kind : catalog.kinds()) {
      kind.install(extensions);
    }
    String configured = QuiverConf.applicationConf().get(QuiverConf.FUNCTIONS, "");
    catalog.inject(extensions, catalog.discover(configured));
    return BoxedUnit.UNIT;
  }
}

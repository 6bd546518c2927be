package dev.quiver.spark.table;

import dev.quiver.spark.testing.DeclaredFixture;

/**
 * A test table or cogroup function declared in its constructor: name ({@link DeclaredFixture})
 * and result schema. Subclasses add {@code implements TableFunction} or {@code CoGroupFunction};
 * the ones META-INF/services lists keep a public no-argument constructor.
 */
abstract class DeclaredFunction extends DeclaredFixture {
  private static final long serialVersionUID = 1L;
  private final String resultSchema;

  /** A null {@code resultSchema} leaves the schema to the subclass's {@code analyze}. */
  DeclaredFunction(String name, String resultSchema) {
    super(name);
    this.resultSchema = resultSchema;
  }

  public String resultSchema() {
    return resultSchema;
  }
}

package dev.quiver.spark.table;

import dev.quiver.function.QuiverFunction;
import java.util.List;

/**
 * The declaration of a test table or cogroup function, given once in its constructor: name,
 * result schema and scalar parameters. Subclasses add {@code implements TableFunction} or
 * {@code CoGroupFunction}; the ones META-INF/services lists keep a public no-argument
 * constructor.
 */
abstract class DeclaredFunction implements QuiverFunction {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final String resultSchema;
  private final List<String> parameterNames;
  private final int requiredParameters;

  /** A null {@code resultSchema} leaves the schema to the subclass's {@code analyze}. */
  DeclaredFunction(String name, String resultSchema) {
    this(name, resultSchema, List.of(), 0);
  }

  DeclaredFunction(String name, String resultSchema, List<String> parameterNames,
      int requiredParameters) {
    this.name = name;
    this.resultSchema = resultSchema;
    this.parameterNames = parameterNames;
    this.requiredParameters = requiredParameters;
  }

  @Override
  public String name() {
    return name;
  }

  public String resultSchema() {
    return resultSchema;
  }

  @Override
  public List<String> parameterNames() {
    return parameterNames;
  }

  @Override
  public int requiredParameters() {
    return requiredParameters;
  }
}

package dev.quiver.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The demo: an embedded local Spark with Quiver and the example functions, the example tables
 * of the source documents, and their queries with results.
 *
 * <pre>
 * bin/demo                                  # runs every query in demo.sql
 * bin/demo "SELECT * FROM tokenize(TABLE(docs))"   # runs your own query
 * bin/demo --spark 4.0.1                    # the same jars on Spark 4.0.1
 * </pre>
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws IOException {
    SparkSession spark = SparkSession.builder()
        .appName("quiver-demo")
        .master("local[2]")
        .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    System.out.println("Quiver on Spark " + spark.version());
    try {
      List<String> statements = args.length > 0 ? List.of(String.join(" ", args))
          : demoQueries();
      createTables(spark);
      for (String statement : statements) {
        System.out.println();
        System.out.println(statement.strip() + ";");
        Dataset<Row> result = spark.sql(statement);
        if (statement.strip().toUpperCase(java.util.Locale.ROOT).startsWith("EXPLAIN")) {
          // A plan is one multi-line string; printed as it is, not as a table cell.
          System.out.println(result.first().getString(0));
        } else {
          result.show(100, false);
        }
      }
    } finally {
      spark.stop();
    }
  }

  /** Creates the example tables of the source documents as temporary views. */
  public static void createTables(SparkSession spark) throws IOException {
    for (String statement : statements(resource("tables.sql"))) {
      spark.sql(statement);
    }
  }

  /** The demo's queries. */
  public static List<String> demoQueries() throws IOException {
    return statements(resource("demo.sql"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Splits a script into statements at semicolons that end a line; drops comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      if (line.strip().startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}

package dev.quiver.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start compiles as written: its class is {@code examples/}' own
 * {@code PlusOne}, line for line but for the package and the Javadoc, which
 * {@code ShortPathExamplesTest} runs through the harness and in Spark.
 */
class ReadmeQuickStartTest {

  @Test
  void theQuickStartClassIsTheExamplesPlusOne() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String quickStart = readme.substring(readme.indexOf("## Quick start"));
    int start = quickStart.indexOf("```java\n") + "```java\n".length();
    String printed = quickStart.substring(start, quickStart.indexOf("```", start));
    String source = Files.readString(
        Path.of("src/main/java/dev/quiver/examples/scalar/PlusOne.java"));
    assertEquals(code(source), code(printed));
  }

  /** The lines of a class without its package line, Javadoc and blank lines. */
  private static List<String> code(String java) {
    String withoutDoc = java.replaceAll("(?s)/\\*\\*.*?\\*/", "");
    return withoutDoc.lines().filter(line -> !line.isBlank())
        .filter(line -> !line.startsWith("package ")).collect(Collectors.toList());
  }
}

package dev.quiver.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the packaged bundle: exactly Quiver's classes of every module, nothing of Spark, Arrow or
 * Scala, no test classes, and the {@code META-INF/services} files of all modules merged.
 */
class BundleJarIT {
  private static final Path BUNDLE = Path.of(property("quiver.bundle.jar"));
  private static final List<Path> MODULES = Stream.of(property("quiver.bundle.modules").split(","))
      .map(String::trim)
      .map(Path::of)
      .collect(Collectors.toList());

  @Test
  void isTheOnlyJarOfTheModule() throws IOException {
    assertTrue(Files.isRegularFile(BUNDLE), "bundle jar missing: " + BUNDLE);
    assertEquals("quiver-spark-bundle-", BUNDLE.getFileName().toString()
        .replaceFirst("[0-9][^/]*\\.jar$", ""), "bundle jar name: " + BUNDLE);
    try (Stream<Path> files = Files.list(BUNDLE.getParent())) {
      List<String> jars = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jar"))
          .sorted()
          .collect(Collectors.toList());
      assertEquals(List.of(BUNDLE.getFileName().toString()), jars,
          "jars in " + BUNDLE.getParent());
    }
  }

  @Test
  void holdsExactlyTheClassesOfQuiversModules() throws IOException {
    Set<String> expected = new TreeSet<>();
    for (Path module : MODULES) {
      assertTrue(Files.isRegularFile(module), "module jar missing: " + module);
      expected.addAll(classes(module));
    }
    assertTrue(expected.contains("dev/quiver/spark/QuiverExtensions.class"), expected.toString());
    assertTrue(expected.contains("dev/quiver/function/ScalarFunction.class"), expected.toString());

    Set<String> actual = classes(BUNDLE);
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    assertTrue(missing.isEmpty() && extra.isEmpty(),
        "bundle classes differ from the modules' classes; missing " + missing + ", extra " + extra);
  }

  @Test
  void holdsNothingOfSparkArrowOrScala() throws IOException {
    List<String> foreign = new ArrayList<>();
    try (JarFile jar = new JarFile(BUNDLE.toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (entry.isDirectory() || name.startsWith("META-INF/")) {
          continue;
        }
        if (!name.startsWith("dev/quiver/")) {
          foreign.add(name);
        }
      }
    }
    assertTrue(foreign.isEmpty(), "entries outside dev/quiver/ in the bundle: " + foreign);
    assertFalse(classes(BUNDLE).stream().anyMatch(c -> c.endsWith("Test.class")
        || c.endsWith("IT.class") || c.contains("/testing/")), "test classes in the bundle");
  }

  @Test
  void mergesTheServiceFilesOfAllModules() throws IOException {
    Map<String, Set<String>> expected = new TreeMap<>();
    for (Path module : MODULES) {
      services(module).forEach((file, lines) ->
          expected.computeIfAbsent(file, k -> new TreeSet<>()).addAll(lines));
    }
    assertTrue(expected.getOrDefault("META-INF/services/dev.quiver.spark.catalog.FunctionKind",
        Set.of()).contains("dev.quiver.spark.scalar.ScalarFunctionKind"), expected.toString());
    assertEquals(expected, services(BUNDLE));
    // Test fixtures declare functions; the bundle must not.
    assertFalse(services(BUNDLE).containsKey(
        "META-INF/services/dev.quiver.function.QuiverFunction"), "bundle declares functions");
  }

  private static Set<String> classes(Path jarPath) throws IOException {
    Set<String> names = new TreeSet<>();
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.getName().endsWith(".class")) {
          names.add(entry.getName());
        }
      }
    }
    return names;
  }

  /** Service file name to its non-comment lines. */
  private static Map<String, Set<String>> services(Path jarPath) throws IOException {
    Map<String, Set<String>> files = new TreeMap<>();
    try (JarFile jar = new JarFile(jarPath.toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.isDirectory() || !entry.getName().startsWith("META-INF/services/")) {
          continue;
        }
        Set<String> lines = new TreeSet<>();
        try (InputStream in = jar.getInputStream(entry)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String value = line.replaceFirst("#.*", "").trim();
            if (!value.isEmpty()) {
              lines.add(value);
            }
          }
        }
        files.put(entry.getName(), lines);
      }
    }
    return files;
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank() || value.contains("${")) {
      fail("system property " + name + " is not set (run through Maven: mvn verify)");
    }
    return value;
  }
}

package dev.quiver.spark.catalog;

import dev.quiver.function.QuiverFunction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The function classes that jars declare in {@code META-INF/services}, each with the jar that
 * declares it. Read by hand rather than through {@link java.util.ServiceLoader}, whose errors
 * tell neither which jar listed a class nor, for a class that fails, how to go on reliably.
 */
final class FunctionDeclarations {
  static final String RESOURCE = "META-INF/services/" + QuiverFunction.class.getName();

  private FunctionDeclarations() {}

  /** Class name to the jar (or directory) that declares it, in classpath order. */
  static Map<String, String> read(ClassLoader loader) throws IOException {
    Map<String, String> declared = new LinkedHashMap<>();
    Enumeration<URL> files = loader.getResources(RESOURCE);
    while (files.hasMoreElements()) {
      URL file = files.nextElement();
      for (String className : classNames(file)) {
        declared.putIfAbsent(className, container(file));
      }
    }
    return declared;
  }

  private static List<String> classNames(URL file) throws IOException {
    List<String> names = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int comment = line.indexOf('#');
        String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** The jar of a {@code jar:file:/x.jar!/META-INF/...} URL, or the class directory. */
  private static String container(URL file) {
    String path = file.toString();
    if (path.startsWith("jar:")) {
      path = path.substring(4, path.indexOf("!/") < 0 ? path.length() : path.indexOf("!/"));
    } else if (path.endsWith(RESOURCE)) {
      path = path.substring(0, path.length() - RESOURCE.length());
    }
    return path.startsWith("file:") ? path.substring(5) : path;
  }
}

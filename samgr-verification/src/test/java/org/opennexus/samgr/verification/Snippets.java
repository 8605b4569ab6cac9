package org.opennexus.samgr.verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a {@code java} code block of the docs, by these rules (also in CONTRIBUTING.md):
 *
 * <ol>
 *   <li>A block that declares a module ({@code module} or {@code open module}) is compiled as a
 *       {@code module-info.java} with samgr's modules on the module path; for each {@code provides
 *       org.opennexus.samgr.spi.SamgrBackend with C}, a minimal provider class {@code C} is
 *       generated.
 *   <li>A block that declares a type (its first line of code starts with {@code class}, {@code
 *       interface}, {@code record}, {@code enum}, a modifier or an annotation) is compiled as one
 *       source file after {@link #IMPORTS}.
 *   <li>Any other block is statements: the body of {@code void snippet() throws Exception} in a
 *       class with {@link #IMPORTS} and the names a snippet may use without declaring them: {@code
 *       samgr} (a {@code ServiceManager}), {@code clock} (a {@code ManualClock}), {@code handle} (a
 *       {@code ServiceHandle}) and the listener actions {@code connect(handle)}, {@code
 *       reconnect(handle)}, {@code disconnect()} and {@code alarm(handle)}.
 *   <li>A line {@code ...}, or one that starts and ends with {@code ...}, stands for code left out
 *       and becomes a comment.
 *   <li>A block that says {@code Java 21+} (in a comment) is compiled with {@code --release 21};
 *       every other with {@code --release 17}.
 * </ol>
 *
 * <p>Class path: samgr-api, samgr-junit, samgr-tck, samgr-metrics with Micrometer, and JUnit
 * Jupiter's API.
 */
final class Snippets {

  static final String JAVA_21 = "Java 21+";

  static final List<String> IMPORTS =
      List.of(
          "import static org.junit.jupiter.api.Assertions.*;",
          "import java.time.*;",
          "import java.util.*;",
          "import java.util.concurrent.*;",
          "import java.util.function.*;",
          "import org.junit.jupiter.api.*;",
          "import org.junit.jupiter.api.extension.*;",
          "import org.opennexus.samgr.*;",
          "import org.opennexus.samgr.junit.*;",
          "import org.opennexus.samgr.metrics.*;",
          "import org.opennexus.samgr.tck.*;",
          "import io.micrometer.core.instrument.MeterRegistry;",
          "import io.micrometer.core.instrument.simple.SimpleMeterRegistry;",
          "import io.micrometer.observation.ObservationRegistry;",
          "import java.util.stream.Stream;");

  private static final List<String> CONTEXT =
      List.of(
          "class Snippet {",
          "  ServiceManager samgr;",
          "  ManualClock clock;",
          "  ServiceHandle handle;",
          "  void connect(ServiceHandle handle) {}",
          "  void reconnect(ServiceHandle handle) {}",
          "  void disconnect() {}",
          "  void alarm(ServiceHandle handle) {}",
          "  void snippet() throws Exception {");

  private static final Pattern TYPE_START =
      Pattern.compile(
          "^(@|class |interface |record |enum |public |final |abstract |sealed |non-sealed ).*");
  private static final Pattern TYPE_NAME =
      Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");
  private static final Pattern MODULE_START = Pattern.compile("^(open\\s+)?module\\s.*");
  private static final Pattern PROVIDES =
      Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+);");
  private static final String BACKEND = "org.opennexus.samgr.spi.SamgrBackend";

  /** What a block is compiled as. */
  enum Kind {
    MODULE,
    TYPE,
    STATEMENTS
  }

  /** The kind of a block, by its first line of code. */
  static Kind kind(List<String> lines) {
    for (String line : lines) {
      String code = line.strip();
      if (code.isEmpty() || code.startsWith("//")) {
        continue;
      }
      if (MODULE_START.matcher(code).matches()) {
        return Kind.MODULE;
      }
      return TYPE_START.matcher(code).matches() ? Kind.TYPE : Kind.STATEMENTS;
    }
    return Kind.STATEMENTS;
  }

  /** Whether a block needs Java 21 to compile. */
  static boolean needsJava21(List<String> lines) {
    return lines.stream().anyMatch(line -> line.contains(JAVA_21));
  }

  /**
   * Compiles a block; returns javac's errors, each with the doc line it points at ({@code where} is
   * the block's {@code file:line}, its opening fence), or nothing if it compiles.
   */
  static List<String> compile(String where, List<String> block) {
    List<String> lines = new ArrayList<>();
    for (String line : block) {
      String code = line.strip();
      boolean elided = code.equals("...") || (code.startsWith("...") && code.endsWith("..."));
      lines.add(elided ? line.replace(code, "// " + code) : line);
    }
    Map<String, String> sources = new LinkedHashMap<>();
    int header; // lines before the block's first line in its source file
    Kind kind = kind(lines);
    if (kind == Kind.MODULE) {
      sources.put("module-info.java", String.join("\n", lines));
      sources.putAll(providers(String.join("\n", lines)));
      header = 0;
    } else if (kind == Kind.TYPE) {
      Matcher name = TYPE_NAME.matcher(String.join("\n", lines));
      String file = (name.find() ? name.group(1) : "Snippet") + ".java";
      sources.put(file, String.join("\n", IMPORTS) + "\n" + String.join("\n", lines));
      header = IMPORTS.size();
    } else {
      List<String> unit = new ArrayList<>(IMPORTS);
      unit.addAll(CONTEXT);
      header = unit.size();
      unit.addAll(lines);
      unit.add("  }");
      unit.add("}");
      sources.put("Snippet.java", String.join("\n", unit));
    }
    String release = needsJava21(lines) ? "21" : "17";
    return javac(sources, kind == Kind.MODULE, release, where, header);
  }

  /** A minimal provider class for each {@code provides SamgrBackend with C} of a module. */
  private static Map<String, String> providers(String module) {
    Map<String, String> sources = new LinkedHashMap<>();
    Matcher provides = PROVIDES.matcher(module);
    while (provides.find()) {
      if (!provides.group(1).equals(BACKEND)) {
        throw new IllegalArgumentException(
            "DocsTest generates providers of " + BACKEND + " only, not " + provides.group(1));
      }
      for (String type : provides.group(2).split(",", -1)) {
        String name = type.strip();
        int dot = name.lastIndexOf('.');
        sources.put(
            name.replace('.', '/') + ".java",
            String.join(
                "\n",
                "package " + name.substring(0, dot) + ";",
                "public class " + name.substring(dot + 1) + " implements " + BACKEND + " {",
                "  @Override public String environment() { return \"snippet\"; }",
                "  @Override public org.opennexus.samgr.ServiceManager open(",
                "      org.opennexus.samgr.spi.SamgrConfig config) {",
                "    throw new UnsupportedOperationException();",
                "  }",
                "}"));
      }
    }
    return sources;
  }

  private static List<String> javac(
      Map<String, String> sources, boolean modular, String release, String where, int header) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler: run the tests on a JDK");
    }
    @Nullable Path dir = null;
    try {
      dir = Files.createTempDirectory("samgr-snippet");
      List<Path> files = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = dir.resolve("src").resolve(source.getKey());
        Files.createDirectories(Objects.requireNonNull(file.getParent()));
        Files.writeString(file, source.getValue() + "\n", StandardCharsets.UTF_8);
        files.add(file);
      }
      String path = libraries().stream().map(Path::toString).collect(Collectors.joining(":"));
      List<String> options =
          List.of(
              "--release",
              release,
              "-proc:none",
              "-d",
              dir.resolve("out").toString(),
              modular ? "--module-path" : "-classpath",
              path);
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager manager =
          javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
        Iterable<? extends JavaFileObject> units = manager.getJavaFileObjectsFromPaths(files);
        javac.getTask(null, manager, diagnostics, options, null, units).call();
      }
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          long line = d.getLineNumber() - header;
          errors.add(where + " (snippet line " + line + "): " + d.getMessage(Locale.ROOT));
        }
      }
      return errors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  /** Where samgr-api, samgr-junit, samgr-tck and JUnit Jupiter's API (and what it needs) are. */
  static List<Path> libraries() {
    Set<Path> paths = new LinkedHashSet<>();
    for (Class<?> type :
        List.of(
            org.opennexus.samgr.Samgr.class,
            org.opennexus.samgr.junit.SamgrTest.class,
            org.opennexus.samgr.tck.FullContract.class,
            org.opennexus.samgr.metrics.SamgrMetrics.class,
            io.micrometer.core.instrument.MeterRegistry.class,
            io.micrometer.observation.ObservationRegistry.class,
            io.micrometer.common.KeyValue.class,
            org.junit.jupiter.api.Test.class,
            org.junit.platform.commons.annotation.Testable.class,
            org.opentest4j.AssertionFailedError.class,
            org.apiguardian.api.API.class,
            org.jspecify.annotations.NullMarked.class)) {
      try {
        paths.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return List.copyOf(paths);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Snippets() {}
}

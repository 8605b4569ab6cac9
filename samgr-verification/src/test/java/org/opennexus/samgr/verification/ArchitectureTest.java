package org.opennexus.samgr.verification;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The layering, made visible: backends use only samgr's API and SPI, never each other; the command
 * line and the JUnit extension use only the API; and no main source file grows to 800 lines or
 * more.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ArchitectureTest {

  private static final String SAMGR = "org.opennexus.samgr";
  private static final String API = "org.opennexus.samgr";
  private static final String SPI = "org.opennexus.samgr.spi";

  /**
   * Main source files allowed 800 lines or more: none (add one only with the issue that splits it).
   */
  private static final List<String> TOO_LONG_FOR_NOW = List.of();

  private static final int MAX_LINES = 800;

  private static final JavaClasses SAMGR_CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(SAMGR);

  /** A backend's package may use outside code, the API, the SPI, and itself. */
  private static void backendUsesOnlyApiAndSpi(String backend) {
    classes()
        .that()
        .resideInAPackage(backend + "..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage(SAMGR + "..")
                .or(resideInAnyPackage(API, SPI))
                .or(resideInAPackage(backend + "..")))
        .because("a backend builds on samgr's API and SPI only, never on another module")
        .check(SAMGR_CLASSES);
  }

  /**
   * A tool's package may use outside code, the API, itself, and the classes named in {@code also};
   * not the SPI.
   */
  private static void usesOnlyApi(String module, String... also) {
    classes()
        .that()
        .resideInAPackage(module + "..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage(SAMGR + "..")
                .or(resideInAnyPackage(API))
                .or(resideInAPackage(module + ".."))
                .or(JavaClass.Predicates.belongToAnyOf(classesNamed(also))))
        .because("it is a user of samgr: it sees what users see")
        .check(SAMGR_CLASSES);
  }

  @Test
  void hostUsesOnlyApiAndSpi() {
    backendUsesOnlyApiAndSpi("org.opennexus.samgr.host");
  }

  @Test
  void osStubUsesOnlyApiAndSpi() {
    backendUsesOnlyApiAndSpi("org.opennexus.samgr.os");
  }

  @Test
  void zookeeperUsesOnlyApiAndSpi() {
    backendUsesOnlyApiAndSpi("org.opennexus.samgr.zookeeper");
  }

  private static Class<?>[] classesNamed(String... names) {
    Class<?>[] classes = new Class<?>[names.length];
    for (int i = 0; i < names.length; i++) {
      try {
        classes[i] = Class.forName(names[i]);
      } catch (ClassNotFoundException e) {
        throw new AssertionError(names[i] + " is gone: remove it from ArchitectureTest", e);
      }
    }
    return classes;
  }

  @Test
  void commandLineUsesOnlyApi() {
    // `samgr serve` runs the zookeeper backend's one public class beside its provider, a
    // ZooKeeper server inside the JVM; nothing else of the backend. `serve --metrics` monitors
    // its client with samgr-metrics' public entry point, as any user would. The dashboard, watch
    // and await read a shared registry's connection from RegistryStats, the SPI's read-only view
    // made for metrics and dashboards, as any user may.
    usesOnlyApi(
        "org.opennexus.samgr.cli",
        "org.opennexus.samgr.zookeeper.EmbeddedZooKeeper",
        "org.opennexus.samgr.metrics.SamgrMetrics",
        "org.opennexus.samgr.spi.RegistryStats");
  }

  @Test
  void junitExtensionUsesOnlyApi() {
    usesOnlyApi("org.opennexus.samgr.junit");
  }

  @Test
  void noMainSourceFileHas800LinesOrMore() {
    Path root = Path.of(System.getProperty("samgr.repository", "..")).toAbsolutePath().normalize();
    Map<String, Integer> tooLong = new TreeMap<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path main : modules.map(m -> m.resolve("src/main/java")).collect(Collectors.toList())) {
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(main)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            int lines = Files.readAllLines(file, StandardCharsets.UTF_8).size();
            if (lines >= MAX_LINES) {
              tooLong.put(root.relativize(file).toString(), lines);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> problems = new ArrayList<>();
    tooLong.forEach(
        (file, lines) -> {
          if (!TOO_LONG_FOR_NOW.contains(file)) {
            problems.add(
                file
                    + " has "
                    + lines
                    + " lines: split it (at most "
                    + (MAX_LINES - 1)
                    + " lines per main source file)");
          }
        });
    for (String file : TOO_LONG_FOR_NOW) {
      if (!tooLong.containsKey(file)) {
        problems.add(
            file
                + " is below "
                + MAX_LINES
                + " lines or gone: remove it from"
                + " ArchitectureTest.TOO_LONG_FOR_NOW");
      }
    }
    assertEquals(List.of(), problems);
  }
}

package org.opennexus.samgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;
import org.opennexus.samgr.verification.LogCapture;

/**
 * White-box tests of {@link Selection#discover} with real {@link java.util.ServiceLoader} files
 * naming broken providers: samgr-api's own SelectionTest cannot (its tests are patched into a named
 * module, where class-path providers are ignored), so it lives here, on the class path, in the
 * API's package.
 */
class DiscoveryTest {

  /** A provider whose constructor throws. */
  public static final class ThrowingConstructor implements SamgrBackend {
    /** Always fails. */
    public ThrowingConstructor() {
      throw new IllegalStateException("constructor broke");
    }

    @Override
    public String environment() {
      return "never";
    }

    @Override
    public ServiceManager open(SamgrConfig config) {
      throw new AssertionError("never constructed");
    }
  }

  /** A provider with no environment name. */
  public static final class EmptyEnvironment implements SamgrBackend {
    /** Creates it. */
    public EmptyEnvironment() {}

    @Override
    public String environment() {
      return "";
    }

    @Override
    public ServiceManager open(SamgrConfig config) {
      throw new AssertionError("never opened");
    }
  }

  private static final String SERVICE = "META-INF/services/" + SamgrBackend.class.getName();

  /** A loader that sees the test class path plus a services file with the given lines. */
  private static URLClassLoader loaderWith(Path dir, List<String> lines) throws IOException {
    Path file = dir.resolve(SERVICE);
    Files.createDirectories(file.getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
    return new URLClassLoader(
        new URL[] {dir.toUri().toURL()}, DiscoveryTest.class.getClassLoader());
  }

  @Test
  void brokenProvidersAreKeptAndDoNotHideTheWorkingOnes(@TempDir Path dir) throws IOException {
    String throwing = ThrowingConstructor.class.getName();
    String empty = EmptyEnvironment.class.getName();
    try (URLClassLoader loader = loaderWith(dir, List.of(throwing, empty))) {
      Selection.Candidates candidates = Selection.discover(loader);
      assertEquals(
          List.of("host", "os", "zookeeper"), // zookeeper: for ZooKeeperModelTest
          candidates.found().stream().map(Selection.Found::environment).sorted().toList());
      assertEquals(
          List.of(throwing, empty),
          candidates.broken().stream().map(Selection.Broken::provider).toList());
      assertInstanceOf(ServiceConfigurationError.class, candidates.broken().get(0).cause());
      Throwable emptyCause = candidates.broken().get(1).cause();
      assertInstanceOf(IllegalStateException.class, emptyCause);
      assertEquals(
          "samgr backend " + empty + " returned an empty environment name",
          emptyCause.getMessage());
      assertEquals(empty + " (" + emptyCause + ")", candidates.broken().get(1).describe());
    }
  }

  @Test
  void missingProviderClassIsKeptAsBrokenUnderTheServiceName(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = loaderWith(dir, List.of("com.example.Missing"))) {
      Selection.Candidates candidates = Selection.discover(loader);
      assertEquals(3, candidates.found().size()); // host, os, zookeeper
      assertEquals(1, candidates.broken().size());
      Selection.Broken broken = candidates.broken().get(0);
      assertEquals("a provider of " + SamgrBackend.class.getName(), broken.provider());
      assertInstanceOf(ServiceConfigurationError.class, broken.cause());
      String message = String.valueOf(broken.cause().getMessage());
      assertTrue(message.contains("com.example.Missing"), message);
    }
  }

  @Test
  void discoveryGivesUpAfterSixtyFourFailures(@TempDir Path dir) throws IOException {
    List<String> missing =
        IntStream.range(0, 70)
            .mapToObj(i -> "com.example.Missing" + i)
            .collect(Collectors.toList());
    try (URLClassLoader loader = loaderWith(dir, missing)) {
      assertEquals(64, Selection.discover(loader).broken().size());
    }
  }

  @Test
  void brokenProviderBesideTheChosenOneIsLoggedAsAWarningNamingBoth(@TempDir Path dir)
      throws IOException {
    String throwing = ThrowingConstructor.class.getName();
    try (URLClassLoader loader = loaderWith(dir, List.of(throwing));
        LogCapture log = new LogCapture();
        ServiceManager registry = Samgr.builder().environment("host").open(loader)) {
      assertEquals("host", registry.environment());
      List<LogRecord> records = log.records();
      assertEquals(1, records.size(), () -> "records: " + records);
      LogRecord record = records.get(0);
      assertEquals(Level.WARNING, record.getLevel());
      assertEquals(
          "samgr provider "
              + throwing
              + " failed to load; using 'host' ("
              + registry.getClass().getPackageName()
              + ".HostBackend)",
          record.getMessage());
      Throwable thrown = assertInstanceOf(ServiceConfigurationError.class, record.getThrown());
      Throwable cause = assertInstanceOf(IllegalStateException.class, thrown.getCause());
      assertEquals("constructor broke", cause.getMessage());
    }
  }
}

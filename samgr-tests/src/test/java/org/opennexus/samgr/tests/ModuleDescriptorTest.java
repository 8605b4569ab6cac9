package org.opennexus.samgr.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.tck.Contract;

/**
 * The module boundaries are part of the contract, asserted from the descriptors as Caffeine's
 * {@code ModuleTest} does. Surefire runs this class twice and says which run it is in the system
 * property {@code samgr.tests.expectedPath}: on the module path the named modules are checked; on
 * the class path, that everything is unnamed and {@code META-INF/services} finds both backends.
 */
class ModuleDescriptorTest {

  private static final String API = "org.opennexus.samgr";
  private static final String HOST = "org.opennexus.samgr.host";
  private static final String OS = "org.opennexus.samgr.os";
  private static final String TCK = "org.opennexus.samgr.tck";
  private static final String TESTS = "org.opennexus.samgr.tests";
  private static final String SPI = "org.opennexus.samgr.spi.SamgrBackend";

  private static String expectedPath() {
    String path = System.getProperty("samgr.tests.expectedPath");
    assertNotNull(path, "run through Maven: surefire sets samgr.tests.expectedPath");
    assertTrue(path.equals("module-path") || path.equals("class-path"), "unknown path " + path);
    return path;
  }

  private static boolean onModulePath() {
    return expectedPath().equals("module-path");
  }

  private static ModuleDescriptor descriptor(String name) {
    Module module =
        ModuleLayer.boot()
            .findModule(name)
            .orElseThrow(() -> new AssertionError(name + " is not in the boot layer"));
    ModuleDescriptor descriptor = module.getDescriptor();
    assertNotNull(descriptor, name);
    return descriptor;
  }

  private static Set<String> exports(ModuleDescriptor descriptor) {
    for (ModuleDescriptor.Exports export : descriptor.exports()) {
      assertFalse(export.isQualified(), descriptor.name() + " has a qualified export: " + export);
    }
    return descriptor.exports().stream()
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
  }

  private static Map<String, Set<Modifier>> requires(ModuleDescriptor descriptor) {
    Map<String, Set<Modifier>> requires = new HashMap<>();
    for (ModuleDescriptor.Requires r : descriptor.requires()) {
      requires.put(r.name(), r.modifiers().isEmpty() ? Set.of() : EnumSet.copyOf(r.modifiers()));
    }
    return requires;
  }

  private static Map<String, List<String>> provides(ModuleDescriptor descriptor) {
    return descriptor.provides().stream()
        .collect(
            Collectors.toMap(
                ModuleDescriptor.Provides::service, ModuleDescriptor.Provides::providers));
  }

  @Test
  void testsRunOnTheExpectedPath() {
    Module tests = ModuleDescriptorTest.class.getModule();
    if (onModulePath()) {
      assertTrue(tests.isNamed(), "the tests should run in their named module");
      assertEquals(TESTS, tests.getName());
      ModuleDescriptor descriptor = tests.getDescriptor();
      assertNotNull(descriptor);
      assertTrue(descriptor.isOpen(), "the test module is open, for JUnit");
    } else {
      assertFalse(tests.isNamed(), "on the class path the tests are in the unnamed module");
    }
  }

  @Test
  void apiModuleExportsExactlyTheApiAndSpiAndUsesTheSpi() {
    if (!onModulePath()) {
      assertFalse(Samgr.class.getModule().isNamed(), "on the class path the API is unnamed");
      return;
    }
    ModuleDescriptor api = descriptor(API);
    assertEquals(API, Samgr.class.getModule().getName());
    assertFalse(api.isOpen());
    assertEquals(Set.of(API, "org.opennexus.samgr.spi"), exports(api));
    assertEquals(Set.of(), api.opens());
    assertEquals(Set.of(API, "org.opennexus.samgr.spi"), api.packages());
    assertEquals(Set.of(SPI), api.uses());
    assertEquals(Set.of(), api.provides());
    assertEquals(
        Map.of(
            "java.base", Set.of(Modifier.MANDATED),
            "org.jspecify", EnumSet.of(Modifier.STATIC, Modifier.TRANSITIVE)),
        requires(api));
  }

  @Test
  void hostModuleExportsNothingAndProvidesTheHostBackend() {
    if (!onModulePath()) {
      return; // covered by classPathServiceFilesListBothBackends
    }
    assertBackendModule(HOST, "org.opennexus.samgr.host.HostBackend");
  }

  @Test
  void osModuleExportsNothingAndProvidesTheOsBackend() {
    if (!onModulePath()) {
      return; // covered by classPathServiceFilesListBothBackends
    }
    assertBackendModule(OS, "org.opennexus.samgr.os.OsBackend");
  }

  private static void assertBackendModule(String name, String provider) {
    ModuleDescriptor backend = descriptor(name);
    String implementationPackage = provider.substring(0, provider.lastIndexOf('.'));
    assertFalse(backend.isOpen());
    assertEquals(Set.of(), exports(backend), name + " must export nothing");
    assertEquals(Set.of(), backend.opens());
    assertEquals(Set.of(implementationPackage), backend.packages());
    assertFalse(
        ModuleLayer.boot().findModule(name).orElseThrow().isExported(implementationPackage));
    assertEquals(Set.of(), backend.uses());
    assertEquals(Map.of(SPI, List.of(provider)), provides(backend));
    assertEquals(
        Map.of(
            "java.base",
            Set.of(Modifier.MANDATED),
            API,
            Set.of(),
            "org.jspecify",
            Set.of(Modifier.STATIC)),
        requires(backend));
  }

  @Test
  void tckModuleExportsItsPackageAndRequiresTheApiAndJunitTransitively() {
    if (!onModulePath()) {
      assertFalse(Contract.class.getModule().isNamed(), "on the class path the TCK is unnamed");
      return;
    }
    ModuleDescriptor tck = descriptor(TCK);
    assertEquals(TCK, Contract.class.getModule().getName());
    assertEquals(Set.of(TCK), exports(tck));
    assertEquals(Set.of(TCK), tck.packages());
    assertEquals(Set.of(), tck.uses());
    assertEquals(Set.of(), tck.provides());
    assertEquals(
        Map.of(
            "java.base",
            Set.of(Modifier.MANDATED),
            API,
            Set.of(Modifier.TRANSITIVE),
            "org.junit.jupiter.api",
            Set.of(Modifier.TRANSITIVE),
            "org.junit.jupiter.params",
            Set.of(Modifier.TRANSITIVE)),
        requires(tck));
  }

  @Test
  void classPathServiceFilesListBothBackends() throws IOException {
    if (onModulePath()) {
      return; // the module descriptors' provides are checked above
    }
    Set<String> listed = new HashSet<>();
    List<URL> files =
        Collections.list(
            ClassLoader.getSystemClassLoader().getResources("META-INF/services/" + SPI));
    for (URL file : files) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
        reader.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(listed::add);
      }
    }
    assertEquals(
        Set.of("org.opennexus.samgr.host.HostBackend", "org.opennexus.samgr.os.OsBackend"), listed);
    assertEquals(2, files.size(), () -> "service files: " + files);
    Map<String, Boolean> named = new HashMap<>();
    ServiceLoader.load(SamgrBackend.class).stream()
        .forEach(p -> named.put(p.type().getName(), p.type().getModule().isNamed()));
    assertEquals(
        Map.of(
            "org.opennexus.samgr.host.HostBackend", false,
            "org.opennexus.samgr.os.OsBackend", false),
        named);
  }
}

package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The two layouts docs/zookeeper.md supports for the {@code zookeeper} backend, each run by an
 * application that only calls {@code Samgr.open()} with {@code nexus.env=zookeeper} and {@code
 * zookeeper.connect=embedded}:
 *
 * <ul>
 *   <li>everything on the class path;
 *   <li>a modular application: the application (a named module requiring {@code
 *       org.opennexus.samgr}) and samgr-api on the module path, samgr-zookeeper, Curator and
 *       ZooKeeper on the class path (ZooKeeper cannot be on the module path: ZOOKEEPER-4330).
 * </ul>
 *
 * <p>The application ({@code src/test/resources/layout-app}) is compiled here as a module against
 * samgr-api, then run in a child JVM per layout, on samgr-zookeeper's runtime class path as Maven
 * resolves it for a user (so that a runtime dependency the backend forgot to declare fails here).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LayoutsTest {

  private static final String APP_MODULE = "org.opennexus.samgr.zktests.app";
  private static final String APP_MAIN = "org.opennexus.samgr.zktests.app.LayoutApp";

  @TempDir static Path work;

  private static Path app;

  @BeforeAll
  static void compileTheApplication() throws Exception {
    Path sources =
        Path.of(LayoutsTest.class.getResource("/layout-app/module-info.java").toURI()).getParent();
    List<String> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
    }
    app = work.resolve("app");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> arguments = new ArrayList<>();
    arguments.addAll(
        List.of(
            "--release",
            "17",
            "-d",
            app.toString(),
            "--module-path",
            location(Samgr.class) + File.pathSeparator + location(NullMarked.class)));
    arguments.addAll(files);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));
    assertEquals(
        0, status, "javac " + arguments + ": " + diagnostics.toString(StandardCharsets.UTF_8));
  }

  @Test
  void thisTestRunsOnTheClassPathWithOnlyTheZooKeeperBackend() throws Exception {
    assertFalse(Samgr.class.getModule().isNamed());
    assertEquals(List.of("zookeeper"), Samgr.environments());
    try (ServiceManager samgr =
        Samgr.builder()
            .environment("zookeeper")
            .setting("zookeeper.connect", "embedded")
            .setting("zookeeper.namespace", Zk.freshNamespace("in-jvm"))
            .open()) {
      ServiceHandle handle = samgr.register("here", Endpoint.of("tcp://127.0.0.1:1"));
      assertEquals(handle, samgr.resolve("here"));
      assertFalse(samgr.getClass().getModule().isNamed());
    }
  }

  @Test
  void everythingOnTheClassPath() throws Exception {
    List<String> arguments = new ArrayList<>(properties("class-path"));
    arguments.add("-cp");
    arguments.add(app + File.pathSeparator + String.join(File.pathSeparator, userClassPath()));
    arguments.add(APP_MAIN);
    assertEquals(expectedOutput("unnamed", "unnamed"), run(arguments));
  }

  @Test
  void modularApplicationWithTheBackendOnTheClassPath() throws Exception {
    String api = location(Samgr.class);
    String classPath =
        userClassPath().stream()
            .filter(entry -> !samePath(entry, api))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> arguments = new ArrayList<>(properties("module-path"));
    arguments.addAll(
        List.of(
            "--module-path", app + File.pathSeparator + api,
            "--class-path", classPath,
            "--module", APP_MODULE + "/" + APP_MAIN));
    assertEquals(
        expectedOutput("named " + APP_MODULE, "named org.opennexus.samgr"), run(arguments));
  }

  /** What the application prints when it runs on the zookeeper backend, found on the class path. */
  private static List<String> expectedOutput(String appModule, String apiModule) {
    return List.of(
        "app module: " + appModule,
        "api module: " + apiModule,
        "environments: [zookeeper]",
        "environment: zookeeper",
        "backend module: unnamed",
        "registered: layout at tcp://127.0.0.1:9",
        "resolved the same handle: true",
        "restart made a newer generation: true",
        "services: 1",
        "closed");
  }

  private static List<String> properties(String layout) {
    return List.of(
        "-Xshare:off",
        "-Dnexus.env=zookeeper",
        "-Dsamgr.zookeeper.connect=embedded",
        "-Dsamgr.zookeeper.namespace=" + Zk.freshNamespace(layout),
        "-Dzookeeper.forceSync=no");
  }

  /** Runs the application to its end and returns what it printed. */
  private static List<String> run(List<String> arguments) throws Exception {
    try (ChildJvm child = ChildJvm.start(arguments)) {
      child.expectLine("closed", Duration.ofSeconds(60));
      int status = child.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, status, "exit status; stderr: " + child.stderrText());
      return child.seen();
    }
  }

  /**
   * samgr-zookeeper's runtime class path, as Maven resolves it for a user (samgr-api, Curator,
   * ZooKeeper and what they need at run time): no test library, no curator-test, whose extra jars
   * would hide a missing runtime dependency of the backend.
   */
  private static List<String> userClassPath() throws IOException {
    String file = System.getProperty("samgr.zktests.userClassPath");
    assertNotNull(file, "system property samgr.zktests.userClassPath (set by the module's pom)");
    List<String> entries =
        List.of(Files.readString(Path.of(file)).trim().split(File.pathSeparator));
    assertTrue(entries.stream().anyMatch(e -> e.contains("samgr-zookeeper")), entries.toString());
    assertFalse(entries.stream().anyMatch(e -> e.contains("curator-test")), entries.toString());
    return entries;
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static boolean samePath(String entry, String other) {
    try {
      return Path.of(entry).toRealPath().equals(Path.of(other).toRealPath());
    } catch (IOException e) {
      return false;
    }
  }
}

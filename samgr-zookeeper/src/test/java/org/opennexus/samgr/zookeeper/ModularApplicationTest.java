package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second supported layout: a modular application with the samgr API on the module path, and
 * samgr-zookeeper, Curator and ZooKeeper on the class path (ZooKeeper cannot be a module). A small
 * application module is compiled and run in a child JVM. (Every other test of this module runs
 * everything on the class path, the first layout.)
 */
@Timeout(120)
class ModularApplicationTest {

  private static final String MODULE_INFO =
      "module samgr.layout.app { requires org.opennexus.samgr; }\n";

  private static final String MAIN =
      """
      package app;
      import org.opennexus.samgr.*;
      public class Main {
        public static void main(String[] args) throws Exception {
          try (ServiceManager m = Samgr.builder().environment("zookeeper")
              .setting("zookeeper.connect", "embedded").open()) {
            ServiceHandle h = m.register("svc", Endpoint.of("tcp://a:1"));
            System.out.println("resolved=" + h.equals(m.resolve("svc"))
                + " app=" + Main.class.getModule().getName()
                + " api=" + Samgr.class.getModule().getName()
                + " backend-named=" + m.getClass().getModule().isNamed()
                + " environment=" + m.environment());
          }
        }
      }
      """;

  @Test
  void modularApplicationFindsTheBackendOnTheClassPath(@TempDir Path dir) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> moduleEntries = new ArrayList<>();
    List<String> classEntries = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator, -1)) {
      if (entry.contains("samgr-api") || entry.contains("jspecify")) {
        moduleEntries.add(entry);
      } else if (!entry.contains("samgr-tck") && !entry.contains("junit")) {
        classEntries.add(entry);
      }
    }
    assertEquals(2, moduleEntries.size(), () -> "API and JSpecify entries: " + moduleEntries);
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("app/Main.java"), MAIN);
    Path out = dir.resolve("out");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled =
        javac.run(
            null,
            null,
            null,
            "-d",
            out.toString(),
            "--module-path",
            String.join(File.pathSeparator, moduleEntries),
            src.resolve("module-info.java").toString(),
            src.resolve("app/Main.java").toString());
    assertEquals(0, compiled, "the application module compiles against the API module");

    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dzookeeper.forceSync=no",
            "--module-path",
            String.join(File.pathSeparator, moduleEntries) + File.pathSeparator + out,
            "-cp",
            String.join(File.pathSeparator, classEntries),
            "-m",
            "samgr.layout.app/app.Main");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertTrue(child.waitFor(100, TimeUnit.SECONDS), "the child JVM did not finish");
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, child.exitValue(), output);
      assertTrue(
          output.contains(
              "resolved=true app=samgr.layout.app api=org.opennexus.samgr"
                  + " backend-named=false environment=zookeeper"),
          output);
    } finally {
      child.destroyForcibly();
    }
  }
}

package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code samgr serve} as a child process, as a user runs it: it prints its connect string, serves
 * another process, exits 0 on SIGTERM within a bound, and leaves its data directory usable.
 */
@Timeout(120)
class ServeProcessTest {

  /** How long a stopped server may take to exit. */
  private static final long EXIT_BOUND_SECONDS = 15;

  @TempDir Path temp;

  /** A {@code samgr} JVM with this test's class path. */
  static ProcessBuilder samgr(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SamgrCli.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** Reads the child's first line of standard output, bounded. */
  static String firstLine(Process process) throws Exception {
    return nextLine(
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
  }

  /** SIGTERM, then the exit code within the bound. */
  static int terminate(Process process) throws InterruptedException {
    process.destroy(); // SIGTERM on Linux and macOS
    boolean exited = process.waitFor(EXIT_BOUND_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    assertTrue(exited, "samgr serve did not exit within " + EXIT_BOUND_SECONDS + " s of SIGTERM");
    return process.exitValue();
  }

  @Test
  void childServerServesAnotherProcessAndStopsCleanlyOnSigterm() throws Exception {
    Path data = temp.resolve("data");
    Path errors = temp.resolve("serve.err");
    Process server =
        samgr("serve", "--port", "0", "--data", data.toString(), "--json")
            .redirectError(errors.toFile())
            .start();
    try {
      Map<String, Object> line = ServeCommandTest.startupLine(firstLine(server));
      String connect = ServeCommandTest.text(line, "connect");
      assertTrue(connect.matches("127\\.0\\.0\\.1:\\d+"), connect);
      try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
        client.create("/from-another-process", "hello");
      }
    } finally {
      assertEquals(0, terminate(server), "exit code; stderr: " + Files.readString(errors));
    }
    assertEquals("", Files.readString(errors));

    // The data directory is consistent: a new server on it has the node.
    Process again =
        samgr("serve", "--port", "0", "--data", data.toString(), "--json")
            .redirectError(errors.toFile())
            .start();
    try {
      String connect =
          ServeCommandTest.text(ServeCommandTest.startupLine(firstLine(again)), "connect");
      try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
        assertEquals("hello", client.read("/from-another-process"));
      }
    } finally {
      assertEquals(0, terminate(again), "exit code; stderr: " + Files.readString(errors));
    }
  }

  /** Runs a short samgr command to its end (bounded) and returns what it printed. */
  static Cli.Result run(ProcessBuilder command) throws Exception {
    Process process = command.start();
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    assertTrue(exited, "samgr did not finish within 60 s: " + command.command());
    return new Cli.Result(
        process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
  }

  private static CompletableFuture<String> drain(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** A samgr command whose registry comes from the environment, as a user's shell sets it. */
  static ProcessBuilder withEnvironment(ProcessBuilder command, Map<String, String> variables) {
    command.environment().keySet().removeIf(k -> k.startsWith("SAMGR_") || k.equals("NEXUS_ENV"));
    command.environment().putAll(variables);
    return command;
  }

  @Test
  void commandsInOtherProcessesShareTheServedRegistry() throws Exception {
    Path errors = temp.resolve("serve.err");
    Process server = samgr("serve", "--port", "0", "--json").redirectError(errors.toFile()).start();
    Process watch = null;
    try {
      String connect =
          ServeCommandTest.text(ServeCommandTest.startupLine(firstLine(server)), "connect");
      Map<String, String> shell = Map.of("SAMGR_ZOOKEEPER_CONNECT", connect);

      Cli.Result registered =
          run(withEnvironment(samgr("register", "net", "tcp://127.0.0.1:7000", "--json"), shell));
      assertEquals(0, registered.code(), registered.err());
      long g1 =
          ServeCommandTest.number(
              com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(registered.out()), "generation");

      Cli.Result listed = run(withEnvironment(samgr("list", "--connect", connect), Map.of()));
      assertEquals(0, listed.code(), listed.err());
      List<String> lines = listed.out().lines().toList();
      assertEquals(2, lines.size(), listed.out());
      assertTrue(
          lines.get(1).matches("net +tcp://127\\.0\\.0\\.1:7000 +" + g1 + " +(alive|expired) +.*"),
          lines.get(1));

      // a watcher in a third process, on the registry's own events
      watch = withEnvironment(samgr("watch", "net", "--json"), shell).start();
      BufferedReader events =
          new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
      assertTrue(nextLine(events).startsWith("{\"event\":\"registered\",\"name\":\"net\""));

      Cli.Result restarted =
          run(
              withEnvironment(
                  samgr(
                      "restart",
                      "net",
                      "tcp://127.0.0.1:7001",
                      "--if-generation",
                      Long.toString(g1)),
                  shell));
      assertEquals(0, restarted.code(), restarted.err());
      String line = nextLine(events);
      while (line.startsWith("{\"event\":\"expired\"")) {
        line = nextLine(events); // the register command's session ended: its service expired
      }
      assertTrue(
          line.startsWith(
              "{\"event\":\"restarted\",\"name\":\"net\",\"endpoint\":\"tcp://127.0.0.1:7001\""),
          line);
      assertEquals(0, terminate(watch), "watch exits 0 on SIGTERM");
      watch = null;
    } finally {
      if (watch != null) {
        watch.destroyForcibly();
      }
      assertEquals(0, terminate(server), "exit code; stderr: " + Files.readString(errors));
    }
  }

  private static String nextLine(BufferedReader reader) throws Exception {
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return reader.readLine();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .get(60, TimeUnit.SECONDS);
    assertTrue(line != null, "the process printed no (further) line");
    return line;
  }

  @Test
  void aChangeWithoutTheOwnersCredentialsExitsDenied() throws Exception {
    Path errors = temp.resolve("serve.err");
    Process server = samgr("serve", "--port", "0", "--json").redirectError(errors.toFile()).start();
    try {
      String connect =
          ServeCommandTest.text(ServeCommandTest.startupLine(firstLine(server)), "connect");
      Map<String, String> alice =
          Map.of("SAMGR_ZOOKEEPER_CONNECT", connect, "SAMGR_ZOOKEEPER_AUTH", "alice:secret");
      Map<String, String> bob =
          Map.of("SAMGR_ZOOKEEPER_CONNECT", connect, "SAMGR_ZOOKEEPER_AUTH", "bob:other");
      Map<String, String> nobody = Map.of("SAMGR_ZOOKEEPER_CONNECT", connect);
      Cli.Result registered =
          run(withEnvironment(samgr("register", "net", "tcp://127.0.0.1:7000", "--json"), alice));
      assertEquals(0, registered.code(), registered.err());
      String denied =
          "samgr restart: operation 'restart' was denied by the engine of the 'zookeeper' samgr"
              + " backend to these credentials (set SAMGR_ZOOKEEPER_AUTH to credentials the"
              + " registry accepts)"
              + System.lineSeparator();
      assertEquals(
          new Cli.Result(ExitCodes.DENIED, "", denied),
          run(withEnvironment(samgr("restart", "net", "tcp://127.0.0.1:7001"), nobody)));
      // other credentials are refused when they open the namespace, which alice's ACLs protect
      Cli.Result other = run(withEnvironment(samgr("restart", "net", "tcp://127.0.0.1:7001"), bob));
      assertEquals(ExitCodes.DENIED, other.code(), other::toString);
      assertEquals("", other.out());
      assertTrue(
          other
              .err()
              .startsWith(
                  "samgr restart: the 'zookeeper' samgr backend refuses to open namespace"
                      + " '/samgr' of the ZooKeeper ensemble '"
                      + connect
                      + "'"),
          other::toString);
      assertTrue(
          other.err().contains("node '/samgr' has the ACL [digest:alice:x:cdrwa, world:anyone:r]"),
          other::toString);
      assertTrue(
          other
              .err()
              .endsWith(
                  "(set SAMGR_ZOOKEEPER_AUTH to credentials the registry accepts)"
                      + System.lineSeparator()),
          other::toString);
      assertEquals(1, other.err().lines().count(), other::toString);
      // reads stay open, and the refused changes changed nothing
      assertEquals(
          new Cli.Result(0, registered.out(), ""),
          run(withEnvironment(samgr("resolve", "net", "--json"), nobody)));
    } finally {
      assertEquals(0, terminate(server), "exit code; stderr: " + Files.readString(errors));
    }
  }
}

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
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .get(60, TimeUnit.SECONDS);
    assertTrue(line != null, "the server printed nothing");
    return line;
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
      String connect = ServeCommandTest.text(ServeCommandTest.startupLine(firstLine(again)), "connect");
      try (ZooKeeperClient client = new ZooKeeperClient(connect)) {
        assertEquals("hello", client.read("/from-another-process"));
      }
    } finally {
      assertEquals(0, terminate(again), "exit code; stderr: " + Files.readString(errors));
    }
  }
}

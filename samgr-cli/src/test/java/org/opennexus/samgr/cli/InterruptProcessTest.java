package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-shot commands in their own process end promptly on a signal (SIGTERM here; Ctrl-C's SIGINT
 * takes the same path) with exit 130, whether waiting in {@code await} or connecting; and {@code
 * serve --json} prints only JSON on standard output, start after start.
 */
@Timeout(240)
class InterruptProcessTest {

  /** How long after the signal a command may take to exit (the old code took 10 s). */
  private static final long PROMPT_SECONDS = 5;

  @TempDir Path temp;

  @Test
  void awaitEndsPromptlyOnASignal() throws Exception {
    Path errors = temp.resolve("serve.err");
    Process server =
        ServeProcessTest.samgr("serve", "--port", "0", "--json")
            .redirectError(errors.toFile())
            .start();
    try {
      String connect =
          ServeCommandTest.text(
              ServeCommandTest.startupLine(ServeProcessTest.firstLine(server)), "connect");
      Process await =
          ServeProcessTest.samgr("await", "nothing", "--connect", connect, "--timeout", "2m")
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("await.out").toFile())
              .start();
      Thread.sleep(4000); // connected and waiting by then, or still connecting: both must end
      assertEndsPromptly(
          await, temp.resolve("await.out"), "samgr await: interrupted (Ctrl-C or SIGTERM)");
    } finally {
      ServeProcessTest.terminate(server);
    }
  }

  @Test
  void connectingEndsPromptlyOnASignal() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Process list =
        ServeProcessTest.withEnvironment(
                ServeProcessTest.samgr("list", "--connect", "127.0.0.1:" + port),
                Map.of("SAMGR_ZOOKEEPER_OPERATION_TIMEOUT", "2m"))
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("list.out").toFile())
            .start();
    Thread.sleep(3000);
    assertEndsPromptly(
        list, temp.resolve("list.out"), "samgr list: interrupted (Ctrl-C or SIGTERM)");
  }

  private static void assertEndsPromptly(Process process, Path outFile, String line)
      throws Exception {
    process.destroy();
    boolean exited = process.waitFor(PROMPT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(outFile);
    assertTrue(exited, "did not exit within " + PROMPT_SECONDS + " s of SIGTERM: " + output);
    assertEquals(ExitCodes.INTERRUPTED, process.exitValue(), output);
    assertEquals(List.of(line), output.lines().toList());
  }

  @Test
  void serveJsonIsJsonStartAfterStart() throws Exception {
    Path data = temp.resolve("data");
    for (int start = 1; start <= 6; start++) {
      Path out = temp.resolve("out-" + start);
      Process server =
          ServeProcessTest.samgr("serve", "--port", "0", "--data", data.toString(), "--json")
              .redirectError(temp.resolve("err-" + start).toFile())
              .redirectOutput(out.toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.readString(out).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(500); // the purge runs just after the start
      assertEquals(0, ServeProcessTest.terminate(server));
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(Files.newInputStream(out), StandardCharsets.UTF_8))) {
        for (String text = lines.readLine(); text != null; text = lines.readLine()) {
          String json = text;
          assertTrue(json.startsWith("{\"connect\":"), () -> "not JSON: " + json);
          ServeCommandTest.startupLine(json);
        }
      }
    }
  }
}

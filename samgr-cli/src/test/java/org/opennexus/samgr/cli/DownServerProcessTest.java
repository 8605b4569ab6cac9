package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A command against a server that is down, in its own process: exit 6 and one stderr line. */
@Timeout(120)
class DownServerProcessTest {

  @Test
  void listAgainstAClosedPortIsUnavailableWithOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Cli.Result result =
        ServeProcessTest.run(
            ServeProcessTest.withEnvironment(
                ServeProcessTest.samgr("list", "--connect", "127.0.0.1:" + port),
                Map.of("SAMGR_ZOOKEEPER_OPERATION_TIMEOUT", "1s")));
    assertEquals(ExitCodes.UNAVAILABLE, result.code(), result::toString);
    assertEquals("", result.out());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(result.err().startsWith("samgr list: "), result.err());
    assertTrue(result.err().contains("127.0.0.1:" + port), result.err());
    assertTrue(result.err().contains("is the server running?"), result.err());
    assertFalse(result.err().contains("Exception"), result.err());
  }
}

package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the embedded server on an interrupted thread (as {@code samgr serve} does after a signal)
 * stops it all the same, deletes the directory it made, and leaves the thread's interrupt flag set.
 */
@Timeout(60)
class EmbeddedZooKeeperCloseTest {

  @Test
  void anInterruptedCloserStopsTheServerAndKeepsItsInterruptFlag() throws Exception {
    EmbeddedZooKeeper server = EmbeddedZooKeeper.start();
    int port = server.port();
    Path data = server.dataDirectory();
    Thread.currentThread().interrupt();
    try {
      server.close();
      assertTrue(Thread.interrupted(), "close() lost the caller's interrupt flag");
    } finally {
      Thread.interrupted(); // the flag must not leak into other tests
    }
    assertFalse(data.toFile().exists(), "the data directory it made is still there: " + data);
    try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertTrue(free.isBound()); // the server's port is free again
    }
  }
}

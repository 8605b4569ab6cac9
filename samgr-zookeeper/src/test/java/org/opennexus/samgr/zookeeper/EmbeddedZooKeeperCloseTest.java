package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

  /** What a signal during {@code samgr serve}'s start does: the start fails, and leaves nothing. */
  @Test
  void anInterruptedStartFailsAsInterruptedAndLeavesNoDirectory() throws Exception {
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    Set<Path> before = runDirectories(temp);
    Thread.currentThread().interrupt();
    try {
      assertThrows(ClosedByInterruptException.class, EmbeddedZooKeeper::start);
      assertTrue(Thread.interrupted(), "the interrupt flag was lost");
    } finally {
      Thread.interrupted();
    }
    Set<Path> left = runDirectories(temp);
    left.removeAll(before);
    assertEquals(Set.of(), left, "run directories left behind");
  }

  private static Set<Path> runDirectories(Path temp) throws Exception {
    try (Stream<Path> dirs = Files.list(temp)) {
      return dirs.filter(p -> p.getFileName().toString().startsWith(RunDirectory.PREFIX))
          .collect(Collectors.toCollection(HashSet::new));
    }
  }
}

package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide {@link EmbeddedZooKeeper} behind {@code zookeeper.connect=embedded}: started by the
 * first registry that needs it, on a free loopback port, with its data in a temporary directory;
 * stopped (and the directory deleted) when the last such registry closes.
 */
final class EmbeddedServer {

  /**
   * The system property that holds the running server's connect string ({@code 127.0.0.1:<port>}),
   * so that this JVM can hand it to another process that should join the same registry; cleared
   * when the server stops.
   */
  static final String CONNECT_PROPERTY = "samgr.zookeeper.embedded.connect";

  private static final Object LOCK = new Object();
  private static @Nullable EmbeddedZooKeeper server; // guarded by LOCK
  private static int users; // guarded by LOCK

  private EmbeddedServer() {}

  /** Starts the server if no registry uses it yet, and returns its connect string. */
  static String acquire() {
    synchronized (LOCK) {
      EmbeddedZooKeeper running = server;
      if (running == null) {
        running = start();
        server = running;
        System.setProperty(CONNECT_PROPERTY, running.connectString());
      }
      users++;
      return running.connectString();
    }
  }

  /** Gives back a reference from {@link #acquire}; the last one stops the server. */
  static void release() {
    synchronized (LOCK) {
      if (users == 0) {
        return;
      }
      users--;
      EmbeddedZooKeeper running = server;
      if (users == 0 && running != null) {
        server = null;
        System.clearProperty(CONNECT_PROPERTY);
        running.close();
      }
    }
  }

  private static EmbeddedZooKeeper start() {
    IOException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before we bind it
      try {
        return EmbeddedZooKeeper.start();
      } catch (IOException e) {
        failure = e;
      }
    }
    throw new IllegalStateException(
        "could not start the embedded ZooKeeper server (zookeeper.connect=embedded): " + failure,
        failure);
  }
}

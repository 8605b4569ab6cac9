package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide in-process ZooKeeper server behind {@code zookeeper.connect=embedded}: started by
 * the first registry that needs it, on a free loopback port, with its data in a temporary
 * directory; stopped (and the directory deleted) when the last such registry closes.
 */
final class EmbeddedServer {

  /**
   * The system property that holds the running server's connect string ({@code
   * 127.0.0.1:<port>}), so that this JVM can hand it to another process that should join the same
   * registry; cleared when the server stops.
   */
  static final String CONNECT_PROPERTY = "samgr.zookeeper.embedded.connect";

  private static final Object LOCK = new Object();
  private static @Nullable ZooKeeperServerEmbedded server; // guarded by LOCK
  private static @Nullable Path directory; // guarded by LOCK
  private static String connectString = ""; // guarded by LOCK
  private static int users; // guarded by LOCK

  private EmbeddedServer() {}

  /** Starts the server if no registry uses it yet, and returns its connect string. */
  static String acquire() {
    synchronized (LOCK) {
      if (server == null) {
        start();
      }
      users++;
      return connectString;
    }
  }

  /** Gives back a reference from {@link #acquire}; the last one stops the server. */
  static void release() {
    synchronized (LOCK) {
      if (users == 0) {
        return;
      }
      users--;
      if (users == 0) {
        stop();
      }
    }
  }

  private static void start() {
    IllegalStateException failure =
        new IllegalStateException("could not start the embedded ZooKeeper server");
    for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before we bind it
      Path dir = null;
      try {
        dir = Files.createTempDirectory("samgr-zookeeper-");
        int port = freePort();
        ZooKeeperServerEmbedded started = start(dir, port, 500);
        server = started;
        directory = dir;
        connectString = "127.0.0.1:" + port;
        System.setProperty(CONNECT_PROPERTY, connectString);
        return;
      } catch (Exception e) {
        delete(dir);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failure = new IllegalStateException(
            "could not start the embedded ZooKeeper server (zookeeper.connect=embedded): " + e, e);
      }
    }
    throw failure;
  }

  /**
   * Starts a standalone server on {@code 127.0.0.1:port} with its data in {@code dir}: no admin
   * server, and sessions from 2 to 240 ticks.
   */
  static ZooKeeperServerEmbedded start(Path dir, int port, int tickMillis) throws Exception {
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("tickTime", Integer.toString(tickMillis));
    config.setProperty("minSessionTimeout", Integer.toString(2 * tickMillis));
    config.setProperty("maxSessionTimeout", Integer.toString(240 * tickMillis));
    ZooKeeperServerEmbedded server =
        ZooKeeperServerEmbedded.builder()
            .baseDir(dir)
            .configuration(config)
            .exitHandler(ExitHandler.LOG_ONLY)
            .build();
    try {
      server.start(30_000);
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static void stop() {
    ZooKeeperServerEmbedded running = server;
    server = null;
    connectString = "";
    System.clearProperty(CONNECT_PROPERTY);
    if (running != null) {
      running.close();
    }
    delete(directory);
    directory = null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void delete(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary directory left behind is harmless
    }
  }
}

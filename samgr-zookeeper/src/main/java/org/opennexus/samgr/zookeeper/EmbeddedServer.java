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
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before we bind it
      Path dir = null;
      ZooKeeperServerEmbedded started = null;
      try {
        dir = Files.createTempDirectory("samgr-zookeeper-");
        int port = freePort();
        Properties config = new Properties();
        config.setProperty("clientPort", Integer.toString(port));
        config.setProperty("clientPortAddress", "127.0.0.1");
        config.setProperty("admin.enableServer", "false");
        config.setProperty("tickTime", "500");
        config.setProperty("minSessionTimeout", "1000");
        config.setProperty("maxSessionTimeout", "120000");
        config.setProperty("maxClientCnxns", "0");
        started =
            ZooKeeperServerEmbedded.builder()
                .baseDir(dir)
                .configuration(config)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        started.start(30_000);
        server = started;
        directory = dir;
        connectString = "127.0.0.1:" + port;
        return;
      } catch (Exception e) {
        if (started != null) {
          started.close();
        }
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

  private static void stop() {
    ZooKeeperServerEmbedded running = server;
    server = null;
    connectString = "";
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

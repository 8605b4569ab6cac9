package org.opennexus.samgr.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A standalone ZooKeeper server in this process, run by ZooKeeper's own {@link
 * ZooKeeperServerEmbedded}, listening on loopback only.
 */
final class EmbeddedZooKeeper implements AutoCloseable {

  private static final long START_TIMEOUT_MILLIS = 30_000;

  private final ZooKeeperServerEmbedded server;
  private final Path configDir;
  private final String connectString;

  private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path configDir, String connect) {
    this.server = server;
    this.configDir = configDir;
    this.connectString = connect;
  }

  /**
   * Starts a server on {@code port} (0: a free one) keeping its data in {@code dataDir}.
   *
   * @throws IOException if the port is taken or the directory cannot be used
   */
  static EmbeddedZooKeeper start(int port, Path dataDir) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // ZooKeeperServerEmbedded waits for its configured port to answer, so port 0 cannot be
    // handed to it: take a free port first (another process could take it in between; the start
    // then fails with an error, never silently).
    int chosen = port == 0 ? freePort(loopback) : requireFree(loopback, port);
    Files.createDirectories(dataDir);
    Path configDir = Files.createTempDirectory("samgr-serve-config");
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(chosen));
    config.setProperty("clientPortAddress", loopback.getHostAddress());
    config.setProperty("dataDir", dataDir.toAbsolutePath().toString());
    config.setProperty("admin.enableServer", "false");
    config.setProperty("maxClientCnxns", "0");
    // Heartbeat flushes write steadily: without a purge, --data would keep every snapshot and log.
    config.setProperty("autopurge.snapRetainCount", "3");
    config.setProperty("autopurge.purgeInterval", "1");
    ZooKeeperServerEmbedded server = null;
    try {
      server =
          ZooKeeperServerEmbedded.builder()
              .baseDir(configDir)
              .configuration(config)
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      server.start(START_TIMEOUT_MILLIS);
      return new EmbeddedZooKeeper(server, configDir, server.getConnectionString());
    } catch (Exception e) {
      if (server != null) {
        server.close();
      }
      deleteTree(configDir);
      throw new IOException(
          "ZooKeeper did not start on "
              + loopback.getHostAddress()
              + ":"
              + chosen
              + " (is the port taken? try --port 0): "
              + e,
          e);
    }
  }

  /** The connect string clients use, e.g. {@code 127.0.0.1:2181}. */
  String connectString() {
    return connectString;
  }

  /** Stops the server; its data directory is left as it is. */
  @Override
  public void close() {
    server.close();
    deleteTree(configDir);
  }

  /** Fails at once on a taken port (the embedded server would only time out). */
  private static int requireFree(InetAddress address, int port) throws IOException {
    try (ServerSocket socket = new ServerSocket(port, 1, address)) {
      socket.setReuseAddress(true);
      return port;
    } catch (IOException e) {
      throw new IOException(
          "port " + port + " on " + address.getHostAddress() + " is taken (try --port 0)", e);
    }
  }

  private static int freePort(InetAddress address) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, address)) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a directory and what it holds; a file that cannot be deleted is left behind. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory left behind harms nothing
    }
  }
}

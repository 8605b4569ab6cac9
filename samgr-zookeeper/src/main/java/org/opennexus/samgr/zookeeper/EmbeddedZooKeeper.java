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
 * A standalone ZooKeeper server inside this JVM, run by ZooKeeper's own {@code
 * ZooKeeperServerEmbedded} and listening on the loopback address only: the one server behind {@code
 * zookeeper.connect=embedded}, {@code samgr serve}, the tests and the benchmarks.
 *
 * <p>It serves sessions of 0.5 s to 120 s (a tick of 250 ms), any number of connections per client
 * address, no admin server, and it keeps at most three snapshots (purged hourly). Start it with
 * {@link #start()} (a free port, its data in a temporary directory deleted when it closes) or
 * {@link #start(int, Path)}; give {@link #connectString()} to clients as their {@code
 * zookeeper.connect}; {@link #close()} stops it.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final int TICK_MILLIS = 250;

  private final ZooKeeperServerEmbedded server;
  private final Path configDirectory;
  private final Path dataDirectory;
  private final boolean ownsData;
  private final int port;

  private EmbeddedZooKeeper(
      ZooKeeperServerEmbedded server,
      Path configDirectory,
      Path dataDirectory,
      boolean ownsData,
      int port) {
    this.server = server;
    this.configDirectory = configDirectory;
    this.dataDirectory = dataDirectory;
    this.ownsData = ownsData;
    this.port = port;
  }

  /**
   * Starts a server on a free loopback port with its data in a new temporary directory, which
   * {@link #close()} deletes.
   *
   * @return the running server
   * @throws IOException if it cannot start
   */
  public static EmbeddedZooKeeper start() throws IOException {
    return start(0, null);
  }

  /**
   * Starts a server on loopback port {@code port} with its data in {@code dataDirectory}.
   *
   * @param port the port, or 0 for a free one
   * @param dataDirectory where ZooKeeper keeps its data (created if missing, and left as it is on
   *     close, so that a server started again on it finds the same data), or {@code null} for a new
   *     temporary directory that {@link #close()} deletes
   * @return the running server
   * @throws IOException if the port is taken (the message says "port P on A is taken"), or the
   *     directory cannot be used, or the server does not start within 30 s
   */
  public static EmbeddedZooKeeper start(int port, @Nullable Path dataDirectory) throws IOException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not a port (0 to 65535)");
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // ZooKeeperServerEmbedded waits for its configured port to answer, so port 0 cannot be
    // handed to it: take a free port first (another process could take it in between; the start
    // then fails with an error, never silently).
    int chosen = port == 0 ? freePort(loopback) : requireFree(loopback, port);
    Path data = dataDirectory;
    boolean ownsData = data == null;
    if (data == null) {
      data = Files.createTempDirectory("samgr-zookeeper-data-");
    } else {
      Files.createDirectories(data);
    }
    Path config = Files.createTempDirectory("samgr-zookeeper-config-");
    ZooKeeperServerEmbedded server = null;
    try {
      server =
          ZooKeeperServerEmbedded.builder()
              .baseDir(config)
              .configuration(configuration(loopback, chosen, data))
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      server.start(START_TIMEOUT_MILLIS);
      return new EmbeddedZooKeeper(server, config, data, ownsData, chosen);
    } catch (Exception e) {
      if (server != null) {
        server.close();
      }
      deleteTree(config);
      if (ownsData) {
        deleteTree(data);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException(
          "ZooKeeper did not start on " + loopback.getHostAddress() + ":" + chosen + ": " + e, e);
    }
  }

  private static Properties configuration(InetAddress loopback, int port, Path data) {
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", loopback.getHostAddress());
    config.setProperty("dataDir", data.toAbsolutePath().toString());
    config.setProperty("admin.enableServer", "false");
    config.setProperty("maxClientCnxns", "0");
    config.setProperty("tickTime", Integer.toString(TICK_MILLIS));
    config.setProperty("minSessionTimeout", Integer.toString(2 * TICK_MILLIS));
    config.setProperty("maxSessionTimeout", Integer.toString(480 * TICK_MILLIS));
    // Heartbeat flushes write steadily: without a purge, a kept directory would grow for ever.
    config.setProperty("autopurge.snapRetainCount", "3");
    config.setProperty("autopurge.purgeInterval", "1");
    return config;
  }

  /**
   * The connect string clients use: {@code 127.0.0.1:<port>}.
   *
   * @return the connect string
   */
  public String connectString() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Where the server keeps its data.
   *
   * @return the data directory
   */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * Stops the server; deletes its data directory if {@link #start} made it, and leaves it as it is
   * otherwise.
   */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      deleteTree(configDirectory);
      if (ownsData) {
        deleteTree(dataDirectory);
      }
    }
  }

  /** Fails at once on a taken port (the embedded server would only time out). */
  private static int requireFree(InetAddress address, int port) throws IOException {
    try (ServerSocket socket = new ServerSocket(port, 1, address)) {
      socket.setReuseAddress(true);
      return port;
    } catch (IOException e) {
      throw new IOException("port " + port + " on " + address.getHostAddress() + " is taken", e);
    }
  }

  private static int freePort(InetAddress address) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, address)) {
      return socket.getLocalPort();
    }
  }

  /** Deletes a directory and what it holds; a file that cannot be deleted is left behind. */
  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary directory left behind harms nothing
    }
  }
}

package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
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
 *
 * <p>One server per data directory: a server locks its directory (a file lock on {@code
 * samgr-server.lock} in it, which the operating system drops when the process ends, even by
 * SIGKILL), and a second one refuses to start there, naming the holder. Data the server cannot load
 * (a corrupt snapshot or log) fails the start at once with ZooKeeper's reason. Its configuration,
 * and its data without a directory of the caller's, live in a temporary directory {@code
 * samgr-zookeeper-run-*}, deleted on close; those of servers killed before they could delete them
 * are deleted by the next server that starts.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final int TICK_MILLIS = 250;

  private final ZooKeeperServerEmbedded server;
  private final RunDirectory run;
  private final @Nullable DirectoryLock dataLock;
  private final Path dataDirectory;
  private final int port;

  private EmbeddedZooKeeper(
      ZooKeeperServerEmbedded server,
      RunDirectory run,
      @Nullable DirectoryLock dataLock,
      Path dataDirectory,
      int port) {
    this.server = server;
    this.run = run;
    this.dataLock = dataLock;
    this.dataDirectory = dataDirectory;
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
   *     directory cannot be used (not a directory, not writable, or locked by another server: the
   *     message names the directory and the holder's process and address), or ZooKeeper cannot load
   *     its data (the message gives ZooKeeper's reason), or the server does not start within 30 s
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
    String holder =
        "process "
            + ProcessHandle.current().pid()
            + ", ZooKeeper at "
            + loopback.getHostAddress()
            + ":"
            + chosen;
    RunDirectory run = RunDirectory.create(holder);
    DirectoryLock dataLock = null;
    ZooKeeperServerEmbedded server = null;
    try {
      Path data;
      if (dataDirectory == null) {
        data = Files.createDirectory(run.path().resolve("data"));
      } else {
        data = dataDirectory;
        dataLock = lockDataDirectory(data, holder);
      }
      checkLoadable(data);
      Path config = Files.createDirectory(run.path().resolve("config"));
      server =
          ZooKeeperServerEmbedded.builder()
              .baseDir(config)
              .configuration(configuration(loopback, chosen, data))
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      server.start(START_TIMEOUT_MILLIS);
      return new EmbeddedZooKeeper(server, run, dataLock, data, chosen);
    } catch (Exception e) {
      if (server != null) {
        server.close();
      }
      if (dataLock != null) {
        dataLock.close();
      }
      run.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof DataDirectoryException refused) {
        throw refused;
      }
      String why =
          e instanceof java.util.concurrent.TimeoutException
              ? "it did not answer within " + START_TIMEOUT_MILLIS / 1000 + " s"
              : causes(e, "it failed without a message");
      throw new IOException(
          "ZooKeeper did not start on " + loopback.getHostAddress() + ":" + chosen + ": " + why, e);
    }
  }

  /** A data directory this server cannot use: the message says which and why. */
  private static final class DataDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    DataDirectoryException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /** Creates the directory if missing and takes its lock, or says why it cannot be used. */
  private static DirectoryLock lockDataDirectory(Path data, String holder) throws IOException {
    if (Files.exists(data) && !Files.isDirectory(data)) {
      throw new DataDirectoryException(
          "data directory " + data.toAbsolutePath() + " is not a directory", null);
    }
    DirectoryLock lock;
    try {
      Files.createDirectories(data);
      lock = DirectoryLock.tryAcquire(data, holder);
    } catch (IOException e) {
      throw new DataDirectoryException(
          "cannot use data directory " + data.toAbsolutePath() + ": " + DirectoryLock.reason(e), e);
    }
    if (lock == null) {
      throw new DataDirectoryException(
          "data directory "
              + data.toAbsolutePath()
              + " is in use by another ZooKeeper server ("
              + DirectoryLock.holder(data)
              + "; lock file "
              + data.toAbsolutePath().resolve(DirectoryLock.FILE)
              + "): stop it or use another directory",
          null);
    }
    return lock;
  }

  /**
   * Loads the directory's data as the server will, so that data it cannot load (a corrupt snapshot
   * or log) fails the start at once with ZooKeeper's reason; the server would only log it and never
   * answer.
   */
  private static void checkLoadable(Path data) throws IOException {
    FileTxnSnapLog files = null;
    try {
      files = new FileTxnSnapLog(data.toFile(), data.toFile());
      ZKDatabase database = new ZKDatabase(files);
      database.loadDataBase();
      database.clear();
    } catch (IOException | RuntimeException e) {
      throw new DataDirectoryException(
          "ZooKeeper cannot load the data in "
              + data.toAbsolutePath()
              + ": "
              + causes(e, "unreadable"),
          e);
    } finally {
      if (files != null) {
        files.close();
      }
    }
  }

  /** The messages of a failure and its causes, each once. */
  private static String causes(Throwable failure, String otherwise) {
    java.util.List<String> messages = new java.util.ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message =
          t instanceof IOException io && !(t instanceof DataDirectoryException)
              ? DirectoryLock.reason(io)
              : t.getMessage();
      if (message != null && !message.isBlank() && !messages.contains(message)) {
        messages.add(message);
      }
    }
    return messages.isEmpty() ? otherwise : String.join(": ", messages);
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
   * otherwise. A thread that is interrupted (as {@code samgr serve}'s is by a signal) still waits
   * for the server's threads to end, and keeps its interrupt flag.
   */
  @Override
  public void close() {
    // ZooKeeper's shutdown joins its threads; interrupted, it logs a warning and goes on without
    // waiting for them. So the flag is set aside while it stops, and put back after.
    boolean interrupted = Thread.interrupted();
    try {
      server.close();
    } finally {
      try {
        if (dataLock != null) {
          dataLock.close();
        }
        run.close();
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
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
}

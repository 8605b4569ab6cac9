package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.jspecify.annotations.Nullable;

/**
 * A ZooKeeper server of a test's own, which the test can stop and start again on the same port
 * with the same data (unlike {@code embedded}, which the backend owns).
 */
final class TestServer implements AutoCloseable {

  private final Path directory;
  private final int port;
  private @Nullable ZooKeeperServerEmbedded server;

  TestServer() throws Exception {
    this.directory = Files.createTempDirectory("samgr-zookeeper-test-");
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      this.port = socket.getLocalPort();
    }
    start();
  }

  String connect() {
    return "127.0.0.1:" + port;
  }

  void start() throws Exception {
    ZooKeeperServerEmbedded started = EmbeddedServer.start(directory, port, 250);
    server = started;
  }

  void stop() {
    ZooKeeperServerEmbedded running = server;
    server = null;
    if (running != null) {
      running.close();
    }
  }

  @Override
  public void close() throws IOException {
    stop();
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package org.opennexus.samgr.zookeeper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EmbeddedZooKeeper} of a test's own, which the test can stop and start again on the same
 * port with the same data (unlike {@code embedded}, which the backend owns).
 */
final class TestServer implements AutoCloseable {

  private final Path directory;
  private final int port;
  private @Nullable EmbeddedZooKeeper server;

  TestServer() throws Exception {
    this.directory = Files.createTempDirectory("samgr-zookeeper-test-");
    EmbeddedZooKeeper started = EmbeddedZooKeeper.start(0, directory);
    this.port = started.port();
    this.server = started;
  }

  String connect() {
    return "127.0.0.1:" + port;
  }

  /** The requests this server has received so far (its ServerStats, through JMX). */
  long packetsReceived() throws Exception {
    MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> names =
        beans.queryNames(
            new ObjectName("org.apache.ZooKeeperService:name0=StandaloneServer_port" + port), null);
    if (names.size() != 1) {
      throw new IllegalStateException("no single server bean for port " + port + ": " + names);
    }
    return (Long) beans.getAttribute(names.iterator().next(), "PacketsReceived");
  }

  void start() throws Exception {
    server = EmbeddedZooKeeper.start(port, directory);
  }

  void stop() {
    EmbeddedZooKeeper running = server;
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

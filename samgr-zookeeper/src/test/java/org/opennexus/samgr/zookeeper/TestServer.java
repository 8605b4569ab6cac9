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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link EmbeddedZooKeeper} of a test's own, which the test can stop and start again on the same
 * port with the same data (unlike {@code embedded}, which the backend owns).
 *
 * <p>A test class whose tests share one server registers it as an extension, which starts it before
 * the class's first test (and before its {@code @BeforeAll} methods) and closes it after the last:
 * {@code @RegisterExtension static final TestServer server = TestServer.perClass();}. A test of its
 * own server opens one with {@link #start()} and closes it.
 */
final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  private @Nullable Path directory;
  private int port;
  private @Nullable EmbeddedZooKeeper server;

  private TestServer() {}

  /** A server started now, on a port and in a directory of its own; the caller closes it. */
  static TestServer start() throws Exception {
    TestServer started = new TestServer();
    started.open();
    return started;
  }

  /** A server for the tests of one class, started and closed by JUnit (see the class notes). */
  static TestServer perClass() {
    return new TestServer();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    open();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    close();
  }

  private void open() throws Exception {
    if (directory != null) {
      throw new IllegalStateException("this test server is open already");
    }
    Path fresh = Files.createTempDirectory("samgr-zookeeper-test-");
    directory = fresh;
    try {
      EmbeddedZooKeeper started = EmbeddedZooKeeper.start(0, fresh);
      this.port = started.port();
      this.server = started;
    } catch (Exception | Error e) {
      close(); // the directory, which no caller will close
      throw e;
    }
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

  /** Starts the server again, after {@link #stop}, on its port and with its data. */
  void restart() throws Exception {
    Path data = directory;
    if (data == null) {
      throw new IllegalStateException("this test server is closed");
    }
    if (server != null) {
      throw new IllegalStateException("this test server is running: stop it first");
    }
    server = EmbeddedZooKeeper.start(port, data);
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
    Path data = directory;
    directory = null;
    if (data != null) {
      try (Stream<Path> paths = Files.walk(data)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}

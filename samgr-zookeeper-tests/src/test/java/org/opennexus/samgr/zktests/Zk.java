package org.opennexus.samgr.zktests;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.InstanceSpec;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;

/**
 * Opens clients of the {@code zookeeper} backend the way a user does, through {@link
 * Samgr#builder()} and its settings only, and builds curator-test server specs whose tick time
 * allows short session timeouts.
 */
final class Zk {

  /** ZooKeeper tick for the test servers: sessions from 2 ticks (1 s) to 20 ticks (10 s). */
  static final int TICK_MS = 500;

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private Zk() {}

  /** A namespace no other test of this JVM or of an earlier run uses. */
  static String freshNamespace(String prefix) {
    return prefix
        + "-"
        + NAMESPACES.incrementAndGet()
        + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  /** A server spec on a random port with {@link #TICK_MS}, its data deleted on close. */
  static InstanceSpec spec(int serverId) {
    return new InstanceSpec(null, -1, -1, -1, true, serverId, TICK_MS, -1);
  }

  /** A server spec on the given port and data directory (so a restart keeps both). */
  static InstanceSpec spec(File dataDirectory, int port) {
    return new InstanceSpec(dataDirectory, port, -1, -1, true, 1, TICK_MS, -1);
  }

  /** Opens a client of the registry in {@code namespace} on {@code connect}. */
  static ServiceManager open(
      String connect, String namespace, Duration sessionTimeout, Duration operationTimeout) {
    return builder(connect, namespace, sessionTimeout, operationTimeout).open();
  }

  /** {@link #open(String, String, Duration, Duration)} with the given liveness timeout. */
  static ServiceManager open(
      String connect,
      String namespace,
      Duration sessionTimeout,
      Duration operationTimeout,
      Duration livenessTimeout) {
    return builder(connect, namespace, sessionTimeout, operationTimeout)
        .livenessTimeout(livenessTimeout)
        .open();
  }

  private static Samgr.Builder builder(
      String connect, String namespace, Duration sessionTimeout, Duration operationTimeout) {
    return Samgr.builder()
        .environment("zookeeper")
        .setting("zookeeper.connect", connect)
        .setting("zookeeper.namespace", namespace)
        .setting("zookeeper.session-timeout", sessionTimeout.toMillis() + "ms")
        .setting("zookeeper.operation-timeout", operationTimeout.toMillis() + "ms");
  }

  /**
   * Asks a server for its role with ZooKeeper's {@code srvr} command (whitelisted by default).
   *
   * @return {@code leader}, {@code follower} or {@code standalone}; empty if it does not answer
   */
  static String mode(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : answer.split("\n", -1)) {
        if (line.startsWith("Mode: ")) {
          return line.substring("Mode: ".length()).trim();
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    }
  }
}

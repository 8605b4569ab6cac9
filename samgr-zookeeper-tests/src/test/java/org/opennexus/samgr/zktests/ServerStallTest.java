package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * A standalone server ({@code ZooKeeperServerMain} in a JVM of its own) stalls ({@code SIGSTOP})
 * for longer than the session timeout, then goes on ({@code SIGCONT}): every client's session
 * expires, and Curator makes new ones. The owner of two services vouches for them again in its new
 * session, without a heartbeat, so every client sees them alive again. The liveness clock is a
 * manual one that does not move: the services' liveness timeout never passes, and they are alive
 * again within one heartbeat interval by construction.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerStallTest {

  private static final Duration SESSION = Duration.ofSeconds(4);
  private static final Duration OPERATION = Duration.ofSeconds(3);
  private static final Duration STALL = Duration.ofSeconds(10);
  private static final Duration PROPAGATION = Duration.ofSeconds(60);

  @TempDir Path data;

  @Test
  void servicesAreAliveAgainAfterAStallLongerThanTheSessionTimeout() throws Exception {
    int port = InstanceSpec.getRandomPort();
    String connect = "127.0.0.1:" + port;
    String ns = Zk.freshNamespace("stall");
    ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    try (ChildJvm server = startServer(port);
        ServiceManager watcher = open(connect, ns, clock);
        ServiceManager owner = open(connect, ns, clock)) {
      ServiceHandle a = owner.register("svc-a", Endpoint.of("tcp://10.9.0.1:1"));
      ServiceHandle b = owner.register("svc-b", Endpoint.of("tcp://10.9.0.2:1"));
      EventLog events = new EventLog("watcher's watchAll");
      try (Subscription s = watcher.watchAll(events)) {
        events.awaitEvent(new ServiceEvent.Registered(a), PROPAGATION);
        events.awaitEvent(new ServiceEvent.Registered(b), PROPAGATION);
        Set<Long> before = clientSessions(connect, ns);
        long lost = owner(connect, ns, "svc-a"); // the owner's session; the watcher wrote nothing
        assertEquals(Set.of(lost), before, "client nodes before the stall");

        signal(server, "STOP");
        try {
          Thread.sleep(STALL.toMillis());
        } finally {
          signal(server, "CONT");
        }

        // Every session of before the stall is gone; the owner's new session owns both records,
        // its client node exists, and the watcher sees both alive: no heartbeat was sent.
        for (String name : List.of("svc-a", "svc-b")) {
          awaitUntil(
              () -> {
                Set<Long> now = clientSessions(connect, ns);
                long recordOwner = owner(connect, ns, name);
                return now.stream().noneMatch(before::contains)
                    && now.contains(recordOwner)
                    && watcher.liveness(name).alive();
              },
              name + " not vouched for by a new session and alive");
          assertTrue(owner.liveness(name).alive(), name + " not alive for its owner");
        }
        assertEquals(a, watcher.resolve("svc-a")); // the same generations
        assertEquals(b, watcher.resolve("svc-b"));

        watcher.unregister(a);
        watcher.unregister(b);
        for (ServiceHandle h : List.of(a, b)) {
          events.awaitEvent(new ServiceEvent.Unregistered(h), PROPAGATION);
          List<ServiceEvent> seen = events.events(h.name());
          assertTrue(
              seen.equals(List.of(new ServiceEvent.Registered(h), new ServiceEvent.Unregistered(h)))
                  || seen.equals(
                      List.of(
                          new ServiceEvent.Registered(h),
                          new ServiceEvent.Expired(h),
                          new ServiceEvent.Unregistered(h))),
              "at most one Expired per death: " + seen);
        }
      }
    }
  }

  private ChildJvm startServer(int port) throws Exception {
    ChildJvm server =
        ChildJvm.startOnTestClassPath(
            ZooKeeperServerMain.class,
            List.of("-Dzookeeper.admin.enableServer=false", "-Xmx128m"),
            Integer.toString(port),
            data.toString(),
            Integer.toString(Zk.TICK_MS));
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    while (!"standalone".equals(Zk.mode("127.0.0.1", port))) {
      assertTrue(System.nanoTime() < deadline, "server not up: " + server.stderrText());
      Thread.sleep(100);
    }
    return server;
  }

  private static ServiceManager open(String connect, String ns, ManualClock clock) {
    return Samgr.builder()
        .environment("zookeeper")
        .clock(clock)
        .livenessTimeout(Duration.ofSeconds(30))
        .setting("zookeeper.connect", connect)
        .setting("zookeeper.namespace", ns)
        .setting("zookeeper.session-timeout", SESSION.toMillis() + "ms")
        .setting("zookeeper.operation-timeout", OPERATION.toMillis() + "ms")
        .open();
  }

  /** Sends {@code SIGSTOP} or {@code SIGCONT} to the server's JVM. */
  private static void signal(ChildJvm server, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }

  /** The sessions whose client nodes exist in the namespace, read by a raw ZooKeeper client. */
  private static Set<Long> clientSessions(String connect, String ns) throws Exception {
    try (ZooKeeper zk = raw(connect)) {
      Set<Long> sessions = new HashSet<>();
      for (String child : zk.getChildren("/" + ns + "/clients", false)) {
        Stat stat = zk.exists("/" + ns + "/clients/" + child, false);
        if (stat != null) {
          sessions.add(stat.getEphemeralOwner());
        }
      }
      return sessions;
    }
  }

  /**
   * The owner session in a record node's bytes: after a format byte and a state byte come the
   * generation and the generation of the register, then the owner, as big-endian longs.
   */
  private static long owner(String connect, String ns, String name) throws Exception {
    try (ZooKeeper zk = raw(connect)) {
      byte[] bytes = zk.getData(RecordPaths.record(ns, name), false, null);
      return ByteBuffer.wrap(bytes, 2 + 8 + 8, 8).getLong();
    }
  }

  private static ZooKeeper raw(String connect) throws IOException, InterruptedException {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connect,
            (int) SESSION.toMillis(),
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    if (!connected.await(OPERATION.toMillis(), TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new IOException("a raw client did not connect to " + connect);
    }
    return zk;
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitUntil(Condition condition, String failure) throws Exception {
    long deadline = System.nanoTime() + PROPAGATION.toNanos();
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (IOException | KeeperException e) {
        // the server is still coming back: ask again
      }
      assertTrue(System.nanoTime() < deadline, failure);
      Thread.sleep(100);
    }
  }
}

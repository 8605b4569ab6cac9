package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.zookeeper.ZkTestSupport.awaitUntil;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * A client's ZooKeeper session expires while its process lives, and Curator makes a new one: the
 * client vouches for its services again at once, without a heartbeat. The clock is a manual one
 * that never moves unless the test moves it, so "within the liveness timeout" and "within one
 * heartbeat interval" hold by construction, whatever the machine's speed.
 */
@Timeout(90)
class SessionLossTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @RegisterExtension static final TestServer server = TestServer.perClass();

  @Test
  void aLostSessionsServicesAreAliveAgainForEveryClientWithoutAHeartbeat() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager watcher = open(ns, clock);
        ZkServiceManager owner = open(ns, clock)) {
      ServiceHandle a = owner.register("svc-a", Endpoint.of("tcp://10.0.0.1:1"));
      ServiceHandle b = owner.register("svc-b", Endpoint.of("tcp://10.0.0.2:1"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = watcher.watchAll(events)) {
        assertEquals(List.of(new Registered(a), new Registered(b)), events.awaitEvents(2));
        long lost = sessionOf(owner);

        killSession(owner); // no heartbeat, no write by the owner from here on

        // The owner's new session vouches for both: their records name it, its client node
        // exists, and every client sees them alive (the clock has not moved).
        for (String name : List.of("svc-a", "svc-b")) {
          awaitUntil(() -> vouchedByNewSession(owner, ns, name, lost), name + " never vouched");
          awaitUntil(() -> watcher.liveness(name).alive(), name + " not alive for the watcher");
          assertTrue(owner.liveness(name).alive(), name + " not alive for the owner");
        }
        assertEquals(a, watcher.resolve("svc-a")); // the same generations
        assertEquals(b, watcher.resolve("svc-b"));

        // A fence: each name had at most one Expired (if the watcher announced the death before
        // the owner vouched again), then its unregister.
        watcher.unregister(a);
        watcher.unregister(b);
        awaitUnregistered(events, a, b);
        assertDiedAtMostOnce(a, events);
        assertDiedAtMostOnce(b, events);
      }
    }
  }

  @Test
  void aServiceWhoseTimeoutPassedMeanwhileStaysExpiredUntilItsHeartbeat() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager watcher = open(ns, clock);
        ZkServiceManager owner = open(ns, clock)) {
      ServiceHandle old = owner.register("svc-old", Endpoint.of("tcp://10.0.1.1:1"));
      clock.advance(Duration.ofSeconds(20));
      ServiceHandle fresh = owner.register("svc-fresh", Endpoint.of("tcp://10.0.1.2:1"));
      clock.advance(Duration.ofSeconds(15)); // svc-old: 35 s without a heartbeat; svc-fresh: 15 s
      RecordingListener events = new RecordingListener();
      try (Subscription s = watcher.watchAll(events)) {
        assertEquals(
            Set.of(new Registered(fresh), new Registered(old)), Set.copyOf(events.awaitEvents(2)));
        long lost = sessionOf(owner);

        killSession(owner);

        awaitUntil(
            () -> vouchedByNewSession(owner, ns, "svc-fresh", lost), "svc-fresh never vouched");
        awaitUntil(() -> watcher.liveness("svc-fresh").alive(), "svc-fresh not alive");
        // svc-old's timeout had passed: it is announced expired once, and stays so.
        awaitUntil(() -> events.events().contains(new Expired(old)), "svc-old never Expired");
        assertFalse(watcher.liveness("svc-old").alive());
        assertFalse(owner.liveness("svc-old").alive());

        owner.heartbeat(old); // revives it
        awaitUntil(() -> watcher.liveness("svc-old").alive(), "svc-old not revived");

        watcher.unregister(old);
        watcher.unregister(fresh);
        awaitUnregistered(events, old, fresh);
        assertEquals(
            List.of(new Registered(old), new Expired(old), new Unregistered(old)),
            events.events().stream().filter(e -> e.handle().name().equals("svc-old")).toList());
        assertDiedAtMostOnce(fresh, events);
      }
    }
  }

  /**
   * Someone deletes the client node of the owner's live session (by hand, or without credentials):
   * the owner makes it again at once, without a write of its own to prompt it, so that its services
   * stay vouched for.
   */
  @Test
  void aDeletedClientNodeOfTheLiveSessionIsMadeAgain() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager owner = open(ns, clock)) {
      owner.register("svc", Endpoint.of("tcp://10.0.0.1:1"));
      long session = sessionOf(owner);
      String node = new Layout("/" + ns).client(session);
      CuratorFramework zk = owner.curator();
      assertTrue(zk.checkExists().forPath(node) != null, "no client node " + node);
      long created = zk.checkExists().forPath(node).getCzxid();
      zk.delete().forPath(node);
      awaitUntil(
          () -> {
            var stat = zk.checkExists().forPath(node);
            return stat != null && stat.getCzxid() > created;
          },
          "the owner never made its client node again");
      assertEquals(session, sessionOf(owner)); // the same session: nothing else happened
    }
  }

  /**
   * A session that ended is asked about once: a second client loads 300 records whose owner closed
   * its registry (its client node is gone), checks that owner once, and checks it no more when
   * every record is looked at again (as after each reconnection's load). Before, each look asked
   * the ensemble again: at a million records, most of a reconnection's requests.
   */
  @Test
  void aDeadOwnerIsCheckedOnceNotOncePerRecordOrLoad() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    long dead;
    try (ZkServiceManager probe = open(ns, clock)) {
      try (ZkServiceManager owner = open(ns, clock)) {
        for (int i = 0; i < 300; i++) {
          owner.register("svc-" + i, Endpoint.of("tcp://10.0.0.1:" + i));
        }
        dead = sessionOf(owner);
      }
      String node = new Layout("/" + ns).client(dead);
      awaitUntil( // else a first check may find it alive, and a second one dead: two, rightly
          () -> probe.curator().checkExists().forPath(node) == null, "the node stays: " + node);
    }
    TestHooks hooks = new TestHooks();
    try (ZkServiceManager other = ZkTestSupport.open(server.connect(), ns, clock, TIMEOUT, hooks)) {
      assertEquals(300, other.services().size());
      SessionReaper reaper = other.reaper();
      awaitUntil(() -> hooks.sessionChecks.size() == 1, "the dead owner was never checked");
      for (int round = 0; round < 3; round++) {
        reaper.suspectAll(); // what every reconnection does after its load
        CountDownLatch behind = new CountDownLatch(1);
        reaper.runLater(behind::countDown); // after every check those queued
        assertTrue(behind.await(20, TimeUnit.SECONDS), "the reaper's thread is stuck");
      }
      assertEquals(List.of(dead), hooks.sessionChecks);
    }
  }

  private static ZkServiceManager open(String ns, ManualClock clock) {
    return (ZkServiceManager)
        ZkTestSupport.builder(server.connect(), ns)
            .clock(clock)
            .livenessTimeout(TIMEOUT)
            .setting("zookeeper.session-timeout", "2s")
            .open();
  }

  private static long sessionOf(ZkServiceManager manager) throws Exception {
    return manager.curator().getZookeeperClient().getZooKeeper().getSessionId();
  }

  /**
   * Whether {@code name}'s record, as stored, is owned by the owner's current session (not {@code
   * lost}), whose client node exists.
   */
  private static boolean vouchedByNewSession(
      ZkServiceManager owner, String ns, String name, long lost) throws Exception {
    CuratorFramework curator = owner.curator();
    long now = sessionOf(owner);
    if (now == lost || now == 0) {
      return false;
    }
    Layout layout = new Layout("/" + ns);
    Stat stat = new Stat();
    byte[] data = curator.getData().storingStatIn(stat).forPath(ZkTestSupport.record(ns, name));
    Rec rec = RecCodec.parse(name, stat, data);
    Stat node = curator.checkExists().forPath(layout.client(now));
    return rec != null && rec.owner() == now && node != null && node.getEphemeralOwner() == now;
  }

  private static void awaitUnregistered(RecordingListener events, ServiceHandle... handles)
      throws Exception {
    for (ServiceHandle h : handles) {
      awaitUntil(() -> events.events().contains(new Unregistered(h)), h + " not unregistered");
    }
  }

  /** The name's events are Registered, at most one Expired, then Unregistered. */
  private static void assertDiedAtMostOnce(ServiceHandle h, RecordingListener events) {
    List<ServiceEvent> seen =
        events.events().stream().filter(e -> e.handle().name().equals(h.name())).toList();
    List<ServiceEvent> quiet = List.of(new Registered(h), new Unregistered(h));
    List<ServiceEvent> once = List.of(new Registered(h), new Expired(h), new Unregistered(h));
    assertTrue(seen.equals(quiet) || seen.equals(once), h.name() + ": " + seen);
  }

  /**
   * Ends a client's ZooKeeper session from the server's side, as a stall or a partition longer than
   * the session timeout does: a second handle joins the session and closes it. The client's process
   * lives on, and Curator makes a new session for it.
   */
  private static void killSession(ZkServiceManager manager) throws Exception {
    ZooKeeper zk = manager.curator().getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin =
        new ZooKeeper(
            server.connect(),
            2000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            },
            zk.getSessionId(),
            zk.getSessionPasswd());
    assertTrue(connected.await(20, TimeUnit.SECONDS), "twin not connected");
    twin.close();
  }
}

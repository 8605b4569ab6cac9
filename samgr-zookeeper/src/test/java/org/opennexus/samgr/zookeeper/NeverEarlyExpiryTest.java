package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.zookeeper.ZkTestSupport.awaitUntil;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * No client announces a service {@code Expired}, or reads it as not alive, before the service's own
 * liveness timeout has passed since its owner's newest heartbeat: not a client that sees only the
 * written heartbeat (which may lag the owner's newest by a flush interval, a quarter of the
 * timeout), and not when the owner's session ends. Every clock here is one {@link ManualClock},
 * shared by all clients, and the timeouts are long, so that the background announcers (timed by
 * real time) stay out of the way: expiries are announced by {@code sweepExpired},
 * deterministically. And a heartbeat that races with an expiry mark revives the service.
 */
@Timeout(60)
class NeverEarlyExpiryTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration FLUSH = TIMEOUT.dividedBy(4);

  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static ZkServiceManager client(String namespace, InstantSource clock) {
    return ZkTestSupport.open(
        server.connect(), namespace, clock, TIMEOUT, "zookeeper.session-timeout", "4s");
  }

  /**
   * The owner heartbeats every 10 s (a flush interval is 15 s), so its newest heartbeat stays local
   * while the written one is 10 s older. The other client finds the service alive, and announces
   * nothing, until the timeout has passed since the owner's newest heartbeat; it announces it at
   * most a flush interval after that.
   */
  @Test
  void anotherClientNeverAnnouncesBeforeTheTimeoutSinceTheOwnersNewestHeartbeat() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager owner = client(ns, clock);
        ZkServiceManager other = client(ns, clock)) {
      RecordingListener seenByOwner = new RecordingListener();
      RecordingListener seenByOther = new RecordingListener();
      try (Subscription so = owner.watch("svc", seenByOwner);
          Subscription sr = other.watch("svc", seenByOther)) {
        ServiceHandle h = owner.register("svc", Endpoint.of("tcp://owner:1"));
        assertEquals(h, other.await("svc", Duration.ofSeconds(20)));
        clock.advance(Duration.ofSeconds(10));
        owner.heartbeat(h); // kept locally: the written one is 10 s old
        Instant written = clock.advance(Duration.ofSeconds(10));
        owner.heartbeat(h); // written: the written one was 20 s old
        Instant newest = clock.advance(Duration.ofSeconds(10));
        owner.heartbeat(h); // kept locally again
        awaitUntil(
            () -> other.liveness("svc").lastHeartbeat().equals(written),
            "the other client never saw the written heartbeat");
        assertEquals(new Liveness(h, newest, true), owner.liveness("svc"));

        // 59 s after the owner's newest heartbeat, 69 s after the written one: alive for both.
        clock.set(newest.plus(TIMEOUT).minusSeconds(1));
        assertEquals(List.of(), other.sweepExpired());
        assertEquals(new Liveness(h, written, true), other.liveness("svc"));
        assertEquals(new Liveness(h, newest, true), owner.liveness("svc"));
        // Exactly the timeout after it: still alive for everyone, nobody announces.
        clock.set(newest.plus(TIMEOUT));
        assertEquals(List.of(), other.sweepExpired());
        assertEquals(List.of(), owner.sweepExpired());
        assertEquals(new Liveness(h, written, true), other.liveness("svc"));
        // The other client waits a flush interval past the written heartbeat's timeout.
        clock.set(written.plus(TIMEOUT).plus(FLUSH));
        assertEquals(List.of(), other.sweepExpired());
        assertEquals(new Liveness(h, written, true), other.liveness("svc"));
        assertEquals(List.of(new Registered(h)), seenByOther.awaitEvents(1));
        assertEquals(List.of(new Registered(h)), seenByOwner.awaitEvents(1));
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(h), other.sweepExpired()); // the first and only mark
        assertEquals(new Liveness(h, written, false), other.liveness("svc"));
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByOther.awaitEvents(2));
        assertEquals(List.of(new Registered(h), new Expired(h)), seenByOwner.awaitEvents(2));
        owner.unregister(h); // fence: a second Expired would have to come before this
        List<?> expected = List.of(new Registered(h), new Expired(h), new Unregistered(h));
        assertEquals(expected, seenByOther.awaitEvents(3));
        assertEquals(expected, seenByOwner.awaitEvents(3));
        assertEquals(3, seenByOther.count());
        assertEquals(3, seenByOwner.count());
      }
    }
  }

  /**
   * A heartbeat from a client that does not own the service is written at once, and makes that
   * client the owner: only the owner keeps heartbeats that the others cannot see.
   */
  @Test
  void aHeartbeatFromAnotherClientIsWrittenAndMakesItTheOwner() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager first = client(ns, clock);
        ZkServiceManager second = client(ns, clock)) {
      ServiceHandle h = first.register("svc", Endpoint.of("tcp://first:1"));
      assertEquals(h, second.await("svc", Duration.ofSeconds(20)));
      CuratorFramework zk = first.curator();
      String record = ZkTestSupport.record(ns, "svc");
      Stat before = zk.checkExists().forPath(record);
      Instant beat = clock.advance(Duration.ofSeconds(1)); // far younger than a flush interval
      second.heartbeat(h);
      Stat after = zk.checkExists().forPath(record);
      assertEquals(before.getVersion() + 1, after.getVersion(), "the heartbeat was not written");
      awaitUntil(
          () -> first.liveness("svc").lastHeartbeat().equals(beat),
          "the first client never saw the heartbeat");
      // The second client owns it now and judges it exactly; the first waits a flush interval more.
      clock.set(beat.plus(TIMEOUT).plusMillis(1));
      assertEquals(new Liveness(h, beat, true), first.liveness("svc"));
      assertEquals(List.of(), first.sweepExpired());
      assertEquals(List.of(h), second.sweepExpired());
    }
  }

  /**
   * The owner's session ends (ZooKeeper expires it, its client node goes) while its services'
   * timeouts have not passed: nothing is announced. Each service expires by its own timeout, by the
   * written heartbeat for a client that does not own it, and every watcher gets one {@code
   * Expired}.
   */
  @Test
  void anOwnersEndedSessionAnnouncesNothingBeforeTheServicesOwnTimeout() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    try (ZkServiceManager owner = client(ns, clock);
        ZkServiceManager other = client(ns, clock)) {
      RecordingListener[] seen = new RecordingListener[4];
      for (int i = 0; i < seen.length; i++) {
        seen[i] = new RecordingListener();
      }
      try (Subscription s0 = owner.watch("svc-1", seen[0]);
          Subscription s1 = owner.watch("svc-2", seen[1]);
          Subscription s2 = other.watch("svc-1", seen[2]);
          Subscription s3 = other.watch("svc-2", seen[3])) {
        ServiceHandle h1 = owner.register("svc-1", Endpoint.of("tcp://owner:1"));
        ServiceHandle h2 = owner.register("svc-2", Endpoint.of("tcp://owner:2"));
        assertEquals(h1, other.await("svc-1", Duration.ofSeconds(20)));
        assertEquals(h2, other.await("svc-2", Duration.ofSeconds(20)));
        long session = owner.reaper().session();
        assertTrue(other.reaper().liveSessions().contains(session));

        endSession(owner.curator().getZookeeperClient().getZooKeeper());
        awaitUntil(
            () -> !other.reaper().liveSessions().contains(session),
            "the other client never saw the owner's session end");
        afterReaperChecks(other); // the death check the session's end queued has run

        assertEquals(new Liveness(h1, START, true), other.liveness("svc-1"));
        assertEquals(new Liveness(h2, START, true), other.liveness("svc-2"));
        clock.set(START.plus(TIMEOUT));
        assertEquals(List.of(), other.sweepExpired());
        clock.set(START.plus(TIMEOUT).plus(FLUSH)); // other does not own them
        assertEquals(List.of(), other.sweepExpired());
        assertEquals(new Liveness(h1, START, true), other.liveness("svc-1"));
        for (int i = 0; i < seen.length; i++) {
          ServiceHandle h = i % 2 == 0 ? h1 : h2;
          assertEquals(List.of(new Registered(h)), seen[i].awaitEvents(1), "watcher " + i);
        }
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(h1, h2), other.sweepExpired()); // nobody announced them before
        other.unregister(h1); // fences: a second Expired would have to come before these
        other.unregister(h2);
        for (int i = 0; i < seen.length; i++) {
          ServiceHandle h = i % 2 == 0 ? h1 : h2;
          List<?> expected = List.of(new Registered(h), new Expired(h), new Unregistered(h));
          assertEquals(expected, seen[i].awaitEvents(3), "watcher " + i);
          assertEquals(3, seen[i].count(), "watcher " + i);
        }
        assertNotEquals(0, session);
      }
    }
  }

  /**
   * Ends a client's ZooKeeper session on the server, as an expiry does: another handle joins the
   * session with its id and password and closes it, so the server removes its ephemeral nodes.
   */
  private static void endSession(ZooKeeper zk) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher =
        event -> {
          if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        };
    ZooKeeper twin =
        new ZooKeeper(server.connect(), 4_000, watcher, zk.getSessionId(), zk.getSessionPasswd());
    try {
      assertTrue(connected.await(20, TimeUnit.SECONDS), "could not join the session");
    } finally {
      twin.close();
    }
  }

  /**
   * Waits until the reaper of {@code client} has run what was queued on its thread (two hops: a
   * check queued just as the test looked runs before the second).
   */
  private static void afterReaperChecks(ZkServiceManager client) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    client.reaper().runLater(() -> client.reaper().runLater(done::countDown));
    assertTrue(done.await(20, TimeUnit.SECONDS), "the reaper's thread never ran the task");
  }

  /** A clock that, once armed, holds the next reading of the armed thread until released. */
  private static final class HoldingClock implements InstantSource {
    private final ManualClock clock;
    private volatile @Nullable Thread armed;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HoldingClock(ManualClock clock) {
      this.clock = clock;
    }

    @Override
    public Instant instant() {
      Instant reading = clock.instant();
      if (armed == Thread.currentThread()) {
        armed = null;
        held.countDown();
        try {
          assertTrue(release.await(30, TimeUnit.SECONDS), "never released");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return reading; // the reading taken before the hold
    }
  }

  /**
   * A heartbeat kept locally races with another client's expiry mark: the owner read the record
   * alive and took its clock, then the mark reached its view before it kept the beat. The heartbeat
   * must notice (the view changed since it read the record) and revive the service by a write, not
   * keep a beat that the mark outranks. A clock that holds the owner's heartbeat thread at its
   * reading makes the race happen every time.
   */
  @Test
  void anExpiryMarkThatLandsWhileAHeartbeatIsKeptLocallyEndsInARevival() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    HoldingClock holding = new HoldingClock(clock);
    ExecutorService beats = Executors.newSingleThreadExecutor();
    try (ZkServiceManager owner = client(ns, holding);
        ZkServiceManager other = client(ns, clock)) {
      RecordingListener seen = new RecordingListener();
      try (Subscription s = owner.watch("svc", seen)) {
        ServiceHandle h = owner.register("svc", Endpoint.of("tcp://owner:1")); // written at START
        assertEquals(h, other.await("svc", Duration.ofSeconds(20)));
        assertEquals(List.of(new Registered(h)), seen.awaitEvents(1));
        clock.set(START.plusSeconds(10)); // younger than a flush interval (15 s): kept locally
        Future<?> beat =
            beats.submit(
                () -> {
                  holding.armed = Thread.currentThread();
                  owner.heartbeat(h);
                  return null;
                });
        assertTrue(holding.held.await(20, TimeUnit.SECONDS), "the heartbeat never read the clock");
        // Held with the record read alive and a reading of START + 10 s. Meanwhile the other
        // client, 76 s after the written heartbeat, marks the service expired.
        Instant marked = clock.advance(Duration.ofSeconds(66));
        assertEquals(List.of(h), other.sweepExpired());
        assertEquals(
            List.of(new Registered(h), new Expired(h)),
            seen.awaitEvents(2)); // the mark is in the owner's view
        holding.release.countDown();
        beat.get(20, TimeUnit.SECONDS);
        // Revived by a write at the clock read after the mark, which every client sees.
        assertEquals(new Liveness(h, marked, true), owner.liveness("svc"));
        awaitUntil(
            () -> other.liveness("svc").equals(new Liveness(h, marked, true)),
            "the other client never saw the revival");
      }
    } finally {
      beats.shutdownNow();
    }
  }
}

package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * The background announcer plans a check only for a service whose expiry is less than its horizon
 * (a second) away: a sweep of the view, once a second, finds those that came that near. Healthy
 * services far from their expiry cost no task, and a service still expires on time with nobody
 * calling {@code sweepExpired}, {@code liveness} or {@code heartbeat}.
 */
@Timeout(60)
class ExpirySweepTest {

  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static ZkServiceManager client(String namespace, InstantSource clock, Duration timeout) {
    return ZkTestSupport.open(server.connect(), namespace, clock, timeout);
  }

  /**
   * Forty services with an hour's timeout and one with three seconds, all registered by other
   * clients: the watching client never plans a check of the forty, plans the one's only once it is
   * near (its expiry was three seconds away when it came in, beyond the horizon), and announces it
   * by itself, once.
   */
  @Test
  void onlyNearExpiriesHaveAPlannedCheckAndTheSweepFindsThem() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    InstantSource clock = InstantSource.system();
    try (ZkServiceManager watcher = client(ns, clock, Duration.ofHours(1));
        ZkServiceManager longLived = client(ns, clock, Duration.ofHours(1));
        ZkServiceManager shortLived = client(ns, clock, Duration.ofSeconds(3))) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = watcher.watch("short", events)) {
        for (int i = 0; i < 40; i++) {
          longLived.register("long-" + i, Endpoint.of("tcp://long:" + i));
        }
        ServiceHandle h = shortLived.register("short", Endpoint.of("tcp://short:1"));
        shortLived.close(); // its announcer stays out: the watcher must find the expiry itself
        longLived.close();
        List<Set<String>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (events.count() < 2) {
          assertTrue(System.nanoTime() < deadline, "no Expired: " + events.events());
          seen.add(watcher.plannedExpiryChecks());
          Thread.sleep(5);
        }
        assertEquals(List.of(new Registered(h), new Expired(h)), events.events());
        Set<String> everPlanned = new HashSet<>();
        seen.forEach(everPlanned::addAll);
        assertEquals(Set.of("short"), everPlanned, "checks planned for far expiries");
        assertEquals(Set.of(), watcher.plannedExpiryChecks());
        assertEquals(41, watcher.services().size());
        assertEquals(List.of(), watcher.sweepExpired()); // announced already, and the rest alive
      }
    }
  }

  /**
   * A manual clock moved past a service's timeout is not real time passing: no sweep announces the
   * expiry within the seconds that follow, so {@code sweepExpired} is the call that finds it.
   */
  @Test
  void aClockMovedByHandIsNotAnnouncedByTheSweepBeforeTheRealTimePasses() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    try (ZkServiceManager manager = client(ns, clock, Duration.ofSeconds(30))) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        ServiceHandle h = manager.register("svc", Endpoint.of("tcp://svc:1"));
        clock.advance(Duration.ofSeconds(31));
        // Three sweeps, and the expiry is less than a horizon away by the clock at each.
        Thread.sleep(3 * ExpiryAnnouncer.HORIZON_MILLIS + 200);
        assertEquals(List.of(new Registered(h)), events.events());
        assertEquals(Set.of(), manager.plannedExpiryChecks());
        assertEquals(List.of(h), manager.sweepExpired());
        assertEquals(List.of(new Registered(h), new Expired(h)), events.awaitEvents(2));
      }
    }
  }

  /**
   * A version that came in while the watching client's clock read out of range (so no check could
   * be timed then) is still announced by the background once the clock is back, past the expiry,
   * and the real time of the timeout has passed: the sweep times it from when it first sees it.
   */
  @Test
  void aVersionThatCameInWhileTheClockWasOutOfRangeIsStillAnnounced() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    ManualClock watcherClock = ManualClock.at(start);
    ManualClock ownerClock = ManualClock.at(start); // never moves: the owner announces nothing
    try (ZkServiceManager watcher = client(ns, watcherClock, Duration.ofSeconds(2));
        ZkServiceManager owner = client(ns, ownerClock, Duration.ofSeconds(2))) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = watcher.watchAll(events)) {
        watcherClock.set(Instant.MAX);
        ServiceHandle h = owner.register("svc", Endpoint.of("tcp://svc:1"));
        assertEquals(List.of(new Registered(h)), events.awaitEvents(1));
        watcherClock.set(start); // back in range, before the check planned for the bad clock
        Thread.sleep(6_000); // that check runs, finds 2.5 s left by the clock, and drops
        watcherClock.advance(Duration.ofSeconds(60));
        assertEquals(List.of(new Registered(h), new Expired(h)), events.awaitEvents(2));
      }
    }
  }

  /** The announcer's arithmetic saturates instead of wrapping at the ends of a clock's range. */
  @Test
  void differencesSaturate() {
    assertEquals(Long.MAX_VALUE, ExpiryAnnouncer.minus(Long.MAX_VALUE, -1));
    assertEquals(Long.MIN_VALUE, ExpiryAnnouncer.minus(Long.MIN_VALUE, 1));
    assertEquals(Long.MAX_VALUE, ExpiryAnnouncer.minus(Long.MAX_VALUE - 5, -10));
    assertEquals(Long.MIN_VALUE, ExpiryAnnouncer.minus(-10, Long.MAX_VALUE));
    assertEquals(-3, ExpiryAnnouncer.minus(2, 5));
    assertEquals(Long.MAX_VALUE, ExpiryAnnouncer.minus(Long.MAX_VALUE, 0));
    assertEquals(0, ExpiryAnnouncer.minus(Long.MIN_VALUE, Long.MIN_VALUE));
  }
}

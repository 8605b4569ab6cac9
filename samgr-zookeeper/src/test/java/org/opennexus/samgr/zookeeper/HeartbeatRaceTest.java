package org.opennexus.samgr.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.tck.RecordingListener;

/**
 * A heartbeat kept locally races with another client's expiry mark: the owner read the record alive
 * and took its clock, then the mark reached its view before it kept the beat. The heartbeat must
 * notice (the view changed since it read the record) and revive the service by a write, not keep a
 * beat that the mark outranks. A clock that holds the owner's heartbeat thread at its reading makes
 * the race happen every time.
 */
@Timeout(60)
class HeartbeatRaceTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestServer();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
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

  @Test
  void anExpiryMarkThatLandsWhileAHeartbeatIsKeptLocallyEndsInARevival() throws Exception {
    String ns = ZkTestSupport.freshNamespace();
    ManualClock clock = ManualClock.at(START);
    HoldingClock holding = new HoldingClock(clock);
    ExecutorService beats = Executors.newSingleThreadExecutor();
    try (ZkServiceManager owner = ZkTestSupport.open(server.connect(), ns, holding, TIMEOUT);
        ZkServiceManager other =
            ZkTestSupport.open(server.connect(), ns, (InstantSource) clock, TIMEOUT)) {
      RecordingListener seen = new RecordingListener();
      try (Subscription s = owner.watch("svc", seen)) {
        ServiceHandle h = owner.register("svc", Endpoint.of("tcp://owner:1")); // written at START
        assertEquals(h, other.await("svc", Duration.ofSeconds(20)));
        assertEquals(List.of(new ServiceEvent.Registered(h)), seen.awaitEvents(1));
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
            List.of(new ServiceEvent.Registered(h), new ServiceEvent.Expired(h)),
            seen.awaitEvents(2)); // the mark is in the owner's view
        holding.release.countDown();
        beat.get(20, TimeUnit.SECONDS);
        // Revived by a write at the clock read after the mark, which every client sees.
        assertEquals(new Liveness(h, marked, true), owner.liveness("svc"));
        ZkTestSupport.awaitUntil(
            () -> other.liveness("svc").equals(new Liveness(h, marked, true)),
            "the other client never saw the revival");
      }
    } finally {
      beats.shutdownNow();
    }
  }
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * {@code sweepExpired} and the {@code Expired} event: exactly one {@code Expired} for each time a
 * service stops being alive, whichever call notices it first ({@code sweepExpired}, {@code
 * liveness} or a late {@code heartbeat}); an expired service stays registered. The same rule under
 * races is in {@link ExpiryRaceContract}.
 *
 * <p>Where a test proves that an event did <em>not</em> come, it makes one more change afterwards
 * (a "fence") and checks that the fence's event is the next one.
 */
public interface ExpiryContract extends Contract {

  /**
   * {@code sweepExpired} returns the handles that expired, sorted by name, and sends one {@code
   * Expired} per service; a second sweep finds nothing and sends nothing.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void sweepExpiredSendsExpiredOnceAndReturnsHandlesSortedByName() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        ServiceHandle b = manager.register("b", Endpoint.of("1"));
        ServiceHandle c = manager.register("c", Endpoint.of("2"));
        ServiceHandle a = manager.register("a", Endpoint.of("3"));
        clock.advance(Duration.ofSeconds(1));
        manager.heartbeat(c);
        clock.advance(LIVENESS_TIMEOUT);
        assertEquals(List.of(a, b), manager.sweepExpired());
        assertEquals(List.of(), manager.sweepExpired());
        ServiceHandle fence = manager.restart(c, Endpoint.of("4"));
        List<ServiceEvent> got = events.awaitEvents(6);
        assertEquals(
            List.of(new Registered(b), new Registered(c), new Registered(a)), got.subList(0, 3));
        // One sweep sends its Expired events in name order, like the list it returns.
        assertEquals(List.of(new Expired(a), new Expired(b)), got.subList(3, 5));
        assertEquals(List.of(new Restarted(fence)), got.subList(5, got.size()));
      }
    }
  }

  /**
   * {@code watchAll} starts with {@code Registered} in name order, and one sweep returns and sends
   * {@code Expired} in name order, whatever order the services were registered in (here the
   * reverse, over enough names that no hash order is sorted by chance).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchAllAndSweepFollowNameOrderNotRegistrationOrder() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      List<ServiceHandle> registered = new ArrayList<>();
      for (int i = 63; i >= 0; i--) {
        registered.add(manager.register(String.format("svc-%02d", i), Endpoint.of("e" + i)));
      }
      List<ServiceHandle> sorted = new ArrayList<>(registered);
      sorted.sort(Comparator.comparing(ServiceHandle::name));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        assertEquals(sorted, manager.sweepExpired());
        List<ServiceEvent> expected = new ArrayList<>();
        sorted.forEach(h -> expected.add(new Registered(h)));
        sorted.forEach(h -> expected.add(new Expired(h)));
        assertEquals(expected, events.awaitEvents(expected.size()));
      }
    }
  }

  /**
   * {@code sweepExpired} finds nothing while every service is alive, even at exactly the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void sweepExpiredFindsNothingWhileServicesAreAlive() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      assertEquals(List.of(), manager.sweepExpired());
      manager.register("svc", Endpoint.of("a"));
      clock.advance(LIVENESS_TIMEOUT);
      assertEquals(List.of(), manager.sweepExpired());
    }
  }

  /**
   * {@code sweepExpired} does not report a service that was unregistered.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void sweepExpiredIgnoresUnregisteredServices() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      manager.unregister(manager.register("svc", Endpoint.of("a")));
      clock.advance(LIVENESS_TIMEOUT.multipliedBy(2));
      assertEquals(List.of(), manager.sweepExpired());
    }
  }

  /**
   * A service revived by a heartbeat can expire again, and then gets a second {@code Expired}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void serviceRevivedByHeartbeatCanExpireAgain() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        assertEquals(List.of(handle), manager.sweepExpired());
        manager.heartbeat(handle);
        assertEquals(List.of(), manager.sweepExpired());
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        assertEquals(List.of(handle), manager.sweepExpired());
        assertEquals(List.of(), manager.sweepExpired());
        manager.unregister(handle); // fence
        assertEvents(
            events,
            new Registered(handle),
            new Expired(handle),
            new Expired(handle),
            new Unregistered(handle));
      }
    }
  }

  /**
   * {@code liveness} that notices the expiry sends {@code Expired}, once; a later sweep finds it
   * already announced.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void livenessNoticingExpirySendsExpiredOnce() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        assertEquals(new Liveness(handle, EPOCH, false), manager.liveness("svc"));
        assertEvents(events, new Registered(handle), new Expired(handle));
        assertEquals(new Liveness(handle, EPOCH, false), manager.liveness("svc"));
        assertEquals(List.of(), manager.sweepExpired());
        manager.unregister(handle); // fence
        assertEvents(events, new Registered(handle), new Expired(handle), new Unregistered(handle));
      }
    }
  }

  /**
   * A heartbeat after an expiry nobody noticed sends {@code Expired} first, then the service is
   * alive again from that heartbeat.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void heartbeatAfterUnnoticedExpirySendsExpiredThenRevives() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        Instant late = clock.advance(LIVENESS_TIMEOUT.plusSeconds(1));
        manager.heartbeat(handle);
        assertEvents(events, new Registered(handle), new Expired(handle));
        assertEquals(new Liveness(handle, late, true), manager.liveness("svc"));
        assertEquals(List.of(), manager.sweepExpired());
        manager.unregister(handle); // fence
        assertEvents(events, new Registered(handle), new Expired(handle), new Unregistered(handle));
      }
    }
  }

  /**
   * An expired service stays registered: resolve, find, services and liveness still show it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void expiredServiceStaysRegistered() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(LIVENESS_TIMEOUT.plusSeconds(1));
      assertEquals(List.of(handle), manager.sweepExpired());
      assertEquals(handle, manager.resolve("svc"));
      assertEquals(Optional.of(handle), manager.find("svc"));
      assertEquals(List.of(handle), manager.services());
      assertEquals(new Liveness(handle, EPOCH, false), manager.liveness("svc"));
      assertEquals(handle, manager.await("svc", Duration.ZERO));
    }
  }

  /**
   * A service restarted after expiring can expire again, and that {@code Expired} carries the new
   * handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void serviceRestartedAfterExpiryExpiresAgainUnderNewHandle() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        clock.advance(LIVENESS_TIMEOUT.plusSeconds(1));
        assertEquals(List.of(first), manager.sweepExpired());
        ServiceHandle second = manager.restart(first, Endpoint.of("b"));
        assertEquals(List.of(), manager.sweepExpired());
        clock.advance(LIVENESS_TIMEOUT.plusSeconds(1));
        assertEquals(List.of(second), manager.sweepExpired());
        assertEvents(
            events,
            new Registered(first),
            new Expired(first),
            new Restarted(second),
            new Expired(second));
      }
    }
  }

  /**
   * {@code sweepExpired} declares no checked exception, so a scheduler runs it as a {@link
   * Runnable}, as a harness that sweeps on a schedule does.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void sweepExpiredRunsAsAScheduledRunnable() throws Exception {
    ManualClock clock = clock();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        Runnable sweep = manager::sweepExpired;
        scheduler.schedule(sweep, 0, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
        assertEvents(events, new Registered(handle), new Expired(handle));
      }
    } finally {
      scheduler.shutdownNow();
    }
  }
}

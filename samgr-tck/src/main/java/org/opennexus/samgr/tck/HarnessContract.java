package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * The contract of the harness operations ("beyond the seed"), one behaviour per test, on one
 * thread: {@code find}, fenced {@code unregister} and {@code restart}, {@code services}, liveness
 * on a manual clock and {@code Expired}, {@code watch} and {@code watchAll} and their delivery
 * rules, {@code await}, and what {@code close} does to all of them. The races are in {@link
 * HarnessConcurrencyContract}.
 *
 * <p>Events are read through a {@link RecordingListener} with bounded waits, so a backend that
 * delivers on another thread passes too. Where a test proves that an event did <em>not</em>
 * come, it makes one more change afterwards (a "fence") and checks that the fence's event is the
 * next one: delivery is in order, so an unwanted event would have come before it.
 */
public interface HarnessContract extends Contract {

  // ---- find ----

  /**
   * {@code find} returns the current handle, the one of the latest restart.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findReturnsCurrentHandleOfRegisteredService() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      assertEquals(Optional.of(first), manager.find("svc"));
      ServiceHandle second = manager.restart("svc", Endpoint.of("b"));
      assertEquals(Optional.of(second), manager.find("svc"));
    }
  }

  /**
   * {@code find} returns empty, not an exception, for a name never registered or unregistered.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findReturnsEmptyForNameNotRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      assertEquals(Optional.empty(), manager.find("svc"));
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      manager.unregister(handle);
      assertEquals(Optional.empty(), manager.find("svc"));
    }
  }

  /**
   * {@code find} rejects an invalid name with {@link IllegalArgumentException}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findRejectsInvalidName() throws Exception {
    try (ServiceManager manager = open()) {
      for (String bad : List.of("", "a\u0000b", "x".repeat(257), "\uD800")) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> manager.find(bad));
        assertMessageContains(e, "name");
      }
    }
  }

  /**
   * {@code find(null)} throws {@link NullPointerException} naming the parameter.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void findRejectsNullNameNamingIt() throws Exception {
    try (ServiceManager manager = open()) {
      assertNpeNaming("name", () -> manager.find(nullString()));
    }
  }

  // ---- unregister ----

  /**
   * After {@code unregister}, the service is gone from every view of the registry.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void unregisterRemovesService() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      ServiceHandle other = manager.register("other", Endpoint.of("b"));
      manager.unregister(handle);
      assertEquals(Optional.empty(), manager.find("svc"));
      assertEquals(List.of(other), manager.services());
      assertEquals("svc", assertThrows(SamgrError.NotFound.class, () -> manager.resolve("svc")).name());
      assertEquals("svc", assertThrows(SamgrError.NotFound.class, () -> manager.liveness("svc")).name());
    }
  }

  /**
   * {@code unregister} of a name that is not registered throws {@code NotFound} with that name.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void unregisterOfNameNotRegisteredThrowsNotFound() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle ghost = new ServiceHandle("ghost", Endpoint.of("a"), new Generation(1));
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.unregister(ghost));
      assertEquals("ghost", e.name());
      assertMessageContains(e, "ghost");
    }
  }

  /**
   * Unregistering twice with the same handle: the second call throws {@code NotFound}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void unregisterTwiceThrowsNotFound() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      manager.unregister(handle);
      assertEquals("svc", assertThrows(SamgrError.NotFound.class, () -> manager.unregister(handle)).name());
    }
  }

  /**
   * {@code unregister} with a handle from before a restart throws {@code StaleHandle} carrying
   * the handle and the current generation, and nothing changes (no event either).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void unregisterWithStaleHandleThrowsStaleHandleAndChangesNothing() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart("svc", Endpoint.of("b"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        SamgrError.StaleHandle e =
            assertThrows(SamgrError.StaleHandle.class, () -> manager.unregister(first));
        assertStale(e, first, second);
        assertEquals(second, manager.resolve("svc"));
        assertEquals(List.of(second), manager.services());
        ServiceHandle fence = manager.restart(second, Endpoint.of("c"));
        assertEquals(List.of(new Registered(second), new Restarted(fence)), events.awaitEvents(2));
      }
    }
  }

  /**
   * A name registered again after {@code unregister} gets a new, higher generation.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void registerAgainAfterUnregisterGetsHigherGeneration() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      manager.unregister(first);
      ServiceHandle second = manager.register("svc", Endpoint.of("a"));
      assertTrue(second.generation().isAfter(first.generation()), first + " then " + second);
      assertNotEquals(first, second);
      assertEquals(second, manager.resolve("svc"));
    }
  }

  /**
   * No ABA: a handle of an earlier incarnation stays stale after the name is registered again
   * with the same endpoint, for heartbeat, fenced restart and unregister alike.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void handleOfEarlierIncarnationStaysStaleAfterRegisterAgain() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle old = manager.register("svc", Endpoint.of("a"));
      manager.unregister(old);
      ServiceHandle current = manager.register("svc", Endpoint.of("a"));
      assertStale(assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(old)), old, current);
      assertStale(
          assertThrows(SamgrError.StaleHandle.class, () -> manager.restart(old, Endpoint.of("a"))),
          old,
          current);
      assertStale(assertThrows(SamgrError.StaleHandle.class, () -> manager.unregister(old)), old, current);
      assertEquals(current, manager.resolve("svc"));
    }
  }

  /**
   * {@code unregister(null)} throws {@link NullPointerException} naming the parameter.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void unregisterRejectsNullHandleNamingIt() throws Exception {
    try (ServiceManager manager = open()) {
      assertNpeNaming("handle", () -> manager.unregister(nullHandle()));
    }
  }

  // ---- restart(ServiceHandle, Endpoint) ----

  /**
   * A fenced restart with the current handle returns a handle with a higher generation and the
   * new endpoint, which {@code resolve} then returns.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartWithCurrentHandleReturnsNewerHandle() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals("svc", second.name());
      assertEquals(Endpoint.of("b"), second.endpoint());
      assertTrue(second.generation().isAfter(first.generation()), first + " then " + second);
      assertEquals(second, manager.resolve("svc"));
    }
  }

  /**
   * A fenced restart makes the handle it was given stale.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartMakesGivenHandleStale() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertStale(assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(first)), first, second);
    }
  }

  /**
   * A fenced restart with a stale handle throws {@code StaleHandle} and changes nothing: not the
   * handle, not the liveness, no event.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartWithStaleHandleThrowsStaleHandleAndChangesNothing() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      clock.advance(Duration.ofSeconds(1));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      Instant restartedAt = clock.instant();
      clock.advance(Duration.ofSeconds(1));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        SamgrError.StaleHandle e =
            assertThrows(SamgrError.StaleHandle.class, () -> manager.restart(first, Endpoint.of("c")));
        assertStale(e, first, second);
        assertEquals(second, manager.resolve("svc"));
        assertEquals(List.of(second), manager.services());
        assertEquals(new Liveness(second, restartedAt, true), manager.liveness("svc"));
        manager.unregister(second); // fence
        assertEquals(List.of(new Registered(second), new Unregistered(second)), events.awaitEvents(2));
      }
    }
  }

  /**
   * A fenced restart of a name that is no longer registered throws {@code NotFound}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartOfUnregisteredNameThrowsNotFound() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      manager.unregister(handle);
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.restart(handle, Endpoint.of("b")));
      assertEquals("svc", e.name());
      assertEquals(Optional.empty(), manager.find("svc"));
    }
  }

  /**
   * A fenced restart rejects {@code null} arguments, naming each.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartRejectsNullArgumentsNamingThem() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertNpeNaming("current", () -> manager.restart(nullHandle(), Endpoint.of("b")));
      assertNpeNaming("endpoint", () -> manager.restart(handle, nullEndpoint()));
      assertEquals(handle, manager.resolve("svc"));
    }
  }

  // ---- services ----

  /**
   * An empty registry lists no services.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesOfEmptyRegistryIsEmpty() throws Exception {
    try (ServiceManager manager = open()) {
      assertEquals(List.of(), manager.services());
    }
  }

  /**
   * {@code services} is sorted by name in {@link String#compareTo} order (upper case before
   * lower case, "a10" before "a9", non-ASCII last), whatever the order of registration.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesAreSortedByNameInStringOrder() throws Exception {
    try (ServiceManager manager = open()) {
      List<String> names = List.of("b", "\u00e4", "a9", "Z", "a10", "B", "a");
      List<ServiceHandle> registered = new ArrayList<>();
      for (String name : names) {
        registered.add(manager.register(name, Endpoint.of("ep-" + name)));
      }
      registered.sort((x, y) -> x.name().compareTo(y.name()));
      assertEquals(
          List.of("B", "Z", "a", "a10", "a9", "b", "\u00e4"),
          registered.stream().map(ServiceHandle::name).toList());
      assertEquals(registered, manager.services());
    }
  }

  /**
   * {@code services} lists the current handles: after a restart the new one, after an
   * unregister none.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesListsCurrentHandles() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("1"));
      ServiceHandle b = manager.register("b", Endpoint.of("2"));
      ServiceHandle a2 = manager.restart(a, Endpoint.of("3"));
      assertEquals(List.of(a2, b), manager.services());
      manager.unregister(b);
      assertEquals(List.of(a2), manager.services());
    }
  }

  /**
   * The list {@code services} returns is a snapshot: later changes do not show in it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesIsSnapshotNotLiveView() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("1"));
      List<ServiceHandle> snapshot = manager.services();
      ServiceHandle a2 = manager.restart(a, Endpoint.of("2"));
      ServiceHandle b = manager.register("b", Endpoint.of("3"));
      assertEquals(List.of(a), snapshot);
      assertEquals(List.of(a2, b), manager.services());
    }
  }

  /**
   * The list {@code services} returns cannot be modified.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void servicesListIsUnmodifiable() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle a = manager.register("a", Endpoint.of("1"));
      List<ServiceHandle> list = manager.services();
      assertThrows(UnsupportedOperationException.class, () -> list.add(a));
      assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
      assertThrows(UnsupportedOperationException.class, () -> list.set(0, a));
      assertThrows(UnsupportedOperationException.class, list::clear);
      List<ServiceHandle> empty = open().services();
      assertThrows(UnsupportedOperationException.class, () -> empty.add(a));
      assertEquals(List.of(a), manager.services());
    }
  }

  // ---- liveness ----

  /**
   * A service is still alive when its last heartbeat is exactly the liveness timeout old.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void serviceIsAliveAtExactlyTheTimeout() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(LIVENESS_TIMEOUT);
      assertEquals(new Liveness(handle, EPOCH, true), manager.liveness("svc"));
      assertEquals(List.of(), manager.sweepExpired());
    }
  }

  /**
   * A service is not alive once its last heartbeat is one millisecond older than the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void serviceIsNotAliveOneMillisecondPastTheTimeout() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
      assertEquals(new Liveness(handle, EPOCH, false), manager.liveness("svc"));
    }
  }

  /**
   * {@code lastHeartbeat} is the clock's instant at register, to the millisecond.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void lastHeartbeatIsClockAtRegister() throws Exception {
    ManualClock clock = clock();
    clock.advance(Duration.ofMillis(1234));
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(Duration.ofMillis(5));
      assertEquals(
          new Liveness(handle, EPOCH.plusMillis(1234), true), manager.liveness("svc"));
    }
  }

  /**
   * {@code lastHeartbeat} is the clock's instant at the latest heartbeat.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void lastHeartbeatIsClockAtHeartbeat() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      Instant beat = clock.advance(Duration.ofMillis(20_007));
      manager.heartbeat(handle);
      clock.advance(Duration.ofMillis(3));
      assertEquals(new Liveness(handle, beat, true), manager.liveness("svc"));
    }
  }

  /**
   * {@code lastHeartbeat} is the clock's instant at restart, and the liveness is that of the new
   * handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void lastHeartbeatIsClockAtRestart() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      Instant restartedAt = clock.advance(Duration.ofMillis(10_001));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      clock.advance(Duration.ofMillis(2));
      assertEquals(new Liveness(second, restartedAt, true), manager.liveness("svc"));
    }
  }

  /**
   * A heartbeat makes a service that is not alive alive again, from the heartbeat's instant.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void heartbeatRevivesServiceThatIsNotAlive() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      Instant late = clock.advance(LIVENESS_TIMEOUT.plusSeconds(5));
      assertFalse(manager.liveness("svc").alive());
      manager.heartbeat(handle);
      assertEquals(new Liveness(handle, late, true), manager.liveness("svc"));
      clock.advance(LIVENESS_TIMEOUT);
      assertEquals(new Liveness(handle, late, true), manager.liveness("svc"));
    }
  }

  /**
   * A restart makes a service that is not alive alive again, under the new handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void restartRevivesServiceThatIsNotAlive() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      Instant late = clock.advance(LIVENESS_TIMEOUT.plusSeconds(5));
      assertFalse(manager.liveness("svc").alive());
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(new Liveness(second, late, true), manager.liveness("svc"));
      assertEquals(List.of(new Registered(second)), watchAndCollect(manager, "svc", 1));
    }
  }

  /**
   * {@code liveness} of a name not registered throws {@code NotFound}; bad names are rejected.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void livenessOfNameNotRegisteredThrowsNotFound() throws Exception {
    try (ServiceManager manager = open()) {
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.liveness("svc"));
      assertEquals("svc", e.name());
      assertMessageContains(e, "svc");
      assertNpeNaming("name", () -> manager.liveness(nullString()));
      assertThrows(IllegalArgumentException.class, () -> manager.liveness(""));
    }
  }

  // ---- Expired ----

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
        assertEquals(
            List.of(
                new Registered(handle),
                new Expired(handle),
                new Expired(handle),
                new Unregistered(handle)),
            events.awaitEvents(4));
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
        assertEquals(List.of(new Registered(handle), new Expired(handle)), events.awaitEvents(2));
        assertEquals(new Liveness(handle, EPOCH, false), manager.liveness("svc"));
        assertEquals(List.of(), manager.sweepExpired());
        manager.unregister(handle); // fence
        assertEquals(
            List.of(new Registered(handle), new Expired(handle), new Unregistered(handle)),
            events.awaitEvents(3));
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
        assertEquals(List.of(new Registered(handle), new Expired(handle)), events.awaitEvents(2));
        assertEquals(new Liveness(handle, late, true), manager.liveness("svc"));
        assertEquals(List.of(), manager.sweepExpired());
        manager.unregister(handle); // fence
        assertEquals(
            List.of(new Registered(handle), new Expired(handle), new Unregistered(handle)),
            events.awaitEvents(3));
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
        assertEquals(
            List.of(
                new Registered(first),
                new Expired(first),
                new Restarted(second),
                new Expired(second)),
            events.awaitEvents(4));
      }
    }
  }

  // ---- watch ----

  /**
   * A watch of a registered name starts with {@code Registered} carrying the current handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchOfRegisteredNameStartsWithRegisteredOfCurrentHandle() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(List.of(new Registered(second)), watchAndCollect(manager, "svc", 1));
    }
  }

  /**
   * A watch of a name not registered receives nothing until the name is registered, then {@code
   * Registered}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchOfNameNotRegisteredReceivesNothingUntilRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        assertEquals(List.of(), events.events());
        ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
        assertEquals(List.of(new Registered(handle)), events.awaitEvents(1));
      }
    }
  }

  /**
   * A watch receives every change of its name, in order: register, both restarts, expiry,
   * unregister and register again; a heartbeat sends nothing.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchReceivesEveryChangeOfItsNameInOrder() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
        ServiceHandle h2 = manager.restart("svc", Endpoint.of("b"));
        manager.heartbeat(h2);
        ServiceHandle h3 = manager.restart(h2, Endpoint.of("c"));
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        assertEquals(List.of(h3), manager.sweepExpired());
        manager.unregister(h3);
        ServiceHandle h4 = manager.register("svc", Endpoint.of("d"));
        assertEquals(
            List.of(
                new Registered(h1),
                new Restarted(h2),
                new Restarted(h3),
                new Expired(h3),
                new Unregistered(h3),
                new Registered(h4)),
            events.awaitEvents(6));
      }
    }
  }

  /**
   * A watch stays in place across unregister and register: it sees the next incarnation's events.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchSurvivesUnregisterAndRegisterAgain() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        manager.unregister(h1);
        ServiceHandle h2 = manager.register("svc", Endpoint.of("a"));
        ServiceHandle h3 = manager.restart(h2, Endpoint.of("b"));
        assertEquals(
            List.of(
                new Registered(h1), new Unregistered(h1), new Registered(h2), new Restarted(h3)),
            events.awaitEvents(4));
      }
    }
  }

  /**
   * A watch receives the events of its own name only, not of other names, even ones that share a
   * prefix.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchIgnoresOtherNames() throws Exception {
    try (ServiceManager manager = open()) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        for (String other : List.of("svc2", "sv", "SVC", "other")) {
          ServiceHandle h = manager.register(other, Endpoint.of("a"));
          manager.unregister(manager.restart(h, Endpoint.of("b")));
        }
        ServiceHandle mine = manager.register("svc", Endpoint.of("a"));
        assertEquals(List.of(new Registered(mine)), events.awaitEvents(1));
      }
    }
  }

  /**
   * Calls that fail (duplicate register, stale restart or unregister, restart of an unknown name)
   * send no event.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void failedChangesSendNoEvents() throws Exception {
    try (ServiceManager manager = open()) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
        ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
        assertThrows(SamgrError.Duplicate.class, () -> manager.register("svc", Endpoint.of("c")));
        assertThrows(SamgrError.StaleHandle.class, () -> manager.restart(h1, Endpoint.of("c")));
        assertThrows(SamgrError.StaleHandle.class, () -> manager.unregister(h1));
        assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(h1));
        assertThrows(SamgrError.NotFound.class, () -> manager.restart("nope", Endpoint.of("c")));
        assertThrows(IllegalArgumentException.class, () -> manager.register("", Endpoint.of("c")));
        manager.unregister(h2); // fence
        assertEquals(
            List.of(new Registered(h1), new Restarted(h2), new Unregistered(h2)),
            events.awaitEvents(3));
      }
    }
  }

  /**
   * {@code watch} rejects {@code null} and invalid arguments.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchRejectsBadArguments() throws Exception {
    try (ServiceManager manager = open()) {
      assertNpeNaming("name", () -> manager.watch(nullString(), new RecordingListener()));
      assertNpeNaming("listener", () -> manager.watch("svc", nullListener()));
      assertThrows(IllegalArgumentException.class, () -> manager.watch("", new RecordingListener()));
      assertNpeNaming("listener", () -> manager.watchAll(nullListener()));
    }
  }

  // ---- watchAll ----

  /**
   * {@code watchAll} starts with {@code Registered} for every current service, in name order.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchAllStartsWithRegisteredForEveryServiceInNameOrder() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle c = manager.register("c", Endpoint.of("1"));
      ServiceHandle a = manager.register("a", Endpoint.of("2"));
      ServiceHandle b = manager.restart(manager.register("b", Endpoint.of("3")), Endpoint.of("4"));
      manager.unregister(manager.register("d", Endpoint.of("5")));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        assertEquals(
            List.of(new Registered(a), new Registered(b), new Registered(c)),
            events.awaitEvents(3));
      }
    }
  }

  /**
   * {@code watchAll} on an empty registry starts with nothing, then receives every event of every
   * name, in the order the changes took effect.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchAllReceivesEveryEventOfEveryName() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        assertEquals(List.of(), events.events());
        ServiceHandle a1 = manager.register("a", Endpoint.of("1"));
        ServiceHandle b1 = manager.register("b", Endpoint.of("2"));
        ServiceHandle a2 = manager.restart(a1, Endpoint.of("3"));
        manager.unregister(b1);
        clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
        assertEquals(List.of(a2), manager.sweepExpired());
        ServiceHandle b2 = manager.register("b", Endpoint.of("4"));
        assertEquals(
            List.of(
                new Registered(a1),
                new Registered(b1),
                new Restarted(a2),
                new Unregistered(b1),
                new Expired(a2),
                new Registered(b2)),
            events.awaitEvents(6));
      }
    }
  }

  // ---- delivery ----

  /**
   * A listener that throws disturbs neither the change (which returns normally), nor the
   * registry, nor the other listeners.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void throwingListenerDisturbsNeitherRegistryNorOtherListeners() throws Exception {
    try (ServiceManager manager = open()) {
      AtomicInteger thrown = new AtomicInteger();
      RecordingListener named = new RecordingListener();
      RecordingListener all = new RecordingListener();
      try (Subscription bad1 =
              manager.watch(
                  "svc",
                  e -> {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("listener failure (expected by the test)");
                  });
          Subscription good1 = manager.watch("svc", named);
          Subscription bad2 =
              manager.watchAll(
                  e -> {
                    thrown.incrementAndGet();
                    throw new AssertionError("listener failure (expected by the test)");
                  });
          Subscription good2 = manager.watchAll(all)) {
        ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
        ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
        assertEquals(h2, manager.resolve("svc"));
        assertEquals(List.of(h2), manager.services());
        List<ServiceEvent> expected = List.of(new Registered(h1), new Restarted(h2));
        assertEquals(expected, named.awaitEvents(2));
        assertEquals(expected, all.awaitEvents(2));
        assertTrue(thrown.get() >= 2, "the throwing listeners were called " + thrown + " times");
      }
    }
  }

  /**
   * A listener may call the registry (read it, and even register another name) without deadlock,
   * and sees the change that it is told about.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenerMayCallRegistryWithoutDeadlock() throws Exception {
    try (ServiceManager manager = open()) {
      List<Object> seen = new CopyOnWriteArrayList<>();
      RecordingListener all = new RecordingListener();
      try (Subscription s =
              manager.watch(
                  "a",
                  e -> {
                    try {
                      seen.add(manager.resolve("a"));
                      seen.add(manager.services());
                      seen.add(manager.register("b", Endpoint.of("from-listener")));
                    } catch (SamgrError err) {
                      seen.add(err);
                    }
                  });
          Subscription t = manager.watchAll(all)) {
        ServiceHandle a =
            assertTimeoutPreemptively(
                Races.WAIT, () -> manager.register("a", Endpoint.of("1")));
        List<ServiceEvent> events = all.awaitEvents(2);
        assertEquals(3, seen.size(), seen.toString());
        ServiceHandle b = (ServiceHandle) seen.get(2);
        assertEquals(a, seen.get(0));
        assertEquals(List.of(a), seen.get(1));
        assertEquals(b, manager.resolve("b"));
        assertEquals(List.of(new Registered(a), new Registered(b)), events);
      }
    }
  }

  /**
   * After {@code Subscription.close()} returns, the listener receives no more events; other
   * subscriptions carry on.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closedSubscriptionReceivesNoMoreEvents() throws Exception {
    try (ServiceManager manager = open()) {
      RecordingListener closed = new RecordingListener();
      RecordingListener open = new RecordingListener();
      try (Subscription keep = manager.watch("svc", open)) {
        Subscription s = manager.watch("svc", closed);
        ServiceHandle h1 = manager.register("svc", Endpoint.of("a"));
        assertEquals(List.of(new Registered(h1)), closed.awaitEvents(1));
        s.close();
        ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
        manager.unregister(h2);
        assertEquals(
            List.of(new Registered(h1), new Restarted(h2), new Unregistered(h2)),
            open.awaitEvents(3));
        assertEquals(List.of(new Registered(h1)), closed.events());
      }
    }
  }

  /**
   * A listener may close its own subscription; the call it is in is the last.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenerMayCloseItsOwnSubscription() throws Exception {
    try (ServiceManager manager = open()) {
      AtomicReference<Subscription> self = new AtomicReference<>();
      RecordingListener calls = new RecordingListener();
      RecordingListener other = new RecordingListener();
      try (Subscription keep = manager.watch("svc", other)) {
        Subscription s =
            manager.watch(
                "svc",
                e -> {
                  calls.accept(e);
                  Subscription me = self.get();
                  if (me != null) {
                    me.close();
                  }
                });
        self.set(s);
        ServiceHandle h1 =
            assertTimeoutPreemptively(Races.WAIT, () -> manager.register("svc", Endpoint.of("a")));
        ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
        assertEquals(List.of(new Registered(h1), new Restarted(h2)), other.awaitEvents(2));
        // Two subscriptions are delivered independently: wait for this one's first call, then
        // close it again (harmless, and it waits for a call in flight): nothing came after.
        calls.awaitEvents(1);
        s.close();
        assertEquals(List.of(new Registered(h1)), calls.events());
      }
    }
  }

  /**
   * Closing a subscription twice is harmless.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closingSubscriptionTwiceIsHarmless() throws Exception {
    try (ServiceManager manager = open()) {
      RecordingListener events = new RecordingListener();
      Subscription s = manager.watch("svc", events);
      s.close();
      assertDoesNotThrow(s::close);
      Subscription all = manager.watchAll(events);
      all.close();
      assertDoesNotThrow(all::close);
      ServiceHandle h = manager.register("svc", Endpoint.of("a"));
      assertEquals(List.of(new Registered(h)), watchAndCollect(manager, "svc", 1));
      assertEquals(List.of(), events.events());
    }
  }

  // ---- await ----

  /**
   * {@code await} of a registered name returns its current handle at once.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitReturnsCurrentHandleAtOnceWhenRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(
          second,
          assertTimeoutPreemptively(
              Races.WAIT, () -> manager.await("svc", Duration.ofDays(1))));
    }
  }

  /**
   * {@code await} with a zero timeout returns the handle of a registered name.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitWithZeroTimeoutReturnsHandleWhenRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertEquals(handle, manager.await("svc", Duration.ZERO));
    }
  }

  /**
   * {@code await} with a zero timeout checks once and throws {@code NotFound} naming the name and
   * the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitWithZeroTimeoutThrowsNotFoundWhenNotRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      SamgrError.NotFound e =
          assertTimeoutPreemptively(
              Races.WAIT,
              () ->
                  assertThrows(
                      SamgrError.NotFound.class, () -> manager.await("svc", Duration.ZERO)));
      assertEquals("svc", e.name());
      assertMessageContains(e, "'svc'");
      assertMessageContains(e, Duration.ZERO.toString());
    }
  }

  /**
   * When the timeout passes, {@code await} throws {@code NotFound} whose name is the name and
   * whose message names the timeout, not before the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitThrowsNotFoundNamingTimeoutWhenItPasses() throws Exception {
    try (ServiceManager manager = open()) {
      manager.register("other", Endpoint.of("a"));
      Duration timeout = Duration.ofMillis(50);
      long start = System.nanoTime();
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.await("svc", timeout));
      long waited = System.nanoTime() - start;
      assertTrue(waited >= timeout.toNanos(), "returned after " + waited + " ns");
      assertEquals("svc", e.name());
      assertMessageContains(e, "'svc'");
      assertMessageContains(e, timeout.toString());
    }
  }

  /**
   * {@code await} rejects a negative timeout, {@code null}s and invalid names.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitRejectsBadArguments() throws Exception {
    try (ServiceManager manager = open()) {
      IllegalArgumentException negative =
          assertThrows(
              IllegalArgumentException.class, () -> manager.await("svc", Duration.ofMillis(-1)));
      assertMessageContains(negative, "timeout");
      assertNpeNaming("name", () -> manager.await(nullString(), Duration.ZERO));
      assertNpeNaming("timeout", () -> manager.await("svc", nullDuration()));
      assertThrows(IllegalArgumentException.class, () -> manager.await("", Duration.ZERO));
    }
  }

  /**
   * {@code await} on a thread that is already interrupted throws {@link InterruptedException}
   * (and clears the interrupt status, as such methods do).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitWhenInterruptedBeforehandThrowsInterruptedException() throws Exception {
    try (ServiceManager manager = open()) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(InterruptedException.class, () -> manager.await("svc", Races.WAIT));
        assertFalse(Thread.currentThread().isInterrupted(), "interrupt status left set");
      } finally {
        Thread.interrupted();
      }
    }
  }

  // ---- close ----

  /**
   * After {@code close}, every operation throws {@link IllegalStateException}, while {@code
   * environment} still answers and closing again is harmless.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void everyOperationAfterCloseThrowsIllegalStateException() throws Exception {
    ServiceManager manager = open();
    ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
    manager.close();
    Endpoint ep = Endpoint.of("b");
    List<Executable> operations =
        List.of(
            () -> manager.register("new", ep),
            () -> manager.register("svc", ep),
            () -> manager.resolve("svc"),
            () -> manager.find("svc"),
            () -> manager.find("missing"),
            () -> manager.heartbeat(handle),
            () -> manager.restart("svc", ep),
            () -> manager.restart(handle, ep),
            () -> manager.unregister(handle),
            manager::services,
            () -> manager.liveness("svc"),
            manager::sweepExpired,
            () -> manager.watch("svc", new RecordingListener()),
            () -> manager.watchAll(new RecordingListener()),
            () -> manager.await("svc", Duration.ZERO),
            () -> manager.await("missing", Duration.ofSeconds(1)));
    for (int i = 0; i < operations.size(); i++) {
      assertThrows(IllegalStateException.class, operations.get(i), "operation #" + i);
    }
    assertEquals(environment(), manager.environment());
    assertDoesNotThrow(manager::close);
  }

  /**
   * After the manager is closed, open subscriptions receive no more events, and closing them
   * afterwards is harmless.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void openSubscriptionsReceiveNoEventsAfterManagerClose() throws Exception {
    ManualClock clock = clock();
    ServiceManager manager = open(clock);
    ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
    RecordingListener named = new RecordingListener();
    RecordingListener all = new RecordingListener();
    Subscription s1 = manager.watch("svc", named);
    Subscription s2 = manager.watchAll(all);
    assertEquals(List.of(new Registered(handle)), named.awaitEvents(1));
    assertEquals(List.of(new Registered(handle)), all.awaitEvents(1));
    manager.close();
    clock.advance(LIVENESS_TIMEOUT.multipliedBy(2));
    assertThrows(IllegalStateException.class, () -> manager.restart(handle, Endpoint.of("b")));
    assertThrows(IllegalStateException.class, () -> manager.unregister(handle));
    assertThrows(IllegalStateException.class, () -> manager.liveness("svc"));
    assertThrows(IllegalStateException.class, manager::sweepExpired);
    assertThrows(IllegalStateException.class, () -> manager.heartbeat(handle));
    assertDoesNotThrow(s1::close);
    assertDoesNotThrow(s2::close);
    assertEquals(List.of(new Registered(handle)), named.events());
    assertEquals(List.of(new Registered(handle)), all.events());
  }

  /**
   * After close, bad arguments are still reported as such: they take precedence over the closed
   * state.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void badArgumentsTakePrecedenceOverClosedManager() throws Exception {
    ServiceManager manager = open();
    ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
    manager.close();
    assertNpeNaming("name", () -> manager.find(nullString()));
    assertThrows(IllegalArgumentException.class, () -> manager.find(""));
    assertNpeNaming("handle", () -> manager.unregister(nullHandle()));
    assertNpeNaming("current", () -> manager.restart(nullHandle(), Endpoint.of("b")));
    assertNpeNaming("endpoint", () -> manager.restart(handle, nullEndpoint()));
    assertNpeNaming("name", () -> manager.liveness(nullString()));
    assertThrows(IllegalArgumentException.class, () -> manager.liveness(""));
    assertThrows(IllegalArgumentException.class, () -> manager.watch("", new RecordingListener()));
    assertNpeNaming("listener", () -> manager.watchAll(nullListener()));
    assertThrows(IllegalArgumentException.class, () -> manager.await("", Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> manager.await("svc", Duration.ofMillis(-1)));
  }

  /**
   * After close, the closed state takes precedence over registry outcomes such as {@code
   * NotFound} and {@code StaleHandle}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closedManagerTakesPrecedenceOverRegistryOutcomes() throws Exception {
    ServiceManager manager = open();
    ServiceHandle stale = manager.register("svc", Endpoint.of("a"));
    manager.restart(stale, Endpoint.of("b"));
    ServiceHandle ghost = new ServiceHandle("ghost", Endpoint.of("a"), new Generation(99));
    manager.close();
    assertThrows(IllegalStateException.class, () -> manager.unregister(ghost));
    assertThrows(IllegalStateException.class, () -> manager.unregister(stale));
    assertThrows(IllegalStateException.class, () -> manager.restart(ghost, Endpoint.of("c")));
    assertThrows(IllegalStateException.class, () -> manager.restart(stale, Endpoint.of("c")));
    assertThrows(IllegalStateException.class, () -> manager.liveness("ghost"));
    assertThrows(IllegalStateException.class, () -> manager.await("ghost", Duration.ZERO));
  }

  // ---- helpers ----

  /**
   * Asserts that a {@code StaleHandle} carries the stale handle, the current generation, and a
   * message naming the service and both generations.
   *
   * @param error the error thrown
   * @param stale the handle that was presented
   * @param current the service's current handle
   */
  static void assertStale(SamgrError.StaleHandle error, ServiceHandle stale, ServiceHandle current) {
    assertEquals(stale, error.handle());
    assertEquals(current.generation(), error.current());
    assertMessageContains(error, stale.name());
    assertMessageContains(error, Long.toString(stale.generation().value()));
    assertMessageContains(error, Long.toString(current.generation().value()));
  }

  /**
   * Asserts that {@code call} throws {@link NullPointerException} whose message names {@code
   * parameter}.
   *
   * @param parameter the parameter's name
   * @param call the call that passes {@code null}
   */
  static void assertNpeNaming(String parameter, Executable call) {
    assertMessageContains(assertThrows(NullPointerException.class, call), parameter);
  }

  /**
   * Asserts that the message of {@code error} contains {@code part}.
   *
   * @param error the exception
   * @param part the text its message must contain
   */
  static void assertMessageContains(Throwable error, String part) {
    String message = String.valueOf(error.getMessage());
    assertTrue(message.contains(part), "message should contain '" + part + "': " + message);
  }

  private static List<ServiceEvent> watchAndCollect(ServiceManager manager, String name, int count)
      throws SamgrError, InterruptedException {
    RecordingListener events = new RecordingListener();
    try (Subscription s = manager.watch(name, events)) {
      return events.awaitEvents(count);
    }
  }

  // Nulls for the argument checks, typed so NullAway lets them through.
  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static ServiceHandle nullHandle() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static Endpoint nullEndpoint() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static Duration nullDuration() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static java.util.function.Consumer<ServiceEvent> nullListener() {
    return null;
  }
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.Nulls.nullListener;
import static org.opennexus.samgr.tck.Nulls.nullString;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;
import static org.opennexus.samgr.tck.SamgrAssertions.assertWatchReceives;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent.Expired;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * {@code watch} and {@code watchAll}: a watch starts with {@code Registered} of the current handle
 * (for {@code watchAll}, of every service, in name order), then receives every change of its names,
 * in order, and nothing of the others; a change that fails sends nothing.
 *
 * <p>Events are read through a {@link RecordingListener} with bounded waits, so a backend that
 * delivers on another thread passes too. Where a test proves that an event did <em>not</em> come,
 * it makes one more change afterwards (a "fence") and checks that the fence's event is the next
 * one.
 */
public interface WatchContract extends Contract {

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
      assertWatchReceives(manager, "svc", new Registered(second));
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
        assertEvents(events, new Registered(handle));
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
        assertEvents(
            events,
            new Registered(h1),
            new Restarted(h2),
            new Restarted(h3),
            new Expired(h3),
            new Unregistered(h3),
            new Registered(h4));
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
        assertEvents(
            events,
            new Registered(h1),
            new Unregistered(h1),
            new Registered(h2),
            new Restarted(h3));
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
        assertEvents(events, new Registered(mine));
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
        assertEvents(events, new Registered(h1), new Restarted(h2), new Unregistered(h2));
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
      assertThrows(
          IllegalArgumentException.class, () -> manager.watch("", new RecordingListener()));
      assertNpeNaming("listener", () -> manager.watchAll(nullListener()));
    }
  }

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
        assertEvents(events, new Registered(a), new Registered(b), new Registered(c));
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
        assertEvents(
            events,
            new Registered(a1),
            new Registered(b1),
            new Restarted(a2),
            new Unregistered(b1),
            new Expired(a2),
            new Registered(b2));
      }
    }
  }
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.Nulls.nullEndpoint;
import static org.opennexus.samgr.tck.Nulls.nullHandle;
import static org.opennexus.samgr.tck.Nulls.nullListener;
import static org.opennexus.samgr.tck.Nulls.nullString;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Opening and closing a registry: two registries are independent, {@code environment} names the
 * selected backend, every operation after {@code close} throws {@link IllegalStateException} (after
 * the argument checks, before any registry outcome), and closing again is harmless.
 */
public interface LifecycleContract extends Contract {

  /**
   * Two registries opened one after the other share nothing: a name registered in one is unknown to
   * the other and free to register there, and closing one leaves the other working.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void twoOpenCallsAreIndependent() throws SamgrError {
    try (ServiceManager first = open();
        ServiceManager second = open()) {
      ServiceHandle inFirst = first.register("tck.shared-name", Endpoint.of("tcp://first:1"));
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> second.resolve("tck.shared-name"));
      assertEquals("tck.shared-name", notFound.name());
      ServiceHandle inSecond = second.register("tck.shared-name", Endpoint.of("tcp://second:2"));
      assertEquals(Endpoint.of("tcp://second:2"), inSecond.endpoint());
      first.close();
      assertEquals(inSecond, second.resolve("tck.shared-name"));
      second.restart("tck.shared-name", Endpoint.of("tcp://second:3"));
      assertThrows(IllegalStateException.class, () -> first.resolve("tck.shared-name"));
      assertEquals(Endpoint.of("tcp://first:1"), inFirst.endpoint());
    }
  }

  /** {@code environment()} is the name the backend was selected by. */
  @Test
  default void environmentIsTheSelectedName() {
    try (ServiceManager samgr = open()) {
      assertEquals(environment(), samgr.environment());
    }
  }

  /**
   * After {@code close()}, every seed operation throws {@code IllegalStateException}, also for
   * names and handles that were registered before, and for names never registered.
   *
   * @throws SamgrError if the backend rejects a valid call before closing
   */
  @Test
  default void operationsAfterCloseThrowIllegalStateException() throws SamgrError {
    ServiceManager samgr = open();
    ServiceHandle handle = samgr.register("tck.closed", Endpoint.of("tcp://a:1"));
    samgr.close();
    assertThrows(
        IllegalStateException.class, () -> samgr.register("tck.new", Endpoint.of("tcp://a:1")));
    assertThrows(
        IllegalStateException.class, () -> samgr.register("tck.closed", Endpoint.of("tcp://a:1")));
    assertThrows(IllegalStateException.class, () -> samgr.resolve("tck.closed"));
    assertThrows(IllegalStateException.class, () -> samgr.resolve("tck.never"));
    assertThrows(IllegalStateException.class, () -> samgr.heartbeat(handle));
    assertThrows(
        IllegalStateException.class, () -> samgr.restart("tck.closed", Endpoint.of("tcp://b:2")));
    assertThrows(
        IllegalStateException.class, () -> samgr.restart("tck.never", Endpoint.of("tcp://b:2")));
  }

  /** Closing twice is harmless, and {@code environment()} still answers after close. */
  @Test
  default void closeTwiceIsHarmlessAndEnvironmentStillAnswers() {
    ServiceManager samgr = open();
    samgr.close();
    assertDoesNotThrow(samgr::close);
    assertEquals(environment(), samgr.environment());
    assertThrows(IllegalStateException.class, () -> samgr.resolve("tck.after-close"));
  }

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
    assertEvents(named, new Registered(handle));
    assertEvents(all, new Registered(handle));
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
    assertThrows(IllegalArgumentException.class, () -> manager.await("svc", Duration.ofMillis(-1)));
  }

  /**
   * After close, the closed state takes precedence over registry outcomes such as {@code NotFound}
   * and {@code StaleHandle}.
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
}

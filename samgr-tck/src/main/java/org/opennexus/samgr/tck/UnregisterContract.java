package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.Nulls.nullHandle;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;
import static org.opennexus.samgr.tck.SamgrAssertions.assertStale;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Fenced {@code unregister}: the service leaves every view of the registry; a stale handle or a
 * name not registered is refused with nothing changed; a handle of an earlier incarnation stays
 * stale after the name is registered again.
 *
 * <p>Events are read through a {@link RecordingListener} with bounded waits. Where a test proves
 * that an event did <em>not</em> come, it makes one more change afterwards (a "fence") and checks
 * that the fence's event is the next one: delivery is in order, so an unwanted event would have
 * come before it.
 */
public interface UnregisterContract extends Contract {

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
      assertEquals(
          "svc", assertThrows(SamgrError.NotFound.class, () -> manager.resolve("svc")).name());
      assertEquals(
          "svc", assertThrows(SamgrError.NotFound.class, () -> manager.liveness("svc")).name());
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
      assertEquals(
          "svc", assertThrows(SamgrError.NotFound.class, () -> manager.unregister(handle)).name());
    }
  }

  /**
   * {@code unregister} with a handle from before a restart throws {@code StaleHandle} carrying the
   * handle and the current generation, and nothing changes (no event either).
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
        assertEvents(events, new Registered(second), new Restarted(fence));
      }
    }
  }

  /**
   * No ABA: a handle of an earlier incarnation stays stale after the name is registered again with
   * the same endpoint, for heartbeat, fenced restart and unregister alike.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void handleOfEarlierIncarnationStaysStaleAfterRegisterAgain() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle old = manager.register("svc", Endpoint.of("a"));
      manager.unregister(old);
      ServiceHandle current = manager.register("svc", Endpoint.of("a"));
      assertStale(
          assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(old)), old, current);
      assertStale(
          assertThrows(SamgrError.StaleHandle.class, () -> manager.restart(old, Endpoint.of("a"))),
          old,
          current);
      assertStale(
          assertThrows(SamgrError.StaleHandle.class, () -> manager.unregister(old)), old, current);
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
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;
import static org.opennexus.samgr.tck.SamgrAssertions.assertWatchReceives;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Listeners and their subscriptions, on one thread: a listener that throws disturbs nothing else, a
 * listener may call the registry and close its own subscription, and a closed subscription receives
 * nothing more. The full delivery rules are in {@link DeliveryContract}.
 */
public interface SubscriptionContract extends Contract {

  /**
   * A listener that throws disturbs neither the change (which returns normally), nor the registry,
   * nor the other listeners.
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
            assertTimeoutPreemptively(Races.WAIT, () -> manager.register("a", Endpoint.of("1")));
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
        assertEvents(closed, new Registered(h1));
        s.close();
        ServiceHandle h2 = manager.restart(h1, Endpoint.of("b"));
        manager.unregister(h2);
        assertEvents(open, new Registered(h1), new Restarted(h2), new Unregistered(h2));
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
        assertEvents(other, new Registered(h1), new Restarted(h2));
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
      assertWatchReceives(manager, "svc", new Registered(h));
      assertEquals(List.of(), events.events());
    }
  }
}

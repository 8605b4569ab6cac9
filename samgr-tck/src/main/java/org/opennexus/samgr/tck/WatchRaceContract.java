package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Watches racing changes on real threads: events arrive one at a time, in generation order, none
 * lost and none twice, and a watch started while the name registers or restarts sees each handle
 * exactly once. Races that can go either way are run many times; every wait is bounded, and nothing
 * sleeps to synchronize.
 */
public interface WatchRaceContract extends Contract {

  /**
   * Under concurrent restarts from several threads, a watch of the name receives every generation
   * once, in generation order, none lost.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchReceivesConcurrentRestartsInGenerationOrder() throws Exception {
    int threads = 4;
    int restarts = 250;
    ExecutorService pool = Races.pool(threads);
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("start"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        List<Callable<List<ServiceHandle>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Endpoint endpoint = Endpoint.of("thread-" + t);
          tasks.add(
              () -> {
                List<ServiceHandle> mine = new ArrayList<>();
                for (int i = 0; i < restarts; i++) {
                  mine.add(manager.restart("svc", endpoint));
                }
                return mine;
              });
        }
        Set<ServiceEvent> expected = new HashSet<>();
        expected.add(new Registered(first));
        for (List<ServiceHandle> mine : Races.together(pool, tasks)) {
          mine.forEach(h -> expected.add(new Restarted(h)));
        }
        List<ServiceEvent> got = events.awaitEvents(1 + threads * restarts);
        assertEquals(1 + threads * restarts, got.size(), "events twice");
        assertEquals(expected, Set.copyOf(got));
        assertEquals(new Registered(first), got.get(0));
        assertStrictlyIncreasingGenerations(got);
        assertEquals(1, events.maxCallsInFlight(), "listener called concurrently");
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * Under concurrent registers and restarts of several names from several threads, a {@code
   * watchAll} listener is called one at a time, receives every change exactly once, and in the
   * order the changes took effect (so in registry-wide generation order).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchAllDeliversOneAtATimeInOrderNoneLostNoneTwice() throws Exception {
    int threads = 4;
    int restarts = 250;
    ExecutorService pool = Races.pool(threads);
    try (ServiceManager manager = open()) {
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        List<Callable<List<ServiceEvent>>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String name = "svc-" + t;
          tasks.add(
              () -> {
                List<ServiceEvent> mine = new ArrayList<>();
                ServiceHandle h = manager.register(name, Endpoint.of("0"));
                mine.add(new Registered(h));
                for (int i = 1; i <= restarts; i++) {
                  h = manager.restart(h, Endpoint.of(Integer.toString(i)));
                  mine.add(new Restarted(h));
                }
                return mine;
              });
        }
        Set<ServiceEvent> expected = new HashSet<>();
        Races.together(pool, tasks).forEach(expected::addAll);
        int total = threads * (restarts + 1);
        List<ServiceEvent> got = events.awaitEvents(total);
        assertEquals(total, got.size(), "events twice");
        assertEquals(expected, Set.copyOf(got));
        assertStrictlyIncreasingGenerations(got);
        assertEquals(1, events.maxCallsInFlight(), "listener called concurrently");
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A watch started while another thread registers the name sees {@code Registered} exactly once,
   * whichever wins: "subscribe, then check" cannot lose the event nor double it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchRacingRegisterSeesRegisteredExactlyOnce() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < Races.ROUNDS; round++) {
        String name = "svc-" + round;
        RecordingListener events = new RecordingListener();
        List<Object> results =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> manager.register(name, Endpoint.of("a")),
                    () -> manager.watch(name, events)));
        ServiceHandle handle = (ServiceHandle) results.get(0);
        try (Subscription s = (Subscription) results.get(1)) {
          manager.unregister(handle); // fence: a lost or doubled Registered shows before it
          assertEquals(
              List.of(new Registered(handle), new Unregistered(handle)),
              events.awaitEvents(2),
              "round " + round);
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A {@code watchAll} started while another thread registers a service sees its {@code Registered}
   * exactly once.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchAllRacingRegisterSeesRegisteredExactlyOnce() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < Races.ROUNDS; round++) {
        String name = "svc-" + round;
        RecordingListener events = new RecordingListener();
        List<Object> results =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> manager.register(name, Endpoint.of("a")),
                    () -> manager.watchAll(events)));
        ServiceHandle handle = (ServiceHandle) results.get(0);
        try (Subscription s = (Subscription) results.get(1)) {
          manager.unregister(handle); // fence
          List<ServiceEvent> got = events.awaitEvents(round + 2);
          List<ServiceEvent> mine =
              got.stream().filter(e -> e.handle().name().equals(name)).toList();
          assertEquals(
              List.of(new Registered(handle), new Unregistered(handle)), mine, "round " + round);
          assertEquals(round + 2, got.size(), "round " + round + ": " + got);
        }
        manager.register(name, Endpoint.of("a")); // keep the earlier names for the next rounds
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A watch started while another thread restarts the service sees each generation once: either
   * {@code Registered} of the old handle then {@code Restarted} of the new, or {@code Registered}
   * of the new handle only.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchRacingRestartSeesEachGenerationOnce() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < Races.ROUNDS; round++) {
        String name = "svc-" + round;
        ServiceHandle old = manager.register(name, Endpoint.of("a"));
        RecordingListener events = new RecordingListener();
        List<Object> results =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> manager.restart(old, Endpoint.of("b")),
                    () -> manager.watch(name, events)));
        ServiceHandle fresh = (ServiceHandle) results.get(0);
        try (Subscription s = (Subscription) results.get(1)) {
          manager.unregister(fresh); // fence
          List<ServiceEvent> got = events.awaitEvents(2);
          List<ServiceEvent> oldFirst =
              List.of(new Registered(old), new Restarted(fresh), new Unregistered(fresh));
          List<ServiceEvent> freshOnly = List.of(new Registered(fresh), new Unregistered(fresh));
          if (got.get(0).equals(new Registered(old))) {
            assertEquals(oldFirst, events.awaitEvents(3), "round " + round);
          } else {
            assertEquals(freshOnly, got, "round " + round);
          }
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  private static void assertStrictlyIncreasingGenerations(List<ServiceEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      ServiceEvent before = events.get(i - 1);
      ServiceEvent after = events.get(i);
      if (!after.handle().generation().isAfter(before.handle().generation())) {
        fail("event " + i + " out of generation order: " + before + " then " + after);
      }
    }
    assertNotEquals(0, events.size());
  }
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
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
 * The races of the harness operations, as start-together tests on real threads: fenced restarts,
 * event order and delivery under concurrent changes, closing a subscription while events flow,
 * subscribing while a service registers, and {@code await} racing a register, an interrupt or a
 * close. Races that can go either way are repeated for many rounds; every wait is bounded by 10
 * seconds, and nothing sleeps to synchronize.
 */
public interface HarnessConcurrencyContract extends Contract {

  /** How many times each race that can go either way is run. */
  int ROUNDS = 200;

  /**
   * Two supervisors restarting one service with the same handle at once: exactly one wins, the
   * other gets {@code StaleHandle} naming the winner's generation, and the winner's handle is
   * current.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void racingFencedRestartsWithSameHandleHaveExactlyOneWinner() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      ServiceHandle held = manager.register("svc", Endpoint.of("start"));
      for (int round = 0; round < ROUNDS; round++) {
        ServiceHandle current = held;
        Endpoint e1 = Endpoint.of("one-" + round);
        Endpoint e2 = Endpoint.of("two-" + round);
        List<Object> outcomes =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> restartOrError(manager, current, e1),
                    () -> restartOrError(manager, current, e2)));
        List<ServiceHandle> winners = new ArrayList<>();
        List<SamgrError.StaleHandle> losers = new ArrayList<>();
        for (Object outcome : outcomes) {
          if (outcome instanceof ServiceHandle h) {
            winners.add(h);
          } else {
            losers.add(assertInstanceOf(SamgrError.StaleHandle.class, outcome));
          }
        }
        assertEquals(1, winners.size(), "round " + round + ": " + outcomes);
        ServiceHandle winner = winners.get(0);
        assertTrue(winner.generation().isAfter(current.generation()));
        assertEquals(current, losers.get(0).handle());
        assertEquals(winner.generation(), losers.get(0).current());
        assertEquals(winner, manager.resolve("svc"));
        held = winner;
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A fenced restart racing a fenced unregister with the same handle: exactly one wins, and the
   * registry shows the winner's outcome.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartRacingUnregisterHasExactlyOneWinner() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < ROUNDS; round++) {
        String name = "svc-" + round;
        ServiceHandle held = manager.register(name, Endpoint.of("a"));
        List<Object> outcomes =
            Races.together(
                pool,
                List.<Callable<Object>>of(
                    () -> restartOrError(manager, held, Endpoint.of("b")),
                    () -> {
                      try {
                        manager.unregister(held);
                        return "unregistered";
                      } catch (SamgrError e) {
                        return e;
                      }
                    }));
        if (outcomes.get(0) instanceof ServiceHandle restarted) {
          SamgrError.StaleHandle lost =
              assertInstanceOf(SamgrError.StaleHandle.class, outcomes.get(1), "round " + round);
          assertEquals(restarted.generation(), lost.current());
          assertEquals(restarted, manager.resolve(name));
        } else {
          assertEquals("unregistered", outcomes.get(1), "round " + round + ": " + outcomes);
          SamgrError.NotFound lost =
              assertInstanceOf(SamgrError.NotFound.class, outcomes.get(0), "round " + round);
          assertEquals(name, lost.name());
          assertTrue(manager.find(name).isEmpty());
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

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
   * Once {@code Subscription.close()} has returned, the listener is never called again, even while
   * other threads keep changing the service.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closedSubscriptionIsNeverCalledAgainUnderConcurrentChanges() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      manager.register("svc", Endpoint.of("a"));
      AtomicInteger lateCalls = new AtomicInteger();
      for (int round = 0; round < 50; round++) {
        AtomicBoolean closeReturned = new AtomicBoolean();
        Subscription s =
            manager.watch(
                "svc",
                e -> {
                  if (closeReturned.get()) {
                    lateCalls.incrementAndGet();
                  }
                });
        Races.together(
            pool,
            List.<Callable<Object>>of(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    manager.restart("svc", Endpoint.of("r" + i));
                  }
                  return "restarted";
                },
                () -> {
                  s.close();
                  closeReturned.set(true);
                  return "closed";
                }));
        manager.restart("svc", Endpoint.of("after")); // a change that must not reach it either
      }
      assertEquals(0, lateCalls.get(), "listener calls after close() returned");
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code Subscription.close()} called while the listener is running on another thread waits
   * until that call returns.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closeWaitsForListenerCallInFlight() throws Exception {
    assertCloseWaitsForListenerCallInFlight(false);
  }

  /**
   * {@code ServiceManager.close()} called while a listener is running on another thread waits
   * until that call returns: closing the registry closes its subscriptions with the same
   * guarantee.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void managerCloseWaitsForListenerCallInFlight() throws Exception {
    assertCloseWaitsForListenerCallInFlight(true);
  }

  private void assertCloseWaitsForListenerCallInFlight(boolean closeManager) throws Exception {
    ExecutorService pool = Races.pool(1);
    try (ServiceManager manager = open()) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean listenerReturned = new AtomicBoolean();
      Subscription s =
          manager.watch(
              "svc",
              e -> {
                entered.countDown();
                try {
                  release.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
                listenerReturned.set(true);
              });
      Future<ServiceHandle> register = pool.submit(() -> manager.register("svc", Endpoint.of("a")));
      assertTrue(entered.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "listener not called");
      AtomicBoolean closeReturned = new AtomicBoolean();
      Thread closer =
          new Thread(
              () -> {
                if (closeManager) {
                  manager.close();
                } else {
                  s.close();
                }
                closeReturned.set(true);
              },
              "samgr-tck-closer");
      closer.start();
      Thread.State state = Races.awaitParked(closer);
      boolean returnedEarly = closeReturned.get();
      release.countDown();
      closer.join(Races.WAIT.toMillis());
      assertFalse(closer.isAlive(), "close() did not return after the listener did");
      assertFalse(returnedEarly, "close() returned while the listener was running (" + state + ")");
      assertTrue(listenerReturned.get());
      assertEquals("svc", register.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS).name());
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
      for (int round = 0; round < ROUNDS; round++) {
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
   * A {@code watchAll} started while another thread registers a service sees its {@code
   * Registered} exactly once.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void watchAllRacingRegisterSeesRegisteredExactlyOnce() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < ROUNDS; round++) {
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
      for (int round = 0; round < ROUNDS; round++) {
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

  /**
   * Several threads noticing the same expiry at once ({@code sweepExpired} and {@code liveness})
   * send one {@code Expired} between them, and at most one sweep reports it.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void concurrentSweepsAndLivenessChecksSendExpiredOnce() throws Exception {
    int threads = 4;
    ExecutorService pool = Races.pool(threads);
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      for (int round = 0; round < 50; round++) {
        String name = "svc-" + round;
        ServiceHandle handle = manager.register(name, Endpoint.of("a"));
        RecordingListener events = new RecordingListener();
        try (Subscription s = manager.watch(name, events)) {
          clock.advance(HarnessConcurrencyContract.LIVENESS_TIMEOUT.plusMillis(1));
          List<Callable<Object>> tasks = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            tasks.add(t % 2 == 0 ? manager::sweepExpired : () -> manager.liveness(name));
          }
          int reported = 0;
          for (Object result : Races.together(pool, tasks)) {
            if (result instanceof List<?> swept && swept.contains(handle)) {
              reported++;
            }
          }
          assertTrue(reported <= 1, "round " + round + ": reported by " + reported + " sweeps");
          manager.unregister(handle); // fence
          assertEquals(
              List.of(new Registered(handle), new Expired(handle), new Unregistered(handle)),
              events.awaitEvents(3),
              "round " + round);
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code await} returns the handle when another thread registers the name while it waits.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitReturnsWhenAnotherThreadRegistersLater() throws Exception {
    ExecutorService pool = Races.pool(1);
    try (ServiceManager manager = open()) {
      CompletableFuture<Thread> waiter = new CompletableFuture<>();
      Future<ServiceHandle> awaited =
          pool.submit(
              () -> {
                waiter.complete(Thread.currentThread());
                return manager.await("svc", Races.WAIT.multipliedBy(2));
              });
      Races.awaitParked(waiter.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
      manager.register("other", Endpoint.of("x"));
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertEquals(handle, awaited.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code await} started together with a register of the name always returns that handle, over
   * many rounds.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitRacingRegisterAlwaysReturnsTheHandle() throws Exception {
    ExecutorService pool = Races.pool(2);
    try (ServiceManager manager = open()) {
      for (int round = 0; round < ROUNDS; round++) {
        String name = "svc-" + round;
        List<ServiceHandle> results =
            Races.together(
                pool,
                List.<Callable<ServiceHandle>>of(
                    () -> manager.await(name, Races.WAIT),
                    () -> manager.register(name, Endpoint.of("a"))));
        assertEquals(results.get(1), results.get(0), "round " + round);
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code await} interrupted while it waits throws {@link InterruptedException}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitInterruptedWhileWaitingThrowsInterruptedException() throws Exception {
    ExecutorService pool = Races.pool(1);
    try (ServiceManager manager = open()) {
      CompletableFuture<Thread> waiter = new CompletableFuture<>();
      Future<ServiceHandle> awaited =
          pool.submit(
              () -> {
                waiter.complete(Thread.currentThread());
                return manager.await("svc", Races.WAIT.multipliedBy(2));
              });
      Thread thread = waiter.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
      Races.awaitParked(thread);
      thread.interrupt();
      Throwable cause = causeOf(awaited);
      assertInstanceOf(InterruptedException.class, cause, String.valueOf(cause));
      assertTrue(manager.find("svc").isEmpty());
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * Closing the manager wakes a waiting {@code await} with {@link IllegalStateException}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closingManagerWakesAwaitWithIllegalStateException() throws Exception {
    ExecutorService pool = Races.pool(1);
    try {
      ServiceManager manager = open();
      CompletableFuture<Thread> waiter = new CompletableFuture<>();
      Future<ServiceHandle> awaited =
          pool.submit(
              () -> {
                waiter.complete(Thread.currentThread());
                return manager.await("svc", Races.WAIT.multipliedBy(2));
              });
      Races.awaitParked(waiter.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS));
      manager.close();
      Throwable cause = causeOf(awaited);
      assertInstanceOf(IllegalStateException.class, cause, String.valueOf(cause));
    } finally {
      Races.shutdown(pool);
    }
  }

  // ---- helpers ----

  private static Object restartOrError(ServiceManager manager, ServiceHandle current, Endpoint to) {
    try {
      return manager.restart(current, to);
    } catch (SamgrError e) {
      return e;
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

  /** Waits (bounded) for the future to fail and returns why; fails if it succeeds or hangs. */
  private static Throwable causeOf(Future<?> future) throws InterruptedException {
    try {
      Object value = future.get(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS);
      throw new AssertionError("expected a failure, but returned " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return cause == null ? e : cause;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("still waiting after " + Races.WAIT, e);
    }
  }
}

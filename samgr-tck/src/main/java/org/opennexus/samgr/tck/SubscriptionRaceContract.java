package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Closing while events flow on other threads: a closed subscription is never called again, and
 * {@code Subscription.close()} or {@code ServiceManager.close()} waits for a listener call in
 * flight. Every wait is bounded.
 */
public interface SubscriptionRaceContract extends Contract {

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
   * {@code Subscription.close()} called while the listener is running on another thread waits until
   * that call returns.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closeWaitsForListenerCallInFlight() throws Exception {
    assertCloseWaitsForListenerCallInFlight(false);
  }

  /**
   * {@code ServiceManager.close()} called while a listener is running on another thread waits until
   * that call returns: closing the registry closes its subscriptions with the same guarantee.
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
}

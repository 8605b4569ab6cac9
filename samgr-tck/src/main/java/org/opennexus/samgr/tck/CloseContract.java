package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Delivery rules, closing: closing from inside a listener never waits and never deadlocks; closing
 * from outside waits, interruptibly, until no listener call of what it closes is in flight, whoever
 * else closes and however subscriptions ended; a closed registry keeps nothing reachable.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface CloseContract extends DeliveryModes {

  // ---- closing ----

  /**
   * Two listeners on two threads, each closing the other's subscription, never deadlock (each round
   * on a fresh registry, with listeners that work for about 0.1 ms).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenersClosingEachOthersSubscriptionsOnTwoThreadsNeverDeadlock() throws Exception {
    ExecutorService pool = DeliveryTests.listenerPool();
    try {
      for (int round = 0; round < CLOSE_ROUNDS; round++) {
        ServiceManager manager =
            DeliveryTests.openWithConcurrentListeners(writersRunListeners(), pool, builder());
        try {
          Subscription[] subscriptions = new Subscription[2];
          for (int i = 0; i < 2; i++) {
            int other = 1 - i;
            subscriptions[i] =
                manager.watch(
                    "svc-" + i,
                    event -> {
                      DeliveryTests.spin();
                      subscriptions[other].close();
                    });
          }
          DeliveryTests.raceRegisters(manager, round);
        } finally {
          Daemon.closeWithin(manager);
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * A listener that closes the registry while a listener on another thread closes the first one's
   * subscription never deadlocks: closing the registry from inside a listener does not wait either.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void listenerClosingTheRegistryWhileAnotherClosesItsSubscriptionNeverDeadlocks()
      throws Exception {
    ExecutorService pool = DeliveryTests.listenerPool();
    try {
      for (int round = 0; round < CLOSE_ROUNDS; round++) {
        ServiceManager manager =
            DeliveryTests.openWithConcurrentListeners(writersRunListeners(), pool, builder());
        try {
          Subscription[] closesRegistry = new Subscription[1];
          closesRegistry[0] =
              manager.watch(
                  "svc-0",
                  event -> {
                    DeliveryTests.spin();
                    manager.close();
                  });
          manager.watch(
              "svc-1",
              event -> {
                DeliveryTests.spin();
                closesRegistry[0].close();
              });
          DeliveryTests.raceRegisters(manager, round);
        } finally {
          Daemon.closeWithin(manager);
        }
      }
    } finally {
      Races.shutdown(pool);
    }
  }

  /**
   * {@code Subscription.close()} from inside a listener does not wait for a call of the closed
   * subscription's listener in flight on another thread; that call finishes, and no further call
   * starts.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void subscriptionCloseFromInsideAListenerDoesNotWait() throws Exception {
    assertCloseFromInsideAListenerDoesNotWait(false);
  }

  /**
   * {@code ServiceManager.close()} from inside a listener does not wait for a listener call in
   * flight on another thread.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void registryCloseFromInsideAListenerDoesNotWait() throws Exception {
    assertCloseFromInsideAListenerDoesNotWait(true);
  }

  private void assertCloseFromInsideAListenerDoesNotWait(boolean closeRegistry) throws Exception {
    ExecutorService pool = DeliveryTests.listenerPool();
    ServiceManager manager =
        DeliveryTests.openWithConcurrentListeners(writersRunListeners(), pool, builder());
    BlockedCall slow = null;
    try {
      slow = BlockedCall.start(manager, "slow");
      Subscription slowSubscription = slow.subscription;
      CountDownLatch closeReturned = new CountDownLatch(1);
      manager.watch(
          "closer",
          event -> {
            DeliveryTests.closeOne(manager, slowSubscription, closeRegistry);
            closeReturned.countDown();
          });
      Daemon<ServiceHandle> closer =
          Daemon.start("samgr-tck-closer", () -> manager.register("closer", Endpoint.of("b")));
      assertTrue(
          closeReturned.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS),
          "close() inside a listener waited for another thread's listener call");
      assertFalse(slow.returned(), "close() returned only after the other listener call did");
      closer.join("the change whose listener closed");
      DeliveryTests.assertNoCallAfterClose(manager, slow, !closeRegistry);
    } finally {
      if (slow != null) {
        slow.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /**
   * {@code Subscription.close()} from outside any listener, interrupted while it waits for a
   * listener call in flight, stops waiting, returns and keeps the interrupt flag; the call in
   * flight finishes and no further call starts.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void subscriptionCloseInterruptedWhileWaitingReturnsKeepingTheFlag() throws Exception {
    assertInterruptedCloseReturnsKeepingTheFlag(false);
  }

  /**
   * {@code ServiceManager.close()} from outside any listener, interrupted while it waits for a
   * listener call in flight, stops waiting, returns and keeps the interrupt flag.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void registryCloseInterruptedWhileWaitingReturnsKeepingTheFlag() throws Exception {
    assertInterruptedCloseReturnsKeepingTheFlag(true);
  }

  private void assertInterruptedCloseReturnsKeepingTheFlag(boolean closeRegistry) throws Exception {
    ServiceManager manager = open();
    BlockedCall blocked = null;
    try {
      blocked = BlockedCall.start(manager, "svc");
      Subscription s = blocked.subscription;
      Daemon<Boolean> closer =
          Daemon.start(
              "samgr-tck-closer",
              () -> {
                DeliveryTests.closeOne(manager, s, closeRegistry);
                return Thread.currentThread().isInterrupted();
              });
      Races.awaitParked(closer.thread);
      closer.thread.interrupt();
      assertTrue(closer.join("an interrupted close()"), "interrupt flag lost");
      assertFalse(blocked.returned(), "close() waited for the listener after all");
      DeliveryTests.assertNoCallAfterClose(manager, blocked, !closeRegistry);
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
    }
  }

  // ---- memory ----

  /**
   * A closed registry keeps none of its listeners reachable, nor the subscriptions; and a closed
   * subscription that the caller still holds does not keep its listener reachable either.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closeReleasesListenersAndSubscriptions() throws Exception {
    ServiceManager manager = open();
    manager.register("svc", Endpoint.of("a"));
    List<WeakReference<Object>> released = new ArrayList<>();
    Subscription closedButHeld = DeliveryTests.subscribeTracked(manager, released, true);
    DeliveryTests.subscribeTracked(manager, released, false);
    DeliveryTests.subscribeTracked(manager, released, false);
    closedButHeld.close();
    Daemon<ServiceHandle> waiter =
        Daemon.start("samgr-tck-await", () -> manager.await("never", Races.WAIT));
    Races.awaitParked(waiter.thread);
    manager.close();
    assertInstanceOf(
        IllegalStateException.class,
        assertInstanceOf(Daemon.Failed.class, waiter.outcome("await while closing")).cause());
    DeliveryTests.awaitCollected(released);
    assertNotNull(closedButHeld); // held to the end on purpose
    assertNotNull(manager);
  }
}

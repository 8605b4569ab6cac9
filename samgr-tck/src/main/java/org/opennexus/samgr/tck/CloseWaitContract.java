package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.BacklogOverflowException;
import org.opennexus.samgr.spi.EventHub;

/**
 * Delivery rules, closing from outside: every {@code close()} of the registry from outside a
 * listener waits until no listener call of the registry is in flight, however many threads close it
 * and however its subscriptions ended (closed by the user, inside another listener, or by a backlog
 * overflow).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface CloseWaitContract extends DeliveryModes {

  // ---- every close() from outside waits ----

  /**
   * Two threads closing the registry at once both wait until the listener call in flight has
   * returned: the second {@code close()} does not return early because the first began.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void twoClosersAtOnceBothWaitForTheListenerCallInFlight() throws Exception {
    ServiceManager manager = open();
    BlockedCall blocked = null;
    try {
      blocked = BlockedCall.start(manager, "svc");
      Daemon<String> first = closing(manager);
      Races.awaitParked(first.thread);
      Daemon<String> second = closing(manager);
      assertStillWaiting(second, blocked, "the second of two close() calls");
      assertStillWaiting(first, blocked, "the first of two close() calls");
      blocked.release();
      first.join("the first close()");
      second.join("the second close()");
      assertTrue(blocked.returned(), "a close() returned before the listener call did");
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
    }
  }

  /**
   * A listener that closed the registry (which does not wait, inside a listener) and then goes on:
   * the owner's {@code close()} from outside afterwards still waits for that call to return.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void ownersCloseWaitsForAListenerThatClosedTheRegistry() throws Exception {
    ServiceManager manager = open();
    CountDownLatch closedInside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    try {
      manager.watch(
          "svc",
          event -> {
            manager.close();
            closedInside.countDown();
            BlockedCall.awaitQuietly(release);
            returned.set(true);
          });
      Daemon.start(
          "samgr-tck-writer",
          () -> {
            try {
              return manager.register("svc", Endpoint.of("a"));
            } catch (IllegalStateException closed) {
              return closed;
            }
          });
      assertTrue(
          closedInside.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "no listener call");
      Daemon<String> owner = closing(manager);
      Races.awaitParked(owner.thread);
      for (int i = 0; i < 5; i++) {
        Thread.sleep(20);
        assertFalse(owner.isDone(), "the owner's close() returned while the listener still ran");
      }
      release.countDown();
      owner.join("the owner's close()");
      assertTrue(returned.get(), "close() returned before the listener call did");
    } finally {
      release.countDown();
      Daemon.closeWithin(manager);
    }
  }

  /**
   * A subscription closed by a backlog overflow while its listener call is in flight: the
   * registry's {@code close()} still waits for that call.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closeWaitsForASubscriptionClosedByBacklogOverflow() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = DeliveryTests.listenerPool();
    ServiceManager manager =
        DeliveryTests.openWithConcurrentListeners(
            writersRunListeners(),
            pool,
            builder().setting(EventHub.MAX_BACKLOG_SETTING, "1").listenerFailures(failures));
    BlockedCall blocked = null;
    try {
      blocked = BlockedCall.start(manager, "svc");
      ServiceHandle h = manager.resolve("svc");
      for (int i = 0; i < 2; i++) { // the first fills the backlog, the second overflows it
        h =
            Daemon.start("samgr-tck-restart", DeliveryTests.restartOf(manager, h))
                .join("a restart while the listener is behind");
      }
      assertInstanceOf(BacklogOverflowException.class, failures.await(1).get(0).failure());
      assertCloseWaits(manager, blocked, "after a backlog overflow");
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /**
   * A subscription closed inside another listener while its own listener call is in flight (that
   * close does not wait): the registry's {@code close()} from outside still waits for that call.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void closeWaitsForASubscriptionClosedInsideAnotherListener() throws Exception {
    ExecutorService pool = DeliveryTests.listenerPool();
    ServiceManager manager =
        DeliveryTests.openWithConcurrentListeners(writersRunListeners(), pool, builder());
    BlockedCall slow = null;
    try {
      slow = BlockedCall.start(manager, "slow");
      Subscription slowSubscription = slow.subscription;
      CountDownLatch closed = new CountDownLatch(1);
      manager.watch(
          "closer",
          event -> {
            slowSubscription.close();
            closed.countDown();
          });
      Daemon.start("samgr-tck-closer", () -> manager.register("closer", Endpoint.of("b")))
          .join("the change whose listener closes the slow subscription");
      assertTrue(closed.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "no closer call");
      assertCloseWaits(manager, slow, "after its subscription was closed inside a listener");
    } finally {
      if (slow != null) {
        slow.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /** Closes the registry from a daemon thread. */
  private static Daemon<String> closing(ServiceManager manager) {
    return Daemon.start(
        "samgr-tck-owner-close",
        () -> {
          manager.close();
          return "closed";
        });
  }

  /** Checks that {@code closer} is still waiting while the blocked call is held. */
  private static void assertStillWaiting(Daemon<String> closer, BlockedCall blocked, String what)
      throws InterruptedException {
    Races.awaitParked(closer.thread);
    for (int i = 0; i < 5; i++) {
      Thread.sleep(20);
      assertFalse(closer.isDone(), what + " returned while a listener call was in flight");
    }
    assertFalse(blocked.returned(), "the listener call returned on its own");
  }

  /** The registry's close() from outside waits for the blocked call, then returns. */
  private static void assertCloseWaits(ServiceManager manager, BlockedCall blocked, String when)
      throws InterruptedException {
    Daemon<String> owner = closing(manager);
    assertStillWaiting(owner, blocked, "close() " + when);
    blocked.release();
    owner.join("close() " + when);
    assertTrue(blocked.returned(), "close() returned before the listener call did");
  }
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Restarted;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.BacklogOverflowException;
import org.opennexus.samgr.spi.EventHub;

/**
 * Delivery rules, bounds: the backlog bound, a writer's budget (it delivers no change that took
 * effect after its own), and {@code await} inside a listener.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface BacklogAndBudgetContract extends DeliveryModes {

  /**
   * {@code await} called inside a listener returns the handle when the name is registered while it
   * waits, by default: its watch does not wait for the listener that called it, also where
   * listeners run on one delivery thread (which that listener occupies). Before this held, such an
   * {@code await} waited for itself until its timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitInsideAListenerReturnsWhenTheNameIsRegisteredMeanwhile() throws Exception {
    assertAwaitInsideAListenerReturns(builder());
  }

  /**
   * The same with an executor of one thread, which the listener calling {@code await} occupies.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitInsideAListenerOnAOneThreadExecutorReturns() throws Exception {
    ExecutorService one =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "samgr-tck-one-listener-thread");
              t.setDaemon(true);
              return t;
            });
    try {
      assertAwaitInsideAListenerReturns(builder().executor(one));
    } finally {
      one.shutdownNow();
    }
  }

  private static void assertAwaitInsideAListenerReturns(Samgr.Builder builder) throws Exception {
    try (ServiceManager manager = builder.open()) {
      AtomicReference<Thread> listenerThread = new AtomicReference<>();
      CountDownLatch entered = new CountDownLatch(1);
      AtomicReference<Object> outcome = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      try (Subscription s =
          manager.watch(
              "first",
              event -> {
                listenerThread.set(Thread.currentThread());
                entered.countDown();
                try {
                  outcome.set(manager.await("second", Duration.ofSeconds(20)));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  outcome.set(e);
                } catch (SamgrError | RuntimeException e) {
                  outcome.set(e);
                }
                done.countDown();
              })) {
        Thread registrar =
            new Thread(
                () -> {
                  try {
                    manager.register("first", Endpoint.of("tcp://first:1"));
                  } catch (SamgrError | RuntimeException e) {
                    outcome.set(e); // fails the test at once, not after the waits below
                    entered.countDown();
                    done.countDown();
                  }
                },
                "samgr-tck-registrar");
        registrar.setDaemon(true); // on a caller-runs backend it runs the listener, and waits
        registrar.start();
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the listener was called");
        Thread awaiting = listenerThread.get();
        assertNotNull(awaiting, "the registrar failed: " + outcome.get());
        // The listener's await waits, its watch open (a timed wait: the only one in the
        // listener), before the name is registered.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (awaiting.getState() != Thread.State.TIMED_WAITING) {
          assertTrue(System.nanoTime() - deadline < 0, "the listener's await never waited");
          Thread.sleep(1);
        }
        ServiceHandle second = manager.register("second", Endpoint.of("tcp://second:1"));
        assertTrue(done.await(60, TimeUnit.SECONDS), "the listener's await returned");
        assertEquals(
            second,
            outcome.get(),
            "an await inside a listener must not wait for that listener; a backend must"
                + " implement await with EventHub.await");
        registrar.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(registrar.isAlive(), "the registrar returned");
      }
    }
  }

  // ---- backlog ----

  /**
   * A listener that falls {@value EventHub#MAX_BACKLOG_SETTING} events behind loses its
   * subscription, explicitly: the change that would exceed the bound closes it and the hook
   * receives that change's event with a {@link BacklogOverflowException} naming the bound; the
   * writer is never blocked; the call in flight finishes and the listener gets nothing more.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void backlogOverflowClosesTheSubscriptionAndReportsIt() throws Exception {
    Failures failures = new Failures();
    ExecutorService pool = DeliveryTests.listenerPool();
    ServiceManager manager =
        DeliveryTests.openWithConcurrentListeners(
            writersRunListeners(),
            pool,
            builder().setting(EventHub.MAX_BACKLOG_SETTING, "3").listenerFailures(failures));
    BlockedCall blocked = null;
    try {
      blocked = BlockedCall.start(manager, "svc");
      RecordingListener other = new RecordingListener();
      manager.watch("svc", other);
      // The first event is in flight; three more fill the backlog; the fifth overflows it.
      ServiceHandle h = manager.resolve("svc");
      List<ServiceHandle> restarted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        h =
            Daemon.start("samgr-tck-restart", DeliveryTests.restartOf(manager, h))
                .join("a restart while the listener is behind");
        restarted.add(h);
      }
      List<Failures.Failure> reported = failures.await(1);
      assertEquals(1, reported.size(), "overflow reported more than once: " + reported);
      assertEquals(new Restarted(restarted.get(3)), reported.get(0).event());
      BacklogOverflowException overflow =
          assertInstanceOf(BacklogOverflowException.class, reported.get(0).failure());
      assertEquals(3, overflow.maxBacklog());
      assertEquals("samgr subscription to 'svc'", overflow.subscription());
      SamgrAssertions.assertMessageContains(
          overflow, EventHub.MAX_BACKLOG_SETTING, "samgr subscription to 'svc'");
      DeliveryTests.assertNoCallAfterClose(manager, blocked, false);
      manager.unregister(h); // fence for the other listener
      assertEquals(7, other.awaitEvents(7).size(), "the other subscription lost events");
      assertEquals(1, failures.all().size(), "overflow reported again: " + failures.all());
    } finally {
      if (blocked != null) {
        blocked.release();
      }
      Daemon.closeWithin(manager);
      Races.shutdown(pool);
    }
  }

  /**
   * A backlog bound that is not a positive whole number fails {@code open()} with {@link
   * IllegalArgumentException} naming the setting and where it came from.
   */
  @Test
  default void badBacklogSettingFailsOpenNamingTheSetting() {
    for (String bad : List.of("0", "-1", "many")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> builder().setting(EventHub.MAX_BACKLOG_SETTING, bad).open().close(),
              bad);
      SamgrAssertions.assertMessageContains(
          e, EventHub.MAX_BACKLOG_SETTING, "builder setting", bad);
    }
  }

  // ---- the writer's budget ----

  /**
   * A writer is never held hostage by other threads' changes: while a slow listener keeps the
   * writer in its own event, another thread's changes queue up; when the listener returns, the
   * writer returns without delivering them (they took effect after its own), and they still arrive,
   * in order, on another thread.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void writerDoesNotDeliverChangesThatTookEffectAfterItsOwn() throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch releaseLater = new CountDownLatch(1);
    ServiceManager manager = open();
    try {
      CountDownLatch entered = new CountDownLatch(1);
      RecordingListener events = new RecordingListener();
      List<Thread> ranOn = new CopyOnWriteArrayList<>();
      manager.watchAll(
          event -> {
            ranOn.add(Thread.currentThread());
            events.accept(event);
            if (event.handle().name().equals("first")) {
              entered.countDown();
              BlockedCall.awaitQuietly(releaseFirst);
            } else {
              BlockedCall.awaitQuietly(releaseLater);
            }
          });
      Daemon<ServiceHandle> writer =
          Daemon.start("samgr-tck-writer", () -> manager.register("first", Endpoint.of("a")));
      assertTrue(entered.await(Races.WAIT.toNanos(), TimeUnit.NANOSECONDS), "no listener call");
      List<ServiceHandle> later = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        later.add(
            Daemon.start("samgr-tck-other", () -> manager.register("later-" + n, Endpoint.of("b")))
                .join("a change while another writer's listener is slow"));
      }
      releaseFirst.countDown();
      ServiceHandle first = writer.join("the writer, after its own listener call returned");
      releaseLater.countDown();
      List<ServiceEvent> expected = new ArrayList<>();
      expected.add(new Registered(first));
      later.forEach(h -> expected.add(new Registered(h)));
      assertEquals(expected, events.awaitEvents(expected.size()));
      for (int i = 1; i < ranOn.size(); i++) {
        assertNotEquals(writer.thread, ranOn.get(i), "the writer delivered a later change");
      }
    } finally {
      releaseFirst.countDown();
      releaseLater.countDown();
      Daemon.closeWithin(manager);
    }
  }
}

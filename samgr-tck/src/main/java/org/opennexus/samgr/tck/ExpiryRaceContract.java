package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
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
 * {@code Expired} is sent exactly once for each turn of a service from alive to not alive, and
 * never without one, whatever {@code heartbeat}, {@code liveness}, {@code sweepExpired}, {@code
 * restart} and {@code unregister} race. Each race is made deterministic with a {@link
 * PausingClock}: the racing call is paused right after it reads the time, the other change happens,
 * then it goes on. Every outcome is checked against the event stream: what a call answers must
 * agree with the events.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public interface ExpiryRaceContract extends Contract {

  /**
   * Opens a registry of the backend under test on {@code clock}, with a liveness timeout of {@link
   * #LIVENESS_TIMEOUT}.
   *
   * @param clock the clock
   * @return a new registry; the caller closes it
   */
  default ServiceManager open(PausingClock clock) {
    return builder().clock(clock).livenessTimeout(LIVENESS_TIMEOUT).open();
  }

  /**
   * A heartbeat that read the clock while the service was alive, but lands after a sweep announced
   * its expiry, cannot revive it as of that earlier reading: the revival counts from a reading not
   * earlier than the announcement, so one full timeout later the service is still alive, and there
   * is no second {@code Expired} without an alive period between.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void heartbeatThatReadTheClockBeforeASweepCannotReviveAsOfThatReading() throws Exception {
    PausingClock clock = PausingClock.at(EPOCH);
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      clock.advance(LIVENESS_TIMEOUT); // still alive, at exactly the timeout
      Daemon<String> beat =
          pausedAfterReadingTheClock(
              clock,
              "samgr-tck-heartbeat",
              () -> {
                manager.heartbeat(handle);
                return "beat";
              });
      Instant announcedAt = clock.advance(java.time.Duration.ofMillis(1));
      assertEquals(List.of(handle), manager.sweepExpired());
      clock.resume();
      assertEquals("beat", beat.join("a heartbeat that lands after the sweep"));
      Liveness revived = manager.liveness("svc");
      assertEquals(handle, revived.handle());
      assertTrue(revived.alive(), "the heartbeat did not revive it: " + revived);
      assertFalse(
          revived.lastHeartbeat().isBefore(announcedAt),
          "revived as of a reading before the Expired was announced: " + revived);
      clock.advance(LIVENESS_TIMEOUT);
      assertEquals(List.of(), manager.sweepExpired(), "a second Expired with no alive period");
      manager.unregister(handle); // fence
      assertEquals(
          List.of(new Registered(handle), new Expired(handle), new Unregistered(handle)),
          events.awaitEvents(3));
    }
  }

  /**
   * A {@code liveness} that read the clock (service not alive) while a sweep announced the expiry
   * answers "not alive" and causes no second {@code Expired}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void livenessRacingASweepSendsExpiredOnce() throws Exception {
    PausingClock clock = PausingClock.at(EPOCH);
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
      Daemon<Liveness> check =
          pausedAfterReadingTheClock(clock, "samgr-tck-liveness", () -> manager.liveness("svc"));
      assertEquals(List.of(handle), manager.sweepExpired());
      clock.resume();
      assertEquals(new Liveness(handle, EPOCH, false), check.join("liveness racing a sweep"));
      manager.unregister(handle); // fence
      assertEquals(
          List.of(new Registered(handle), new Expired(handle), new Unregistered(handle)),
          events.awaitEvents(3));
    }
  }

  /**
   * A {@code liveness} that saw the service not alive while a restart replaced it answers in
   * agreement with the events: "not alive" for the old handle only if {@code Expired} of the old
   * handle was sent (before {@code Restarted}); otherwise it answers for the new handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void livenessThatSawNotAliveWhileARestartReplacedItAgreesWithTheEvents()
      throws Exception {
    PausingClock clock = PausingClock.at(EPOCH);
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
      Daemon<Liveness> check =
          pausedAfterReadingTheClock(clock, "samgr-tck-liveness", () -> manager.liveness("svc"));
      ServiceHandle second = manager.restart("svc", Endpoint.of("b"));
      clock.resume();
      Liveness answer = check.join("liveness racing a restart");
      manager.unregister(second); // fence
      List<ServiceEvent> expected;
      if (answer.alive()) {
        assertEquals(second, answer.handle(), "alive, but for which handle? " + answer);
        expected = List.of(new Registered(first), new Restarted(second), new Unregistered(second));
      } else {
        assertEquals(first, answer.handle(), "not alive, but for which handle? " + answer);
        expected =
            List.of(
                new Registered(first),
                new Expired(first),
                new Restarted(second),
                new Unregistered(second));
      }
      assertEquals(expected, events.awaitEvents(expected.size()), "answered " + answer);
    }
  }

  /**
   * A heartbeat that saw its service not alive while a restart replaced it either fails with {@code
   * StaleHandle} (it took effect after the restart; no {@code Expired}) or succeeds with {@code
   * Expired} of its handle sent before {@code Restarted}: never a silent success.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void heartbeatThatSawNotAliveWhileARestartReplacedItAgreesWithTheEvents()
      throws Exception {
    assertHeartbeatRacingAReplacementAgreesWithTheEvents(true);
  }

  /**
   * A heartbeat that saw its service not alive while an unregister removed it either fails with
   * {@code NotFound} or succeeds with {@code Expired} sent before {@code Unregistered}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void heartbeatThatSawNotAliveWhileAnUnregisterRemovedItAgreesWithTheEvents()
      throws Exception {
    assertHeartbeatRacingAReplacementAgreesWithTheEvents(false);
  }

  private void assertHeartbeatRacingAReplacementAgreesWithTheEvents(boolean restart)
      throws Exception {
    PausingClock clock = PausingClock.at(EPOCH);
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      manager.watch("svc", events);
      clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
      Daemon<String> beat =
          pausedAfterReadingTheClock(
              clock,
              "samgr-tck-heartbeat",
              () -> {
                manager.heartbeat(first);
                return "beat";
              });
      ServiceEvent replaced;
      if (restart) {
        replaced = new Restarted(manager.restart("svc", Endpoint.of("b")));
      } else {
        manager.unregister(first);
        replaced = new Unregistered(first);
      }
      clock.resume();
      Object outcome = beat.outcome("a heartbeat racing " + replaced);
      ServiceEvent fence =
          restart
              ? new Unregistered(unregister(manager, replaced.handle()))
              : new Registered(manager.register("svc", Endpoint.of("c")));
      List<ServiceEvent> expected;
      if (outcome instanceof Daemon.Failed failed) {
        if (restart) {
          SamgrError.StaleHandle stale =
              assertInstanceOf(SamgrError.StaleHandle.class, failed.cause());
          assertEquals(first, stale.handle());
          assertEquals(replaced.handle().generation(), stale.current());
        } else {
          assertEquals("svc", assertInstanceOf(SamgrError.NotFound.class, failed.cause()).name());
        }
        expected = List.of(new Registered(first), replaced, fence);
      } else {
        expected = List.of(new Registered(first), new Expired(first), replaced, fence);
      }
      assertEquals(expected, events.awaitEvents(expected.size()), "heartbeat gave " + outcome);
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
          clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
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

  /** Starts the call on a thread of its own; returns once it has read the clock and paused. */
  private static <T> Daemon<T> pausedAfterReadingTheClock(
      PausingClock clock, String name, Callable<T> call) throws InterruptedException {
    Daemon<T> daemon = Daemon.create(name, call);
    clock.pauseNextReadOn(daemon.thread);
    daemon.start();
    clock.awaitPaused();
    return daemon;
  }

  private static ServiceHandle unregister(ServiceManager manager, ServiceHandle handle)
      throws SamgrError {
    manager.unregister(handle);
    return handle;
  }
}

package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.tck.PausingClock;

/**
 * The races of the Expired slot (issue 9, finding 4), made deterministic with a {@link
 * PausingClock}: a thread is stopped right after it reads the time, the registry changes, and the
 * thread goes on with the time it read. Each test checks the exact events and outcomes that any
 * correct registry gives, and checks the whole run with the {@link Linearizer}, which compares the
 * event stream as well as the return values with the model.
 *
 * <p>On the registry before the fix (main at 18c4a99), the first test saw {@code [Registered(g1),
 * Expired(g1), Expired(g1)]} and the others saw a call act on an expiry that no event announced;
 * {@link LinearizerTest} keeps those recorded runs and shows that the checker rejects them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpiryRaceTest {

  static final Endpoint E0 = Vocabulary.ENDPOINTS.get(0);
  static final Endpoint E1 = Vocabulary.ENDPOINTS.get(1);
  static final long TIMEOUT = Scenario.TIMEOUT.toMillis();
  static final ServiceHandle G1 = new ServiceHandle("a", E0, new Generation(1));
  static final ServiceHandle G2 = new ServiceHandle("a", E1, new Generation(2));

  /** Bound for the interfering calls when the stopped thread holds what they need (see below). */
  private static final long INTERFERENCE_WAIT_MILLIS = 2_000;

  private static Instant at(long millis) {
    return Scenario.EPOCH.plusMillis(millis);
  }

  /**
   * Stops {@code racer} right after it reads the time, runs {@code meanwhile} as thread 2, then
   * lets the racer go on. If the racer is stopped while holding something the other calls need (a
   * registry that reads the clock under its lock), they cannot finish while it is stopped: they are
   * given a bounded wait, then the racer is released and they finish after it. Either way, the run
   * is a real interleaving, which the assertions must accept.
   */
  private static void race(ConcurrentRun run, PausingClock clock, Thread racer, Op... meanwhile)
      throws InterruptedException {
    clock.pauseNextReadOn(racer);
    racer.start();
    clock.awaitPaused();
    Thread other = run.thread(2, meanwhile);
    other.start();
    other.join(INTERFERENCE_WAIT_MILLIS);
    clock.resume();
    ConcurrentRun.join(racer, 30);
    ConcurrentRun.join(other, 30);
  }

  @Test
  void heartbeatThatReadTheClockBeforeASweepLandsAfterItWithoutASecondExpired() throws Exception {
    ManualClock manual = ManualClock.at(Scenario.EPOCH);
    PausingClock clock = PausingClock.over(manual);
    try (ConcurrentRun run = new ConcurrentRun(manual, clock)) {
      assertEquals(new Outcome.Value(G1), run.call(0, new Op.Register("a", E0)));
      run.call(0, new Op.MoveClock(1));
      // The heartbeat reads t=1 (alive), then stops; meanwhile t passes the timeout of both the
      // registration (t=0) and the time the heartbeat read, and a sweep announces the expiry.
      race(
          run,
          clock,
          run.thread(1, new Op.Heartbeat(G1)),
          new Op.MoveClock(TIMEOUT + 1),
          new Op.SweepExpired());
      // Whatever the late heartbeat did, nothing turned alive again: no second Expired.
      run.call(0, new Op.LivenessOf("a"));
      run.call(0, new Op.SweepExpired());
      run.assertLinearizable();
      assertEquals(
          List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Expired(G1)),
          run.eventsBeforeEnd());
    }
  }

  @Test
  void heartbeatThatSawTheExpiryRacesASweepAndOneExpiredIsSent() throws Exception {
    ManualClock manual = ManualClock.at(Scenario.EPOCH);
    PausingClock clock = PausingClock.over(manual);
    try (ConcurrentRun run = new ConcurrentRun(manual, clock)) {
      run.call(0, new Op.Register("a", E0));
      run.call(0, new Op.MoveClock(TIMEOUT + 1));
      race(run, clock, run.thread(1, new Op.Heartbeat(G1)), new Op.SweepExpired());
      Outcome liveness = run.call(0, new Op.LivenessOf("a"));
      assertEquals(
          new Outcome.Value(new Liveness(G1, at(TIMEOUT + 1), true)),
          liveness,
          "the heartbeat made it alive again");
      run.assertLinearizable();
      assertEquals(
          List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Expired(G1)),
          run.eventsBeforeEnd());
    }
  }

  /** A call that can see a service not alive. */
  @SuppressWarnings(
      "ImmutableEnumChecker") // Op and ServiceEvent here are records of immutable values
  enum Observer {
    LIVENESS(new Op.LivenessOf("a")),
    HEARTBEAT(new Op.Heartbeat(G1));

    final Op op;

    Observer(Op op) {
      this.op = op;
    }
  }

  /** A call that replaces or removes the entry the observer is looking at. */
  @SuppressWarnings("ImmutableEnumChecker") // likewise
  enum Replacer {
    RESTART_BY_NAME(new Op.RestartName("a", E1), new ServiceEvent.Restarted(G2)),
    RESTART_FENCED(new Op.RestartHandle(G1, E1), new ServiceEvent.Restarted(G2)),
    UNREGISTER(new Op.Unregister(G1), new ServiceEvent.Unregistered(G1));

    final Op op;
    final ServiceEvent event;

    Replacer(Op op, ServiceEvent event) {
      this.op = op;
      this.event = event;
    }
  }

  /**
   * A call that read the time after the timeout, then stops while the entry is replaced or removed:
   * either it acted on the expired entry, and then the stream holds {@code Expired(g1)} before the
   * replacement's event, or it acted on what replaced it, and then no {@code Expired} was sent.
   */
  @ParameterizedTest(name = "{0} while {1}")
  @MethodSource("observersAndReplacers")
  void callThatSawTheServiceNotAliveAgreesWithTheEventsWhenTheEntryIsReplaced(
      Observer observer, Replacer replacer) throws Exception {
    {
      ManualClock manual = ManualClock.at(Scenario.EPOCH);
      PausingClock clock = PausingClock.over(manual);
      try (ConcurrentRun run = new ConcurrentRun(manual, clock)) {
        run.call(0, new Op.Register("a", E0));
        run.call(0, new Op.MoveClock(TIMEOUT + 1));
        race(run, clock, run.thread(1, observer.op), replacer.op);
        run.call(0, new Op.SweepExpired());

        run.assertLinearizable();
        History.Call observed =
            run.history.calls().stream().filter(c -> c.thread() == 1).findFirst().orElseThrow();
        boolean actedOnExpiredEntry = actedOnExpiredEntry(observer, observed.outcome());
        List<ServiceEvent> expected =
            actedOnExpiredEntry
                ? List.of(
                    new ServiceEvent.Registered(G1), new ServiceEvent.Expired(G1), replacer.event)
                : List.of(new ServiceEvent.Registered(G1), replacer.event);
        assertEquals(
            expected,
            run.eventsBeforeEnd(),
            () -> observer + " while " + replacer + ": " + observed);
      }
    }
  }

  static Stream<Arguments> observersAndReplacers() {
    return Arrays.stream(Observer.values())
        .flatMap(o -> Arrays.stream(Replacer.values()).map(r -> Arguments.of(o, r)));
  }

  /** Whether the observer's outcome shows it acted on g1 as not alive (else on its successor). */
  private static boolean actedOnExpiredEntry(Observer observer, Outcome outcome) {
    if (observer == Observer.HEARTBEAT) {
      // A heartbeat of g1 that succeeded acted on g1, which was expired at the time it read.
      return outcome.equals(new Outcome.Value(null));
    }
    if (outcome instanceof Outcome.Value value && value.value() instanceof Liveness liveness) {
      boolean sawG1 = liveness.handle().equals(G1);
      assertTrue(!sawG1 || !liveness.alive(), () -> "g1 cannot look alive: " + liveness);
      return sawG1;
    }
    return false;
  }
}

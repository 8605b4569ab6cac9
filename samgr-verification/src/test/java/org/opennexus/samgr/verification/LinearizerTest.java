package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.verification.History.Call;

/**
 * The event-stream checker on recorded runs: the three runs below were recorded with {@link
 * ExpiryRaceTest}'s pausing clock on the host registry before the Expired-slot fix (main at
 * 18c4a99). In each, every return value is explained by some order of the model; only the events
 * are wrong, which is why a checker of return values (Lincheck) could not see them. Each is paired
 * with the same calls and the events a correct registry sends, which the checker accepts.
 */
class LinearizerTest {

  private static final ServiceHandle G1 = ExpiryRaceTest.G1;
  private static final ServiceHandle G2 = ExpiryRaceTest.G2;
  private static final long TIMEOUT = ExpiryRaceTest.TIMEOUT;

  private static Call call(int thread, long invoked, long returned, Op op, Outcome outcome) {
    return new Call(thread, op, outcome, invoked, returned);
  }

  private static Outcome.Value value(Object value) {
    return new Outcome.Value(value);
  }

  private static final Outcome.Value VOID = new Outcome.Value(null);

  private static Linearizer.Verdict check(List<Call> calls, List<ServiceEvent> events) {
    return Linearizer.check(calls, events, Scenario.newModel());
  }

  private static Instant at(long millis) {
    return Scenario.EPOCH.plusMillis(millis);
  }

  /** A heartbeat reads t=1, stops; the clock passes the timeout, a sweep sends Expired. */
  private static final List<Call> LATE_HEARTBEAT =
      List.of(
          call(0, 1, 2, new Op.Register("a", ExpiryRaceTest.E0), value(G1)),
          call(0, 3, 4, new Op.MoveClock(1), VOID),
          call(1, 5, 10, new Op.Heartbeat(G1), VOID),
          call(2, 6, 7, new Op.MoveClock(TIMEOUT + 1), VOID),
          call(2, 8, 9, new Op.SweepExpired(), value(List.of(G1))),
          call(0, 11, 12, new Op.LivenessOf("a"), value(new Liveness(G1, at(1), false))),
          call(0, 13, 14, new Op.SweepExpired(), value(List.of())));

  @Test
  void rejectsASecondExpiredWithNoAlivePeriodBetween() {
    List<ServiceEvent> recorded =
        List.of(
            new ServiceEvent.Registered(G1),
            new ServiceEvent.Expired(G1),
            new ServiceEvent.Expired(G1));
    Linearizer.Verdict verdict = check(LATE_HEARTBEAT, recorded);
    assertFalse(verdict.linearizable());
    assertEquals(
        LATE_HEARTBEAT.size(),
        verdict.longestPrefix().size(),
        "every return value has an order; only the events have none");
    String report = Linearizer.explain(LATE_HEARTBEAT, recorded, verdict, Scenario.newModel());
    assertTrue(report.contains("no order of the model explains this run"), report);
    assertTrue(
        report.contains(
            "the model's events in that order: "
                + List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Expired(G1))),
        report);
  }

  @Test
  void acceptsTheSameCallsWithOneExpired() {
    Linearizer.Verdict verdict =
        check(
            LATE_HEARTBEAT, List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Expired(G1)));
    assertTrue(verdict.linearizable());
    // The heartbeat can only have taken effect before the clock moved past the timeout.
    // (Later, it would have announced the expiry itself, and the sweep would have returned [].)
    assertEquals(LATE_HEARTBEAT, verdict.order());
  }

  /** liveness reads t past the timeout and stops; a restart replaces the entry meanwhile. */
  private static final List<Call> LIVENESS_WHILE_RESTARTED =
      List.of(
          call(0, 1, 2, new Op.Register("a", ExpiryRaceTest.E0), value(G1)),
          call(0, 3, 4, new Op.MoveClock(TIMEOUT + 1), VOID),
          call(1, 5, 8, new Op.LivenessOf("a"), value(new Liveness(G1, at(0), false))),
          call(2, 6, 7, new Op.RestartName("a", ExpiryRaceTest.E1), value(G2)),
          call(0, 9, 10, new Op.SweepExpired(), value(List.of())));

  @Test
  void rejectsALivenessThatSawAnExpiryNoEventAnnounced() {
    assertFalse(
        check(
                LIVENESS_WHILE_RESTARTED,
                List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Restarted(G2)))
            .linearizable());
    assertTrue(
        check(
                LIVENESS_WHILE_RESTARTED,
                List.of(
                    new ServiceEvent.Registered(G1),
                    new ServiceEvent.Expired(G1),
                    new ServiceEvent.Restarted(G2)))
            .linearizable());
  }

  /** A heartbeat of g1 reads t past the timeout and stops; g1 is unregistered meanwhile. */
  private static final List<Call> HEARTBEAT_WHILE_UNREGISTERED =
      List.of(
          call(0, 1, 2, new Op.Register("a", ExpiryRaceTest.E0), value(G1)),
          call(0, 3, 4, new Op.MoveClock(TIMEOUT + 1), VOID),
          call(1, 5, 8, new Op.Heartbeat(G1), VOID),
          call(2, 6, 7, new Op.Unregister(G1), VOID),
          call(0, 9, 10, new Op.SweepExpired(), value(List.of())));

  @Test
  void rejectsAHeartbeatThatRevivedAnExpiryNoEventAnnounced() {
    assertFalse(
        check(
                HEARTBEAT_WHILE_UNREGISTERED,
                List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Unregistered(G1)))
            .linearizable());
    assertTrue(
        check(
                HEARTBEAT_WHILE_UNREGISTERED,
                List.of(
                    new ServiceEvent.Registered(G1),
                    new ServiceEvent.Expired(G1),
                    new ServiceEvent.Unregistered(G1)))
            .linearizable());
  }

  @Test
  void keepsRealTimeOrder() {
    Op resolve = new Op.Resolve("a");
    Op register = new Op.Register("a", ExpiryRaceTest.E0);
    List<ServiceEvent> events = List.of(new ServiceEvent.Registered(G1));
    // The resolve returned before the register began, so it cannot have seen it...
    assertFalse(
        check(
                List.of(call(0, 1, 2, resolve, value(G1)), call(1, 3, 4, register, value(G1))),
                events)
            .linearizable());
    // ...but when the two overlap, the register may have taken effect first.
    Linearizer.Verdict overlapping =
        check(
            List.of(call(0, 1, 4, resolve, value(G1)), call(1, 2, 3, register, value(G1))), events);
    assertEquals(
        List.of(register, resolve),
        Objects.requireNonNull(overlapping.order()).stream().map(Call::op).toList());
  }

  @Test
  void rejectsEventsNoCallCaused() {
    List<Call> calls = List.of(call(0, 1, 2, new Op.Register("a", ExpiryRaceTest.E0), value(G1)));
    assertTrue(check(calls, List.of(new ServiceEvent.Registered(G1))).linearizable());
    assertFalse(
        check(calls, List.of(new ServiceEvent.Registered(G1), new ServiceEvent.Expired(G1)))
            .linearizable(),
        "an extra event at the end");
    assertFalse(check(calls, List.of()).linearizable(), "a missing event");
  }
}

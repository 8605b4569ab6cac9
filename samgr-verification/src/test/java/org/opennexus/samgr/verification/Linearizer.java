package org.opennexus.samgr.verification;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.verification.History.Call;

/**
 * Checks a concurrent run against the sequential {@link RegistryModel}, events included: it looks
 * for a linearization, an order of all calls that keeps real-time order (a call that returned
 * before another was invoked comes first) in which the model gives every call the outcome it really
 * had <em>and</em> produces exactly the event stream that a {@code watchAll}, subscribed before the
 * first call, really received. Linearizability checkers such as Lincheck compare only return
 * values; an Expired sent twice, or never, changes no return value, only the stream.
 *
 * <p>The search is depth-first over the calls that may come next, replaying each on a copy of the
 * model; it prunes an order as soon as an outcome differs or the model's events stop being a prefix
 * of the observed ones, and remembers dead states (the set of calls done plus the model's {@link
 * RegistryModel#state()}), so runs of a dozen calls cost little. Sound by construction: it reports
 * a violation only when no order at all explains the run.
 *
 * <p>The clock is part of the model's state, moved by {@link Op.MoveClock} calls, and an operation
 * is taken to read it at its linearization point. No implementation reads a clock atomically with
 * its effect, so a run must not move the clock while a call that depends on it could be forced (by
 * other calls' results) to take effect after the move: runs move it when no call is in flight
 * ({@link ConcurrentEventsTest}), or in a scenario whose calls may all go before the move ({@link
 * ExpiryRaceTest}).
 */
final class Linearizer {

  /** The most states one check may visit before it gives up (an inconclusive check fails). */
  static final int BUDGET = 2_000_000;

  /** The result: an order that explains the run, or {@code null} and what came closest. */
  record Verdict(@Nullable List<Call> order, List<Call> longestPrefix, int visited) {
    boolean linearizable() {
      return order != null;
    }
  }

  private final List<Call> calls;
  private final List<ServiceEvent> observed;
  private final Set<String> dead = new HashSet<>();
  private final List<Call> path = new ArrayList<>();
  private List<Call> longest = List.of();
  private int visited;

  private Linearizer(List<Call> calls, List<ServiceEvent> observed) {
    if (calls.size() > 63) {
      throw new IllegalArgumentException("at most 63 calls, not " + calls.size());
    }
    this.calls = List.copyOf(calls);
    this.observed = List.copyOf(observed);
  }

  /** Checks {@code calls} and the {@code observed} events against {@code start}, left unchanged. */
  static Verdict check(List<Call> calls, List<ServiceEvent> observed, RegistryModel start) {
    Linearizer search = new Linearizer(calls, observed);
    boolean found = search.search(start, 0L);
    return new Verdict(found ? List.copyOf(search.path) : null, search.longest, search.visited);
  }

  private boolean search(RegistryModel model, long done) {
    if (++visited > BUDGET) {
      throw new AssertionError("no verdict within " + BUDGET + " states; use a shorter run");
    }
    if (path.size() > longest.size()) {
      longest = List.copyOf(path);
    }
    if (done == (1L << calls.size()) - 1) {
      return model.events().size() == observed.size();
    }
    if (!dead.add(done + " " + model.state())) {
      return false;
    }
    long firstReturn = Long.MAX_VALUE;
    for (int i = 0; i < calls.size(); i++) {
      if ((done & (1L << i)) == 0) {
        firstReturn = Math.min(firstReturn, calls.get(i).returned());
      }
    }
    for (int i = 0; i < calls.size(); i++) {
      Call call = calls.get(i);
      // Only a call invoked before every pending call returned may come next.
      if ((done & (1L << i)) != 0 || call.invoked() > firstReturn) {
        continue;
      }
      RegistryModel next = model.copy();
      if (!call.op().onModel(next).equals(call.outcome()) || !eventsSoFarObserved(next)) {
        continue;
      }
      path.add(call);
      if (search(next, done | (1L << i))) {
        return true;
      }
      path.remove(path.size() - 1);
    }
    return false;
  }

  private boolean eventsSoFarObserved(RegistryModel model) {
    List<ServiceEvent> events = model.events();
    return events.size() <= observed.size() && events.equals(observed.subList(0, events.size()));
  }

  /** A report of a run that no order explains: the calls, the events, the closest order. */
  static String explain(
      List<Call> calls, List<ServiceEvent> observed, Verdict verdict, RegistryModel start) {
    StringBuilder out = new StringBuilder("no order of the model explains this run");
    out.append("\n  calls (thread [invoked, returned] call -> outcome):");
    calls.forEach(call -> out.append("\n    ").append(call));
    out.append("\n  events a watchAll received: ").append(observed);
    out.append("\n  longest order the model could follow (")
        .append(verdict.longestPrefix().size())
        .append(" of ")
        .append(calls.size())
        .append(" calls):");
    RegistryModel model = start.copy();
    for (Call call : verdict.longestPrefix()) {
      out.append("\n    ").append(call);
      call.op().onModel(model);
    }
    out.append("\n  the model's events in that order: ").append(model.events());
    return out.toString();
  }
}

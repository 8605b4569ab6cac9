package org.opennexus.samgr.verification;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceManager;

/**
 * The record of a concurrent run: every call with the ticks of a shared counter taken just before
 * it was invoked and just after it returned, so that "returned before the other was invoked" is
 * real-time order. Thread-safe; {@link Linearizer} checks it.
 */
final class History {

  /** One completed call: who made it, what it was, what it did, and when (in ticks). */
  record Call(int thread, Op op, Outcome outcome, long invoked, long returned) {

    /** Whether this call returned before {@code other} was invoked. */
    boolean precedes(Call other) {
      return returned < other.invoked;
    }

    @Override
    public String toString() {
      return "thread "
          + thread
          + " ["
          + invoked
          + ", "
          + returned
          + "] "
          + Op.describe(op)
          + " -> "
          + outcome;
    }
  }

  private final AtomicLong ticks = new AtomicLong();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

  /** Runs {@code op} on the registry from {@code thread}, records it and returns its outcome. */
  Outcome call(int thread, Op op, ServiceManager registry, ManualClock clock) {
    long invoked = ticks.incrementAndGet();
    Outcome outcome = op.onRegistry(registry, clock);
    calls.add(new Call(thread, op, outcome, invoked, ticks.incrementAndGet()));
    return outcome;
  }

  /** The calls recorded so far, in order of invocation. */
  List<Call> calls() {
    List<Call> sorted = new ArrayList<>(calls);
    sorted.sort(Comparator.comparingLong(Call::invoked));
    return sorted;
  }
}

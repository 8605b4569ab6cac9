package org.opennexus.samgr.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.opennexus.samgr.ServiceEvent;

/**
 * A {@code listenerFailures} hook that records what it is given, so a contract can wait for the
 * failures (bounded) and compare them with what it expects. Thread-safe.
 */
final class Failures implements BiConsumer<ServiceEvent, Throwable> {

  /** One call of the hook. */
  record Failure(ServiceEvent event, Throwable failure) {}

  private final List<Failure> failures = new ArrayList<>(); // guarded by this

  @Override
  public synchronized void accept(ServiceEvent event, Throwable failure) {
    failures.add(new Failure(event, failure));
    notifyAll();
  }

  /** The failures so far, in the order reported. */
  synchronized List<Failure> all() {
    return List.copyOf(failures);
  }

  /** Waits (bounded by {@link Races#WAIT}) for at least {@code count} failures; returns all. */
  synchronized List<Failure> await(int count) throws InterruptedException {
    long deadline = System.nanoTime() + Races.WAIT.toNanos();
    while (failures.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "expected " + count + " listener failures within " + Races.WAIT + ", got " + failures);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(failures);
  }
}

package org.opennexus.samgr.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.opennexus.samgr.ServiceEvent;

/**
 * A listener for {@link org.opennexus.samgr.ServiceManager#watch} and {@link
 * org.opennexus.samgr.ServiceManager#watchAll} that records every event it receives, so a test can
 * wait for them (with a bound) and compare them with what it expects.
 *
 * <p>It also checks the delivery rule "one at a time": it counts the calls in flight and remembers
 * the most it ever saw at once ({@link #maxCallsInFlight()}), yielding once inside each call to
 * make an overlap more likely to show.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * try (Subscription s = manager.watch("net", events)) {
 *   ServiceHandle h = manager.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
 *   assertEquals(List.of(new ServiceEvent.Registered(h)), events.awaitEvents(1));
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may deliver to it and read from it at once.
 */
public final class RecordingListener implements Consumer<ServiceEvent> {

  /** How long {@link #awaitEvents(int)} waits at most: 10 seconds. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final List<ServiceEvent> events = new ArrayList<>(); // guarded by this
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  /** Creates a listener that has recorded nothing. */
  public RecordingListener() {}

  /**
   * Records the event and wakes the threads waiting for it.
   *
   * @param event the event delivered
   */
  @Override
  @SuppressWarnings("ThreadPriorityCheck") // the yield only widens an overlap window
  public void accept(ServiceEvent event) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      Thread.yield(); // widen the window in which an overlapping call would be seen
      synchronized (this) {
        events.add(event);
        notifyAll();
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Returns the events recorded so far, in the order they arrived.
   *
   * @return an unmodifiable copy
   */
  public synchronized List<ServiceEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Returns how many events were recorded so far.
   *
   * @return the number of events
   */
  public synchronized int count() {
    return events.size();
  }

  /**
   * Returns the most calls of {@link #accept} that were ever in flight at once; 1 (or 0 before the
   * first event) when events arrive one at a time.
   *
   * @return the largest number of overlapping calls seen
   */
  public int maxCallsInFlight() {
    return maxInFlight.get();
  }

  /**
   * Waits until at least {@code count} events have arrived, at most {@link #DEFAULT_WAIT}, and
   * returns all the events recorded by then.
   *
   * @param count how many events to wait for
   * @return an unmodifiable copy of the events recorded, at least {@code count} of them
   * @throws AssertionError if fewer than {@code count} arrived in time; the message lists those
   *     that did
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public List<ServiceEvent> awaitEvents(int count) throws InterruptedException {
    return awaitEvents(count, DEFAULT_WAIT);
  }

  /**
   * Waits until at least {@code count} events have arrived, at most {@code timeout}, and returns
   * all the events recorded by then.
   *
   * @param count how many events to wait for
   * @param timeout how long to wait at most
   * @return an unmodifiable copy of the events recorded, at least {@code count} of them
   * @throws AssertionError if fewer than {@code count} arrived in time; the message lists those
   *     that did
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public synchronized List<ServiceEvent> awaitEvents(int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (events.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "expected at least "
                + count
                + " events within "
                + timeout
                + ", but got "
                + events.size()
                + ": "
                + events);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(events);
  }

  @Override
  public synchronized String toString() {
    return "RecordingListener" + events;
  }
}

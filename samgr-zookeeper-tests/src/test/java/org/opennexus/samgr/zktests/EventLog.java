package org.opennexus.samgr.zktests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.opennexus.samgr.ServiceEvent;

/** A listener that records every event it receives, and waits for what a test expects. */
final class EventLog implements Consumer<ServiceEvent> {

  private final String label;
  private final List<ServiceEvent> events = new ArrayList<>(); // guarded by this

  EventLog(String label) {
    this.label = label;
  }

  @Override
  public synchronized void accept(ServiceEvent event) {
    events.add(event);
    notifyAll();
  }

  /** Everything received so far, in delivery order. */
  synchronized List<ServiceEvent> events() {
    return List.copyOf(events);
  }

  /** The events received for one name, in delivery order. */
  synchronized List<ServiceEvent> events(String name) {
    return events.stream().filter(e -> e.handle().name().equals(name)).toList();
  }

  /** The last event received per name. */
  synchronized Map<String, ServiceEvent> lastPerName() {
    Map<String, ServiceEvent> last = new LinkedHashMap<>();
    for (ServiceEvent event : events) {
      last.put(event.handle().name(), event);
    }
    return last;
  }

  /**
   * Waits until the events received so far satisfy {@code done}.
   *
   * @throws AssertionError naming what was received if {@code timeout} passes first
   */
  synchronized void awaitUntil(String what, Duration timeout, Predicate<List<ServiceEvent>> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(events)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            label + ": waited " + timeout + " for " + what + "; received " + events);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits until {@code event} (equal by value) has been received. */
  void awaitEvent(ServiceEvent event, Duration timeout) throws InterruptedException {
    awaitUntil(event.toString(), timeout, received -> received.contains(event));
  }

  @Override
  public String toString() {
    return label;
  }
}

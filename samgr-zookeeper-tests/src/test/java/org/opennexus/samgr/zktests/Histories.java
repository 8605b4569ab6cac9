package org.opennexus.samgr.zktests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/** Checks of what clients acknowledged and what watchers received, shared by the fault tests. */
final class Histories {

  private Histories() {}

  /**
   * An acknowledged operation: it returned (so it took effect) between {@code start} and {@code
   * end} ({@link System#nanoTime()}), and {@code result} is the handle it returned, or {@code null}
   * for an operation that returns none.
   */
  record Ack(String name, String operation, long start, long end, ServiceHandle result) {}

  /**
   * Checks generations against real time: every returned generation is unique, and an operation
   * that began after another returned has a higher generation (linearizability of the writes).
   */
  static void assertGenerationsUniqueAndInRealTimeOrder(List<Ack> acks) {
    List<Ack> writes = acks.stream().filter(a -> a.result() != null).toList();
    Map<Long, Ack> byGeneration = new HashMap<>();
    for (Ack ack : writes) {
      Ack earlier = byGeneration.put(ack.result().generation().value(), ack);
      if (earlier != null) {
        fail(
            "generation "
                + ack.result().generation().value()
                + " returned twice: "
                + earlier
                + " and "
                + ack);
      }
    }
    List<Ack> byEnd = new ArrayList<>(writes);
    byEnd.sort(Comparator.comparingLong(Ack::end));
    List<Ack> byStart = new ArrayList<>(writes);
    byStart.sort(Comparator.comparingLong(Ack::start));
    Ack highestEnded = null;
    int e = 0;
    for (Ack later : byStart) {
      while (e < byEnd.size() && byEnd.get(e).end() < later.start()) {
        Ack ended = byEnd.get(e++);
        if (highestEnded == null
            || ended.result().generation().isAfter(highestEnded.result().generation())) {
          highestEnded = ended;
        }
      }
      if (highestEnded != null) {
        assertTrue(
            later.result().generation().isAfter(highestEnded.result().generation()),
            "generation out of real-time order: "
                + highestEnded
                + " returned before "
                + later
                + " began");
      }
    }
  }

  /**
   * Checks one subscription's events: per name, a {@code Registered} or {@code Restarted} carries a
   * higher generation than the event before it, an {@code Unregistered} or {@code Expired} at least
   * the same, and no event arrives twice in a row.
   */
  static void assertGenerationOrderPerName(EventLog log) {
    Map<String, ServiceEvent> previous = new HashMap<>();
    for (ServiceEvent event : log.events()) {
      ServiceEvent before = previous.put(event.handle().name(), event);
      if (before == null) {
        continue;
      }
      long was = before.handle().generation().value();
      long now = event.handle().generation().value();
      boolean opensIncarnation =
          event instanceof ServiceEvent.Registered || event instanceof ServiceEvent.Restarted;
      if (opensIncarnation ? now <= was : now < was || event.equals(before)) {
        fail(log + ": " + event + " after " + before);
      }
    }
  }

  /**
   * Checks that one subscription's last event per name agrees with the final state: a registered
   * service's last event is {@code Registered} or {@code Restarted} with its current handle, an
   * unregistered one's is {@code Unregistered}.
   */
  static void assertConverged(
      EventLog log, Map<String, ServiceHandle> registered, Set<String> unregistered) {
    Map<String, ServiceEvent> last = log.lastPerName();
    for (Map.Entry<String, ServiceHandle> entry : registered.entrySet()) {
      ServiceEvent event = last.get(entry.getKey());
      assertTrue(
          event instanceof ServiceEvent.Registered || event instanceof ServiceEvent.Restarted,
          log + ": last event for " + entry.getKey() + " is " + event);
      assertEquals(entry.getValue(), event.handle(), log + ": last handle of " + entry.getKey());
    }
    for (String name : unregistered) {
      ServiceEvent event = last.get(name);
      if (event != null) { // a watcher that never saw the name at all has nothing to converge
        assertTrue(
            event instanceof ServiceEvent.Unregistered,
            log + ": last event for unregistered " + name + " is " + event);
      }
    }
  }

  /** Waits until {@code client.services()} equals {@code expected} (sorted by name). */
  static void awaitServices(
      String label, ServiceManager client, Map<String, ServiceHandle> expected, Duration timeout)
      throws SamgrError, InterruptedException {
    List<ServiceHandle> want = List.copyOf(new TreeMap<>(expected).values());
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ServiceHandle> got = client.services();
    while (!got.equals(want)) {
      if (System.nanoTime() > deadline) {
        assertEquals(want, got, label + ": services() did not converge within " + timeout);
      }
      Thread.sleep(50);
      got = client.services();
    }
  }
}

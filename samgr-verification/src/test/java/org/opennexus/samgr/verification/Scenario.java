package org.opennexus.samgr.verification;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceManager;

/**
 * Runs an operation sequence against a fresh registry and a fresh {@link RegistryModel} side by
 * side, comparing every outcome and, after every operation, the full {@code services()} snapshot
 * and (on {@code host}) every event a {@code watchAll} opened with the registry has received; and
 * shrinks a failing sequence.
 */
final class Scenario {

  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Scenario() {}

  /** Where a run first disagreed with the model. */
  record Mismatch(int index, String op, Object expected, Object actual) {
    @Override
    public String toString() {
      return "operation #" + index + " " + op + ": model says " + expected + ", registry says " + actual;
    }
  }

  static RegistryModel newModel() {
    return new RegistryModel(EPOCH, TIMEOUT);
  }

  /** Runs {@code ops} on a new registry of {@code environment}; returns the first mismatch. */
  static @Nullable Mismatch run(List<Op> ops, String environment) {
    ManualClock clock = ManualClock.at(EPOCH);
    RegistryModel model = newModel();
    List<ServiceEvent> events = new ArrayList<>();
    try (ServiceManager registry =
        Samgr.builder().environment(environment).clock(clock).livenessTimeout(TIMEOUT).open()) {
      boolean watching = watchAll(registry, events);
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        Outcome expected = op.onModel(model);
        Outcome actual = op.onRegistry(registry, clock);
        if (!expected.equals(actual)) {
          return new Mismatch(i, Op.describe(op), expected, actual);
        }
        if (watching && !model.events().equals(events)) {
          return new Mismatch(i, Op.describe(op) + " then events", model.events(), events);
        }
        if (!model.isClosed()) {
          Outcome snapshot = Outcome.of(registry::services);
          Outcome want = new Outcome.Value(model.snapshot());
          if (!want.equals(snapshot)) {
            return new Mismatch(i, Op.describe(op) + " then services()", want, snapshot);
          }
        }
      }
    }
    return null;
  }

  /**
   * Subscribes {@code events} to every change, or returns false if the backend refuses (the os
   * stub). The host delivers on the calling thread before the call returns, so after each
   * operation the list is complete.
   */
  private static boolean watchAll(ServiceManager registry, List<ServiceEvent> events) {
    try {
      registry.watchAll(events::add);
      return true;
    } catch (SamgrError.Unsupported refused) {
      return false;
    } catch (SamgrError e) {
      throw new AssertionError("watchAll failed on a new registry", e);
    }
  }

  static @Nullable Mismatch run(List<Op> ops) {
    return run(ops, "host");
  }

  /**
   * Shrinks {@code failing} by dropping operations, first in large chunks and then one at a time,
   * for as long as {@code fails} still holds; the result is 1-minimal: dropping any single
   * operation from it makes it pass.
   */
  static <T> List<T> shrink(List<T> failing, Predicate<List<T>> fails) {
    List<T> current = List.copyOf(failing);
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
        int start = 0;
        while (start < current.size()) {
          List<T> candidate = new ArrayList<>(current.subList(0, start));
          candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
          if (!candidate.isEmpty() && fails.test(candidate)) {
            current = List.copyOf(candidate);
            progress = true;
          } else {
            start += chunk;
          }
        }
      }
    }
    return current;
  }

  /** A failure report: the minimal sequence, one operation per line, and its mismatch. */
  static String report(List<Op> ops, String environment) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < ops.size(); i++) {
      out.append("\n  #").append(i).append(' ').append(Op.describe(ops.get(i)));
    }
    out.append("\n  => ").append(run(ops, environment));
    return out.toString();
  }
}

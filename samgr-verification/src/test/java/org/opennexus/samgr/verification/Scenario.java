package org.opennexus.samgr.verification;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
      return "operation #"
          + index
          + " "
          + op
          + ": model says "
          + expected
          + ", registry says "
          + actual;
    }
  }

  static RegistryModel newModel() {
    return new RegistryModel(EPOCH, TIMEOUT);
  }

  /**
   * A backend to compare with the model: how to open a registry on a given clock, whether its
   * events arrive after the operation returns (on a delivery thread) rather than before, and
   * whether its generations are opaque numbers ({@link Generations} translates them).
   */
  record Target(
      String environment,
      Function<ManualClock, ServiceManager> opener,
      boolean eventsLater,
      boolean opaqueGenerations) {

    /** A backend that delivers before a change returns and numbers generations 1, 2, 3. */
    static Target of(String environment) {
      return new Target(
          environment,
          clock ->
              Samgr.builder().environment(environment).clock(clock).livenessTimeout(TIMEOUT).open(),
          false,
          false);
    }
  }

  /** How long a target whose events arrive later is given to deliver them. */
  static final Duration EVENT_WAIT = Duration.ofSeconds(10);

  /** Runs {@code ops} on a new registry of {@code environment}; returns the first mismatch. */
  static @Nullable Mismatch run(List<Op> ops, String environment) {
    return run(ops, Target.of(environment));
  }

  /** Runs {@code ops} on a new registry of {@code target}; returns the first mismatch. */
  static @Nullable Mismatch run(List<Op> ops, Target target) {
    ManualClock clock = ManualClock.at(EPOCH);
    RegistryModel model = new RegistryModel(EPOCH, TIMEOUT, target.environment());
    @Nullable Generations generations = target.opaqueGenerations() ? new Generations() : null;
    List<ServiceEvent> events = new ArrayList<>();
    try (ServiceManager registry = target.opener().apply(clock)) {
      boolean watching = watchAll(registry, events);
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        Outcome expected = op.onModel(model);
        Outcome actual;
        if (generations == null) {
          actual = op.onRegistry(registry, clock);
        } else {
          actual = generations.toBackend(op).onRegistry(registry, clock);
          generations.learn(op, expected, actual);
          if (generations.outOfOrder()) {
            return new Mismatch(i, Op.describe(op), "a generation higher than all before", actual);
          }
          if (!(op instanceof Op.HandleOf)) { // a handle built from values: nothing to translate
            actual = generations.toModel(actual);
          }
        }
        if (!expected.equals(actual)) {
          return new Mismatch(i, Op.describe(op), expected, actual);
        }
        if (watching) {
          List<ServiceEvent> seen =
              target.eventsLater() ? awaitEvents(events, model.events().size()) : events;
          if (generations != null) {
            seen = generations.toModel(seen);
          }
          if (!model.events().equals(seen)) {
            return new Mismatch(i, Op.describe(op) + " then events", model.events(), seen);
          }
        }
        if (!model.isClosed()) {
          Outcome snapshot = Outcome.of(registry::services);
          if (generations != null) {
            snapshot = generations.toModel(snapshot);
          }
          Outcome want = new Outcome.Value(model.snapshot());
          if (!want.equals(snapshot)) {
            return new Mismatch(i, Op.describe(op) + " then services()", want, snapshot);
          }
        }
      }
      if (watching && target.eventsLater()) {
        // A fence for events that arrive late: nothing may follow the last expected one.
        List<ServiceEvent> last = settle(events);
        if (generations != null) {
          last = generations.toModel(last);
        }
        if (!model.events().equals(last)) {
          return new Mismatch(
              ops.size() - 1, "after the last operation, events", model.events(), last);
        }
      }
    }
    return null;
  }

  /** How long a late target's events are given to settle after the last operation. */
  static final Duration SETTLE = Duration.ofMillis(50);

  /** Waits {@link #SETTLE}, then returns a copy of {@code events}. */
  private static List<ServiceEvent> settle(List<ServiceEvent> events) {
    try {
      Thread.sleep(SETTLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /**
   * Waits until {@code events} (filled by a delivery thread) holds at least {@code count} events,
   * or {@link #EVENT_WAIT} has passed; returns a copy of what it holds then.
   */
  private static List<ServiceEvent> awaitEvents(List<ServiceEvent> events, int count) {
    long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
    synchronized (events) {
      while (events.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(events, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return List.copyOf(events);
    }
  }

  /**
   * Subscribes {@code events} to every change, or returns false if the backend refuses (the os
   * stub). The host delivers on the calling thread before the call returns, so after each operation
   * the list is complete; other backends fill it from a delivery thread.
   */
  private static boolean watchAll(ServiceManager registry, List<ServiceEvent> events) {
    try {
      registry.watchAll(
          event -> {
            synchronized (events) {
              events.add(event);
              events.notifyAll();
            }
          });
      return true;
    } catch (SamgrError.Unsupported refused) {
      return false;
    } catch (SamgrError e) {
      throw new AssertionError("watchAll failed on a new registry", e);
    }
  }

  static @Nullable Mismatch run(List<Op> ops) {
    return run(ops, Target.of("host"));
  }

  /**
   * Runs {@code sequences} random sequences (from the seed in {@code samgr.model.seed}, or a random
   * one) on {@code target} and fails with the seed and the shrunk sequence at the first that
   * disagrees with the model.
   */
  static void assertRandomSequencesMatch(Target target, int sequences) {
    Long given = Long.getLong("samgr.model.seed");
    long seed = given != null ? given : new SplittableRandom().nextLong();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int n = 0; n < sequences; n++) {
      List<Op> ops = Vocabulary.sequence(Choices.random(new SplittableRandom(seeds.nextLong())));
      if (run(ops, target) != null) {
        List<Op> minimal = shrink(ops, candidate -> run(candidate, target) != null);
        throw new AssertionError(
            "the "
                + target.environment()
                + " registry disagrees with the model in sequence "
                + n
                + " (rerun with -Dsamgr.model.seed="
                + seed
                + "); minimal sequence of "
                + minimal.size()
                + " of "
                + ops.size()
                + " operations:"
                + report(minimal, target));
      }
    }
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
          candidate.addAll(
              current.subList(Math.min(current.size(), start + chunk), current.size()));
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
    return report(ops, Target.of(environment));
  }

  /** A failure report on {@code target}. */
  static String report(List<Op> ops, Target target) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < ops.size(); i++) {
      out.append("\n  #").append(i).append(' ').append(Op.describe(ops.get(i)));
    }
    out.append("\n  => ").append(run(ops, target));
    return out.toString();
  }
}

package org.opennexus.samgr.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.opennexus.samgr.SamgrError;

/**
 * The counters a {@link MonitoredServiceManager} keeps: {@code samgr.operations} by operation and
 * outcome, {@code samgr.events.delivered} and {@code samgr.listener.failures}. Each is a {@link
 * LongAdder} read by a {@link FunctionCounter}, so counting is one uncontended add and never
 * allocates. Expected outcomes are registered up front; an unexpected one on its first count.
 */
final class OperationMeters {

  private final MeterRegistry registry;
  private final Tags tags;
  private final Map<Operation, Map<Outcome, LongAdder>> counts = new EnumMap<>(Operation.class);
  private final Map<Operation, Set<Outcome>> bound = new EnumMap<>(Operation.class); // this
  private final List<Meter> meters = new ArrayList<>(); // guarded by this

  /** Events handed to listeners that came through the monitored registry. */
  final LongAdder eventsDelivered = new LongAdder();

  /** Throwables those listeners threw. */
  final LongAdder listenerFailures = new LongAdder();

  OperationMeters(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
    for (Operation operation : Operation.values()) {
      Map<Outcome, LongAdder> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome, new LongAdder());
      }
      counts.put(operation, byOutcome);
      bound.put(operation, EnumSet.noneOf(Outcome.class));
      for (Outcome outcome : operation.expected) {
        bind(operation, outcome);
      }
    }
    add(
        FunctionCounter.builder(SamgrMetrics.EVENTS_DELIVERED, eventsDelivered, LongAdder::sum)
            .description("Events handed to listeners of the registry")
            .tags(tags)
            .register(registry));
    add(
        FunctionCounter.builder(SamgrMetrics.LISTENER_FAILURES, listenerFailures, LongAdder::sum)
            .description("Throwables thrown by listeners of the registry")
            .tags(tags)
            .register(registry));
  }

  /** The counter of one operation's successes, for the hot paths to keep in a field. */
  LongAdder ok(Operation operation) {
    return adder(operation, Outcome.OK);
  }

  /** The counter of one outcome, registered now if it was not expected. */
  LongAdder counter(Operation operation, Outcome outcome) {
    if (!operation.expected.contains(outcome)) {
      bindOnce(operation, outcome);
    }
    return adder(operation, outcome);
  }

  private LongAdder adder(Operation operation, Outcome outcome) {
    return Objects.requireNonNull(Objects.requireNonNull(counts.get(operation)).get(outcome));
  }

  /** Counts {@code error} as the outcome of {@code operation}. */
  void failed(Operation operation, SamgrError error) {
    count(operation, Outcome.of(error));
  }

  /** Counts one outcome of {@code operation}. */
  void count(Operation operation, Outcome outcome) {
    counter(operation, outcome).increment();
  }

  private synchronized void bindOnce(Operation operation, Outcome outcome) {
    if (!Objects.requireNonNull(bound.get(operation)).contains(outcome)) {
      bind(operation, outcome);
    }
  }

  private synchronized void bind(Operation operation, Outcome outcome) {
    Objects.requireNonNull(bound.get(operation)).add(outcome);
    add(
        FunctionCounter.builder(SamgrMetrics.OPERATIONS, adder(operation, outcome), LongAdder::sum)
            .description("Registry operations by operation and outcome")
            .tags(tags)
            .tag("operation", operation.tag)
            .tag("outcome", outcome.tag)
            .register(registry));
  }

  /** Adds a meter to those {@link #removeAll()} removes. */
  synchronized void add(Meter meter) {
    meters.add(meter);
  }

  /** Removes every meter this monitor registered from the registry. */
  synchronized void removeAll() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
  }
}

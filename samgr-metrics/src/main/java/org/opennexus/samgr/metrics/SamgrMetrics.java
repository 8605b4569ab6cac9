package org.opennexus.samgr.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.RegistryStats;

/**
 * Micrometer metrics for any samgr {@link ServiceManager}, the way Micrometer's {@code
 * CaffeineCacheMetrics} binds a cache: nothing is counted unless you ask for it here.
 *
 * <p>{@link #monitor(MeterRegistry, ServiceManager, String...)} returns the registry wrapped in a
 * monitor that counts every call made through it, and registers these meters, each with the tags
 * given (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@value #OPERATIONS} ({@code samgr_operations_total}), a counter by {@code operation}
 *       ({@code register}, {@code resolve}, {@code find}, {@code heartbeat}, {@code restart},
 *       {@code unregister}, {@code services}, {@code liveness}, {@code sweep-expired}, {@code
 *       watch}, {@code watch-all}, {@code await}) and {@code outcome} ({@code ok}, {@code
 *       duplicate}, {@code not-found}, {@code stale-handle}, {@code denied}, {@code unavailable},
 *       {@code unsupported}). A {@code find} that finds nothing counts as {@code not-found}, an
 *       {@code await} that times out likewise. Bad input, a closed registry and an interrupted
 *       {@code await} are programming or shutdown events, not registry outcomes: not counted.
 *   <li>{@value #EVENTS_DELIVERED} ({@code samgr_events_delivered_total}): events handed to
 *       listeners passed to {@code watch} and {@code watchAll} of the monitor.
 *   <li>{@value #LISTENER_FAILURES} ({@code samgr_listener_failures_total}): throwables those
 *       listeners threw (they still reach the registry's failure hook).
 *   <li>the gauges of {@link #bindTo(MeterRegistry)}.
 * </ul>
 *
 * <p>{@link #bindTo(MeterRegistry)} (this class is a {@link MeterBinder}) registers only what the
 * registry itself can tell, read at each scrape through {@link RegistryStats}:
 *
 * <ul>
 *   <li>{@value #SERVICES} ({@code samgr_services}): registered services. A backend without {@link
 *       RegistryStats} is asked for {@link ServiceManager#services()} at each scrape.
 *   <li>{@value #DELIVERY_BACKLOG} ({@code samgr_delivery_backlog}): events queued for listeners,
 *       if the backend offers {@link RegistryStats}.
 *   <li>for a shared backend ({@link RegistryStats#shared()}): {@value #CONNECTED} ({@code
 *       samgr_connected}, 1 or 0), {@value #RECONNECTS} ({@code samgr_reconnects_total}) and
 *       {@value #VIEW_STALENESS} ({@code samgr_view_staleness_seconds}: seconds since the client
 *       last heard from its engine).
 * </ul>
 *
 * <p>Costs: the registry passed in is not changed, so code that uses it directly counts nothing and
 * allocates nothing for metrics. Through the monitor, each call adds one uncontended {@link
 * java.util.concurrent.atomic.LongAdder} increment and allocates nothing more than the registry
 * does; a watch's listener is wrapped once, when the watch starts. Meters hold the registry and its
 * view weakly, as Micrometer's binders do. Closing the monitor closes the registry and removes the
 * monitor's meters from the {@code MeterRegistry}.
 *
 * <p>Thread safety: the monitor is as thread-safe as the registry it wraps, and meters may be read
 * at any time from any thread.
 */
public final class SamgrMetrics implements MeterBinder {

  /** Counter of operations, tagged {@code operation} and {@code outcome}: {@value}. */
  public static final String OPERATIONS = "samgr.operations";

  /** Gauge of registered services: {@value}. */
  public static final String SERVICES = "samgr.services";

  /** Counter of events handed to listeners: {@value}. */
  public static final String EVENTS_DELIVERED = "samgr.events.delivered";

  /** Counter of throwables thrown by listeners: {@value}. */
  public static final String LISTENER_FAILURES = "samgr.listener.failures";

  /** Gauge of events queued for listeners: {@value}. */
  public static final String DELIVERY_BACKLOG = "samgr.delivery.backlog";

  /** Gauge of a shared backend's connection, 1 connected or 0: {@value}. */
  public static final String CONNECTED = "samgr.connected";

  /** Counter of a shared backend's reconnections: {@value}. */
  public static final String RECONNECTS = "samgr.reconnects";

  /** Time gauge of how long ago a shared backend's client heard from its engine: {@value}. */
  public static final String VIEW_STALENESS = "samgr.view.staleness";

  private final ServiceManager manager;
  private final Tags tags;

  /**
   * Creates a binder of {@code manager}'s gauges; {@link #bindTo(MeterRegistry)} registers them.
   * Operations are counted only through {@link #monitor(MeterRegistry, ServiceManager, Iterable)}.
   *
   * @param manager the registry to report on
   * @param tags the tags every meter carries
   * @throws NullPointerException if an argument is {@code null}
   */
  public SamgrMetrics(ServiceManager manager, Iterable<Tag> tags) {
    this.manager = Objects.requireNonNull(manager, "manager");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  /**
   * Registers {@code manager}'s meters in {@code registry} and returns {@code manager} wrapped in a
   * monitor that counts the calls made through it. Use the returned registry instead of {@code
   * manager}; closing it closes {@code manager} and removes the meters.
   *
   * @param registry where the meters go
   * @param manager the registry to monitor
   * @param tags the tags every meter carries, as key-value pairs
   * @return the monitored registry
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   */
  public static ServiceManager monitor(
      MeterRegistry registry, ServiceManager manager, String... tags) {
    return monitor(registry, manager, Tags.of(Objects.requireNonNull(tags, "tags")));
  }

  /**
   * Registers {@code manager}'s meters in {@code registry} and returns {@code manager} wrapped in a
   * monitor that counts the calls made through it.
   *
   * @param registry where the meters go
   * @param manager the registry to monitor
   * @param tags the tags every meter carries
   * @return the monitored registry
   * @throws NullPointerException if an argument is {@code null}
   */
  public static ServiceManager monitor(
      MeterRegistry registry, ServiceManager manager, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    SamgrMetrics binder = new SamgrMetrics(manager, tags);
    OperationMeters meters = new OperationMeters(registry, binder.tags);
    for (Meter meter : binder.register(registry)) {
      meters.add(meter);
    }
    return new MonitoredServiceManager(manager, meters);
  }

  /**
   * Registers the gauges described in the class documentation. Binding twice to one registry
   * registers nothing new.
   *
   * @param registry where the meters go
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    register(Objects.requireNonNull(registry, "registry"));
  }

  private List<Meter> register(MeterRegistry registry) {
    List<Meter> meters = new ArrayList<>();
    Optional<RegistryStats> view = RegistryStats.of(manager);
    if (view.isEmpty()) {
      meters.add(
          Gauge.builder(SERVICES, manager, SamgrMetrics::listedServices)
              .description("Registered services")
              .tags(tags)
              .register(registry));
      return meters;
    }
    RegistryStats stats = view.get();
    meters.add(
        Gauge.builder(SERVICES, stats, RegistryStats::serviceCount)
            .description("Registered services")
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder(DELIVERY_BACKLOG, stats, RegistryStats::deliveryBacklog)
            .description("Events queued for listeners and not yet delivered")
            .tags(tags)
            .register(registry));
    if (stats.shared()) {
      meters.add(
          Gauge.builder(CONNECTED, stats, s -> s.connected() ? 1 : 0)
              .description("Whether the client is connected to its engine (1) or not (0)")
              .tags(tags)
              .register(registry));
      meters.add(
          FunctionCounter.builder(RECONNECTS, stats, RegistryStats::reconnects)
              .description("Times the client connected again after losing its engine")
              .tags(tags)
              .register(registry));
      meters.add(
          TimeGauge.builder(
                  VIEW_STALENESS, stats, TimeUnit.MILLISECONDS, s -> s.staleness().toMillis())
              .description("Time since the client last heard from its engine")
              .tags(tags)
              .register(registry));
    }
    return meters;
  }

  /** The number of services by listing them; NaN when the registry cannot say. */
  private static double listedServices(ServiceManager manager) {
    try {
      return manager.services().size();
    } catch (SamgrError | IllegalStateException e) {
      return Double.NaN;
    }
  }

  @Override
  public String toString() {
    return "samgr metrics of " + manager;
  }
}

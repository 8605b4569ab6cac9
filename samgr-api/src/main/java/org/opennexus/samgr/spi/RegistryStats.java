package org.opennexus.samgr.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.opennexus.samgr.ServiceManager;

/**
 * A read-only view of what a registry can tell about itself cheaply, for metrics and dashboards:
 * how many services it holds, how many events wait for listeners and, for a shared backend, its
 * connection to the engine. Obtain it with {@link #of(ServiceManager)}; a backend offers it by
 * making its {@code ServiceManager} implement {@link Source}. It is optional: a registry without it
 * is still a complete registry (the {@code os} backend has none).
 *
 * <p>Reading it never changes the registry, never sends an event and never waits for the engine of
 * a shared backend: every method answers from state the client already holds, so it may be called
 * from a metrics scrape at any rate and from any thread. Values may be stale by the time they are
 * read. Keeping them costs the registry nothing on its hot paths: nothing is counted for the view
 * that the registry does not keep anyway.
 *
 * <p>After the registry is closed the view answers zero, not connected, and the staleness it had.
 */
public interface RegistryStats {

  /**
   * Returns the statistics view of {@code manager}, or empty if it offers none.
   *
   * @param manager a registry
   * @return its view, or empty
   * @throws NullPointerException if {@code manager} is {@code null}
   */
  static Optional<RegistryStats> of(ServiceManager manager) {
    Objects.requireNonNull(manager, "manager");
    return manager instanceof Source source ? source.stats() : Optional.empty();
  }

  /**
   * Returns how many services are registered, as this client sees them, without listing them.
   *
   * @return the number of registered services, zero or more
   */
  int serviceCount();

  /**
   * Returns how many events are queued for this registry's listeners and not yet taken for
   * delivery, summed over its open subscriptions.
   *
   * @return the backlog, zero or more
   */
  long deliveryBacklog();

  /**
   * Tells whether the registry is a client of an engine shared with other processes (such as
   * ZooKeeper), for which {@link #connected()}, {@link #reconnects()} and {@link #staleness()} mean
   * something. In-process backends answer {@code false}.
   *
   * @return whether the registry is shared
   */
  default boolean shared() {
    return false;
  }

  /**
   * Tells whether the client is connected to its engine now. In-process backends answer {@code
   * true} while open.
   *
   * @return whether it is connected
   */
  default boolean connected() {
    return true;
  }

  /**
   * Returns how many times the client has connected again after losing its engine since it was
   * opened. In-process backends answer zero.
   *
   * @return the number of reconnections, zero or more
   */
  default long reconnects() {
    return 0;
  }

  /**
   * Returns how long ago the client last heard from its engine: about zero while connected, and
   * growing while it is not, so that a view of the registry that may be out of date says so.
   * In-process backends answer zero.
   *
   * @return the time since the client last heard from its engine, zero or more
   */
  default Duration staleness() {
    return Duration.ZERO;
  }

  /**
   * Implemented by a {@link ServiceManager} that offers a {@link RegistryStats} view, and by
   * decorators that pass their delegate's on.
   */
  interface Source {

    /**
     * Returns the registry's statistics view, or empty if it has none. The same view is returned
     * each time, and it lives as long as the registry.
     *
     * @return the view, or empty
     */
    Optional<RegistryStats> stats();
  }
}

package org.opennexus.samgr.tck;

import java.time.Duration;
import java.time.Instant;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;

/**
 * What every contract needs: the environment name of the backend under test, and a way to open
 * fresh registries of it through {@link Samgr}, as users do.
 */
public interface Contract {

  /** The instant every {@link #clock()} starts at. */
  Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  /** The liveness timeout that {@link #open(ManualClock)} uses. */
  Duration LIVENESS_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The environment name of the backend under test, such as {@code "host"}.
   *
   * @return the environment name
   */
  String environment();

  /**
   * Returns a builder for a registry of the backend under test: {@link Samgr#builder()} with the
   * {@link #environment()} selected. Every contract opens its registries through it, adding the
   * clock, executor, failure hook or settings a test needs, so a backend that needs settings of its
   * own (a connect string, say) overrides this method to add them.
   *
   * @return a new builder
   */
  default Samgr.Builder builder() {
    return Samgr.builder().environment(environment());
  }

  /**
   * Opens a new registry of the backend under test with the default settings.
   *
   * @return a new registry; the caller closes it
   */
  default ServiceManager open() {
    return builder().open();
  }

  /**
   * Opens a new registry of the backend under test on a manual clock, with a liveness timeout of
   * {@link #LIVENESS_TIMEOUT}.
   *
   * @param clock the clock the registry measures liveness by
   * @return a new registry; the caller closes it
   */
  default ServiceManager open(ManualClock clock) {
    return builder().clock(clock).livenessTimeout(LIVENESS_TIMEOUT).open();
  }

  /**
   * Returns a new manual clock at {@link #EPOCH}.
   *
   * @return a new clock
   */
  default ManualClock clock() {
    return ManualClock.at(EPOCH);
  }
}

package org.opennexus.samgr.spi;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The settings a backend is opened with, as given to {@link org.opennexus.samgr.Samgr.Builder}.
 *
 * @param clock the clock that liveness is measured by
 * @param livenessTimeout how long after its last heartbeat a service stays alive; positive
 */
public record SamgrConfig(InstantSource clock, Duration livenessTimeout) {

  /** The liveness timeout used when none is set: 30 seconds. */
  public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Creates a configuration.
   *
   * @param clock the clock
   * @param livenessTimeout the liveness timeout
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code livenessTimeout} is zero or negative
   */
  public SamgrConfig {
    Arguments.requireNonNull(clock, "clock");
    Arguments.requireNonNull(livenessTimeout, "livenessTimeout");
    if (livenessTimeout.isNegative() || livenessTimeout.isZero()) {
      throw new IllegalArgumentException(
          "livenessTimeout must be positive, but is " + livenessTimeout);
    }
  }

  /**
   * Returns the default configuration: the system clock ({@link InstantSource#system()}) and a
   * liveness timeout of {@link #DEFAULT_LIVENESS_TIMEOUT}.
   *
   * @return the default configuration
   */
  public static SamgrConfig defaults() {
    return new SamgrConfig(InstantSource.system(), DEFAULT_LIVENESS_TIMEOUT);
  }

  /**
   * Returns the liveness timeout in whole milliseconds, rounded up, and saturated at {@link
   * Long#MAX_VALUE} for timeouts too long to count in milliseconds.
   *
   * @return the liveness timeout in milliseconds, at least 1
   */
  public long livenessTimeoutMillis() {
    try {
      long millis = livenessTimeout.toMillis();
      return livenessTimeout.equals(Duration.ofMillis(millis)) ? millis : Math.addExact(millis, 1);
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}

package org.opennexus.samgr.spi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * The clock a backend measures liveness by: the registry's {@link InstantSource}, read in epoch
 * milliseconds, with every reading checked against the range liveness is exact in.
 *
 * <p>A backend keeps each service's last heartbeat as a reading of this clock and decides "alive"
 * as {@code now - lastBeat <= timeout}, in milliseconds. Within {@link #MIN_MILLIS} to {@link
 * #MAX_MILLIS} (about 146 million years either side of 1970) every such difference fits a {@code
 * long}, so the rule holds exactly for every pair of readings and every timeout, up to the longest
 * {@link java.time.Duration} (a timeout longer than {@link Long#MAX_VALUE} milliseconds counts as
 * {@code Long.MAX_VALUE}, which no difference exceeds). A reading outside that range, {@link
 * Instant#MAX} and {@link Instant#MIN} included, is refused: {@link #millis()} throws {@link
 * DateTimeException}, so the operation that read the clock fails with it and changes nothing.
 *
 * <pre>{@code
 * this.clock = LivenessClock.of(config.clock());
 * ...
 * long now = clock.millis();              // DateTimeException outside the range
 * boolean alive = now - lastBeat <= timeoutMillis; // exact
 * }</pre>
 *
 * <p>Thread-safe if the clock it reads is. Reading {@link #millis()} allocates nothing beyond what
 * the underlying clock allocates.
 */
public final class LivenessClock implements InstantSource {

  /** The earliest reading accepted, in epoch milliseconds: -2<sup>62</sup>. */
  public static final long MIN_MILLIS = -(1L << 62);

  /** The latest reading accepted, in epoch milliseconds: 2<sup>62</sup> - 1. */
  public static final long MAX_MILLIS = (1L << 62) - 1;

  private final InstantSource clock;

  private LivenessClock(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * Returns a clock that reads {@code clock} and checks every reading.
   *
   * @param clock the registry's clock
   * @return the checking clock ({@code clock} itself if it is one already)
   * @throws NullPointerException if {@code clock} is {@code null}
   */
  public static LivenessClock of(InstantSource clock) {
    Arguments.requireNonNull(clock, "clock");
    return clock instanceof LivenessClock checked ? checked : new LivenessClock(clock);
  }

  /**
   * Reads the clock in epoch milliseconds.
   *
   * @return the reading, from {@link #MIN_MILLIS} to {@link #MAX_MILLIS}
   * @throws DateTimeException if the clock reads outside that range (its message gives the reading
   *     and the range)
   */
  @Override
  public long millis() {
    long millis;
    try {
      millis = clock.millis();
    } catch (ArithmeticException tooFar) {
      throw outOfRange("an instant beyond the epoch-millisecond range of a long", tooFar);
    }
    if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
      throw outOfRange(millis + " ms after the epoch", null);
    }
    return millis;
  }

  /**
   * Reads the clock, as {@link #millis()} does.
   *
   * @return the reading, to the millisecond
   * @throws DateTimeException if the clock reads outside the range
   */
  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  private DateTimeException outOfRange(String reading, @Nullable Throwable cause) {
    return new DateTimeException(
        "samgr's clock "
            + clock
            + " reads "
            + reading
            + ", outside the range liveness is measured in: "
            + MIN_MILLIS
            + " to "
            + MAX_MILLIS
            + " ms after the epoch ("
            + Instant.ofEpochMilli(MIN_MILLIS)
            + " to "
            + Instant.ofEpochMilli(MAX_MILLIS)
            + ")",
        cause);
  }

  @Override
  public String toString() {
    return "LivenessClock[" + clock + "]";
  }
}

package org.opennexus.samgr;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.opennexus.samgr.spi.Arguments;

/**
 * A clock that moves only when told to: pass it to {@link Samgr.Builder#clock} and {@link #advance}
 * it to drive liveness and {@link ServiceEvent.Expired} deterministically, with no sleeps.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * try (ServiceManager samgr =
 *     Samgr.builder().clock(clock).livenessTimeout(Duration.ofSeconds(5)).open()) {
 *   ServiceHandle h = samgr.register("net", Endpoint.of("tcp://127.0.0.1:7000"));
 *   clock.advance(Duration.ofSeconds(6));
 *   samgr.sweepExpired(); // [h]: watchers receive Expired(h)
 * }
 * }</pre>
 *
 * <p>Thread-safe: reads and moves are atomic. Reading {@link #millis()} allocates nothing.
 */
public final class ManualClock implements InstantSource {

  /** Written under this object's monitor, read without it. */
  private volatile Instant now;

  private ManualClock(Instant start) {
    this.now = start;
  }

  /**
   * Returns a clock that reads {@code start} until moved.
   *
   * @param start the initial instant
   * @return the clock
   * @throws NullPointerException if {@code start} is {@code null}
   */
  public static ManualClock at(Instant start) {
    return new ManualClock(Arguments.requireNonNull(start, "start"));
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far; zero or more
   * @return the new instant
   * @throws NullPointerException if {@code amount} is {@code null}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws java.time.DateTimeException if the result is beyond {@link Instant#MAX}
   */
  public synchronized Instant advance(Duration amount) {
    Arguments.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount must not be negative, but is " + amount);
    }
    Instant next = now.plus(amount);
    now = next;
    return next;
  }

  /**
   * Sets the clock to {@code instant}, which may be earlier than now (to test a clock that steps
   * back).
   *
   * @param instant the new instant
   * @throws NullPointerException if {@code instant} is {@code null}
   */
  public synchronized void set(Instant instant) {
    now = Arguments.requireNonNull(instant, "instant");
  }

  /**
   * Returns the clock's current instant.
   *
   * @return the current instant
   */
  @Override
  public Instant instant() {
    return now;
  }

  /**
   * Returns the clock's current instant in epoch milliseconds, without allocating.
   *
   * @return the current epoch milliseconds
   */
  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  @Override
  public String toString() {
    return "ManualClock[" + now + "]";
  }
}

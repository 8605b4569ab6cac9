package org.opennexus.samgr;

import java.io.Serializable;

/**
 * The incarnation number of a registered service: a fencing token.
 *
 * <p>Every {@code register} and every {@code restart} takes a new value from one registry-wide,
 * strictly increasing counter, so a service's generation grows with each restart and also across an
 * unregister and a later re-register of the same name. A handle that carries an older generation
 * than the current one is stale and is rejected with {@link SamgrError.StaleHandle}. Values are
 * positive; the host backend starts at 1.
 *
 * <p>Generations order by {@link #value()}.
 *
 * @param value the generation number, at least 1
 */
public record Generation(long value) implements Comparable<Generation>, Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Creates a generation.
   *
   * @param value the generation number
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  public Generation {
    if (value < 1) {
      throw new IllegalArgumentException("generation must be at least 1, but is " + value);
    }
  }

  /**
   * Tells whether this generation is strictly later than {@code other}.
   *
   * @param other the generation to compare with
   * @return {@code true} if {@code value() > other.value()}
   * @throws NullPointerException if {@code other} is {@code null}
   */
  public boolean isAfter(Generation other) {
    return value > other.value;
  }

  /**
   * Compares by {@link #value()}.
   *
   * @param other the generation to compare with
   * @return a negative number, zero or a positive number as this generation is earlier than, equal
   *     to or later than {@code other}
   * @throws NullPointerException if {@code other} is {@code null}
   */
  @Override
  public int compareTo(Generation other) {
    return Long.compare(value, other.value);
  }
}

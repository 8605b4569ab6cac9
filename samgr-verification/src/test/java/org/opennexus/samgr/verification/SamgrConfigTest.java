package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.spi.SamgrConfig;

/** The settings record a backend is opened with: its checks, defaults and millisecond rounding. */
class SamgrConfigTest {

  private static final ManualClock CLOCK = ManualClock.at(Scenario.EPOCH);

  private static long millis(Duration timeout) {
    return new SamgrConfig(CLOCK, timeout).livenessTimeoutMillis();
  }

  @Test
  void wholeMillisecondsAreKeptExactly() {
    assertEquals(1, millis(Duration.ofMillis(1)));
    assertEquals(30_000, millis(Duration.ofSeconds(30)));
    assertEquals(Long.MAX_VALUE, millis(Duration.ofMillis(Long.MAX_VALUE)));
  }

  @Test
  void partialMillisecondsRoundUp() {
    assertEquals(1, millis(Duration.ofNanos(1)));
    assertEquals(1, millis(Duration.ofNanos(999_999)));
    assertEquals(2, millis(Duration.ofMillis(1).plusNanos(1)));
    assertEquals(1_501, millis(Duration.ofMillis(1_500).plusNanos(500_000)));
  }

  @Test
  void timeoutsTooLongForMillisecondsSaturate() {
    assertEquals(Long.MAX_VALUE, millis(Duration.ofMillis(Long.MAX_VALUE).plusNanos(1)));
    assertEquals(Long.MAX_VALUE, millis(Duration.ofSeconds(Long.MAX_VALUE)));
    assertEquals(Long.MAX_VALUE, millis(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
  }

  @Test
  void defaultsAreTheSystemClockAndThirtySeconds() {
    assertEquals(Duration.ofSeconds(30), SamgrConfig.DEFAULT_LIVENESS_TIMEOUT);
    SamgrConfig defaults = SamgrConfig.defaults();
    assertEquals(InstantSource.system(), defaults.clock());
    assertEquals(Duration.ofSeconds(30), defaults.livenessTimeout());
    assertEquals(30_000, defaults.livenessTimeoutMillis());
  }

  @Test
  void constructorKeepsItsArguments() {
    SamgrConfig config = new SamgrConfig(CLOCK, Duration.ofNanos(1));
    assertSame(CLOCK, config.clock());
    assertEquals(Duration.ofNanos(1), config.livenessTimeout());
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void constructorRejectsNullNamingTheParameter() {
    assertEquals(
        "clock must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrConfig(null, Duration.ofSeconds(1)))
            .getMessage());
    assertEquals(
        "livenessTimeout must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrConfig(CLOCK, null)).getMessage());
  }

  @Test
  void constructorRejectsZeroAndNegativeTimeouts() {
    assertEquals(
        "livenessTimeout must be positive, but is PT0S",
        assertThrows(IllegalArgumentException.class, () -> new SamgrConfig(CLOCK, Duration.ZERO))
            .getMessage());
    assertEquals(
        "livenessTimeout must be positive, but is PT-0.000000001S",
        assertThrows(
                IllegalArgumentException.class, () -> new SamgrConfig(CLOCK, Duration.ofNanos(-1)))
            .getMessage());
  }
}

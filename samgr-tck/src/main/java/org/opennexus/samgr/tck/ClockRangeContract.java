package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;
import org.opennexus.samgr.spi.LivenessClock;

/**
 * Liveness at the ends of what the API accepts: the rule "alive if and only if {@code now -
 * lastHeartbeat <= timeout}" holds exactly for clock readings from {@link LivenessClock#MIN_MILLIS}
 * to {@link LivenessClock#MAX_MILLIS} and for timeouts up to the longest {@link Duration}; a
 * reading outside that range makes the operation that reads the clock throw {@link
 * DateTimeException} and change nothing.
 */
public interface ClockRangeContract extends Contract {

  /** The earliest reading the registry accepts. */
  Instant EARLIEST = Instant.ofEpochMilli(LivenessClock.MIN_MILLIS);

  /** The latest reading the registry accepts. */
  Instant LATEST = Instant.ofEpochMilli(LivenessClock.MAX_MILLIS);

  /**
   * Opens a registry of the backend under test on {@code clock} with the given timeout.
   *
   * @param clock the clock
   * @param timeout the liveness timeout
   * @return a new registry; the caller closes it
   */
  private ServiceManager open(ManualClock clock, Duration timeout) {
    return builder().clock(clock).livenessTimeout(timeout).open();
  }

  /**
   * A heartbeat at the earliest reading, read at the latest, is {@code Long.MAX_VALUE} milliseconds
   * old: alive under a timeout of exactly that, not alive under one millisecond less. No difference
   * of accepted readings overflows.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void livenessIsExactAcrossTheWholeRange() throws Exception {
    for (long timeout : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1}) {
      ManualClock clock = ManualClock.at(EARLIEST);
      try (ServiceManager manager = open(clock, Duration.ofMillis(timeout))) {
        ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
        clock.set(LATEST);
        boolean alive = timeout == Long.MAX_VALUE;
        assertEquals(alive ? List.of() : List.of(handle), manager.sweepExpired(), "" + timeout);
        assertEquals(new Liveness(handle, EARLIEST, alive), manager.liveness("svc"), "" + timeout);
      }
    }
  }

  /**
   * A heartbeat at the latest reading, read at the earliest (a clock stepped back as far as it
   * goes), is younger than any timeout: alive.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void aClockSteppedBackToTheEarliestReadingKeepsTheServiceAlive() throws Exception {
    ManualClock clock = ManualClock.at(LATEST);
    try (ServiceManager manager = open(clock, Duration.ofMillis(1))) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.set(EARLIEST);
      assertEquals(new Liveness(handle, LATEST, true), manager.liveness("svc"));
      assertEquals(List.of(), manager.sweepExpired());
    }
  }

  /**
   * A timeout longer than any difference of readings ({@code Duration.ofSeconds(Long.MAX_VALUE)})
   * keeps every service alive, whatever the clock reads.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void theLongestTimeoutKeepsEveryServiceAlive() throws Exception {
    ManualClock clock = ManualClock.at(EARLIEST);
    Duration longest = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    try (ServiceManager manager = open(clock, longest)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.set(LATEST);
      assertEquals(new Liveness(handle, EARLIEST, true), manager.liveness("svc"));
      assertEquals(List.of(), manager.sweepExpired());
    }
  }

  /**
   * While the clock reads outside the range ({@link Instant#MAX}, {@link Instant#MIN}, one
   * millisecond past either end, the ends of a {@code long} of milliseconds), every operation that
   * reads it throws {@link DateTimeException} naming the range, and nothing changes: no event, the
   * same services, and the same liveness once the clock is back.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void readingsOutsideTheRangeAreRefusedWithDateTimeException() throws Exception {
    List<Instant> outside =
        List.of(
            Instant.MAX,
            Instant.MIN,
            LATEST.plusMillis(1),
            EARLIEST.minusMillis(1),
            Instant.ofEpochMilli(Long.MAX_VALUE),
            Instant.ofEpochMilli(Long.MIN_VALUE));
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watchAll(events)) {
        for (Instant reading : outside) {
          clock.set(reading);
          assertRefused(reading, () -> manager.register("other", Endpoint.of("b")));
          assertRefused(reading, () -> manager.restart("svc", Endpoint.of("b")));
          assertRefused(reading, () -> manager.restart(handle, Endpoint.of("b")));
          assertRefused(reading, () -> manager.heartbeat(handle));
          assertRefused(reading, () -> manager.liveness("svc"));
          assertRefused(reading, manager::sweepExpired);
          assertEquals(List.of(handle), manager.services(), reading.toString());
          clock.set(EPOCH);
          assertEquals(new Liveness(handle, EPOCH, true), manager.liveness("svc"));
        }
        manager.unregister(handle); // fence
        assertEvents(events, new Registered(handle), new Unregistered(handle));
      }
    }
  }

  private static void assertRefused(Instant reading, Executable call) {
    DateTimeException e = assertThrows(DateTimeException.class, call, reading.toString());
    assertMessageContains(
        e, Long.toString(LivenessClock.MIN_MILLIS), Long.toString(LivenessClock.MAX_MILLIS));
  }
}

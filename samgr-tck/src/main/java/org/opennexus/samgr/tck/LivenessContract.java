package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.Nulls.nullString;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;
import static org.opennexus.samgr.tck.SamgrAssertions.assertWatchReceives;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code liveness} on a manual clock: a service is alive if and only if its last heartbeat (the
 * clock's reading at its register, restart or latest heartbeat) is at most the liveness timeout
 * old; a heartbeat or a restart revives it.
 */
public interface LivenessContract extends Contract {

  /**
   * A service is still alive when its last heartbeat is exactly the liveness timeout old.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void serviceIsAliveAtExactlyTheTimeout() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(LIVENESS_TIMEOUT);
      assertEquals(new Liveness(handle, EPOCH, true), manager.liveness("svc"));
      assertEquals(List.of(), manager.sweepExpired());
    }
  }

  /**
   * A service is not alive once its last heartbeat is one millisecond older than the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void serviceIsNotAliveOneMillisecondPastTheTimeout() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(LIVENESS_TIMEOUT.plusMillis(1));
      assertEquals(new Liveness(handle, EPOCH, false), manager.liveness("svc"));
    }
  }

  /**
   * {@code lastHeartbeat} is the clock's instant at register, to the millisecond.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void lastHeartbeatIsClockAtRegister() throws Exception {
    ManualClock clock = clock();
    clock.advance(Duration.ofMillis(1234));
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      clock.advance(Duration.ofMillis(5));
      assertEquals(new Liveness(handle, EPOCH.plusMillis(1234), true), manager.liveness("svc"));
    }
  }

  /**
   * {@code lastHeartbeat} is the clock's instant at the latest heartbeat.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void lastHeartbeatIsClockAtHeartbeat() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      Instant beat = clock.advance(Duration.ofMillis(20_007));
      manager.heartbeat(handle);
      clock.advance(Duration.ofMillis(3));
      assertEquals(new Liveness(handle, beat, true), manager.liveness("svc"));
    }
  }

  /**
   * {@code lastHeartbeat} is the clock's instant at restart, and the liveness is that of the new
   * handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void lastHeartbeatIsClockAtRestart() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      Instant restartedAt = clock.advance(Duration.ofMillis(10_001));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      clock.advance(Duration.ofMillis(2));
      assertEquals(new Liveness(second, restartedAt, true), manager.liveness("svc"));
    }
  }

  /**
   * A heartbeat makes a service that is not alive alive again, from the heartbeat's instant.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void heartbeatRevivesServiceThatIsNotAlive() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      Instant late = clock.advance(LIVENESS_TIMEOUT.plusSeconds(5));
      assertFalse(manager.liveness("svc").alive());
      manager.heartbeat(handle);
      assertEquals(new Liveness(handle, late, true), manager.liveness("svc"));
      clock.advance(LIVENESS_TIMEOUT);
      assertEquals(new Liveness(handle, late, true), manager.liveness("svc"));
    }
  }

  /**
   * A restart makes a service that is not alive alive again, under the new handle.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void restartRevivesServiceThatIsNotAlive() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      Instant late = clock.advance(LIVENESS_TIMEOUT.plusSeconds(5));
      assertFalse(manager.liveness("svc").alive());
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(new Liveness(second, late, true), manager.liveness("svc"));
      assertWatchReceives(manager, "svc", new Registered(second));
    }
  }

  /**
   * {@code liveness} of a name not registered throws {@code NotFound}; bad names are rejected.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void livenessOfNameNotRegisteredThrowsNotFound() throws Exception {
    try (ServiceManager manager = open()) {
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.liveness("svc"));
      assertEquals("svc", e.name());
      assertMessageContains(e, "svc");
      assertNpeNaming("name", () -> manager.liveness(nullString()));
      assertThrows(IllegalArgumentException.class, () -> manager.liveness(""));
    }
  }
}

package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.tck.Nulls.nullDuration;
import static org.opennexus.samgr.tck.Nulls.nullString;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code await} on one thread: the current handle at once, {@code NotFound} naming the timeout when
 * it passes, and the argument and interrupt rules. Its races are in {@link AwaitRaceContract}.
 */
public interface AwaitContract extends Contract {

  /**
   * {@code await} of a registered name returns its current handle at once.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitReturnsCurrentHandleAtOnceWhenRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals(
          second,
          assertTimeoutPreemptively(Races.WAIT, () -> manager.await("svc", Duration.ofDays(1))));
    }
  }

  /**
   * {@code await} with a zero timeout returns the handle of a registered name.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitWithZeroTimeoutReturnsHandleWhenRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertEquals(handle, manager.await("svc", Duration.ZERO));
    }
  }

  /**
   * {@code await} with a zero timeout checks once and throws {@code NotFound} naming the name and
   * the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitWithZeroTimeoutThrowsNotFoundWhenNotRegistered() throws Exception {
    try (ServiceManager manager = open()) {
      SamgrError.NotFound e =
          assertTimeoutPreemptively(
              Races.WAIT,
              () ->
                  assertThrows(
                      SamgrError.NotFound.class, () -> manager.await("svc", Duration.ZERO)));
      assertEquals("svc", e.name());
      assertMessageContains(e, "'svc'");
      assertMessageContains(e, Duration.ZERO.toString());
    }
  }

  /**
   * When the timeout passes, {@code await} throws {@code NotFound} whose name is the name and whose
   * message names the timeout, not before the timeout.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitThrowsNotFoundNamingTimeoutWhenItPasses() throws Exception {
    try (ServiceManager manager = open()) {
      manager.register("other", Endpoint.of("a"));
      Duration timeout = Duration.ofMillis(50);
      long start = System.nanoTime();
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.await("svc", timeout));
      long waited = System.nanoTime() - start;
      assertTrue(waited >= timeout.toNanos(), "returned after " + waited + " ns");
      assertEquals("svc", e.name());
      assertMessageContains(e, "'svc'");
      assertMessageContains(e, timeout.toString());
    }
  }

  /**
   * {@code await} rejects a negative timeout, {@code null}s and invalid names.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitRejectsBadArguments() throws Exception {
    try (ServiceManager manager = open()) {
      IllegalArgumentException negative =
          assertThrows(
              IllegalArgumentException.class, () -> manager.await("svc", Duration.ofMillis(-1)));
      assertMessageContains(negative, "timeout");
      assertNpeNaming("name", () -> manager.await(nullString(), Duration.ZERO));
      assertNpeNaming("timeout", () -> manager.await("svc", nullDuration()));
      assertThrows(IllegalArgumentException.class, () -> manager.await("", Duration.ZERO));
    }
  }

  /**
   * {@code await} on a thread that is already interrupted throws {@link InterruptedException} (and
   * clears the interrupt status, as such methods do).
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void awaitWhenInterruptedBeforehandThrowsInterruptedException() throws Exception {
    try (ServiceManager manager = open()) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(InterruptedException.class, () -> manager.await("svc", Races.WAIT));
        assertFalse(Thread.currentThread().isInterrupted(), "interrupt status left set");
      } finally {
        Thread.interrupted();
      }
    }
  }
}

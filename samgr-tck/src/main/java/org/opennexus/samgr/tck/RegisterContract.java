package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * {@code register}: the handle it returns, the registry-wide generation counter, and {@code
 * Duplicate} for a name that is taken.
 *
 * <p>Nothing here assumes a particular backend: generations are only required to be positive and
 * strictly increasing from one registry-wide counter, not to start at a given value.
 */
public interface RegisterContract extends Contract {

  /**
   * Registering a taken name throws {@code Duplicate} carrying and naming that name, and leaves the
   * first registration unchanged.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void registerOfTakenNameThrowsDuplicateAndKeepsFirstEndpoint() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle first = samgr.register("tck.duplicate", Endpoint.of("tcp://first:1"));
      SamgrError.Duplicate duplicate =
          assertThrows(
              SamgrError.Duplicate.class,
              () -> samgr.register("tck.duplicate", Endpoint.of("tcp://second:2")));
      assertEquals("tck.duplicate", duplicate.name());
      assertMessageContains(duplicate, "tck.duplicate");
      assertEquals(first, samgr.resolve("tck.duplicate"));
      assertEquals(Endpoint.of("tcp://first:1"), samgr.resolve("tck.duplicate").endpoint());
    }
  }

  /**
   * A restarted service is still registered: registering its name again throws {@code Duplicate},
   * and the restarted handle stays current.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void registerAfterRestartThrowsDuplicate() throws SamgrError {
    try (ServiceManager samgr = open()) {
      samgr.register("tck.restarted", Endpoint.of("tcp://a:1"));
      ServiceHandle restarted = samgr.restart("tck.restarted", Endpoint.of("tcp://b:2"));
      SamgrError.Duplicate duplicate =
          assertThrows(
              SamgrError.Duplicate.class,
              () -> samgr.register("tck.restarted", Endpoint.of("tcp://c:3")));
      assertEquals("tck.restarted", duplicate.name());
      assertEquals(restarted, samgr.resolve("tck.restarted"));
    }
  }

  /**
   * Handles are plain values: a copy built from the same fields is equal, has the same hash code,
   * and is accepted by {@code heartbeat} as the current handle.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void handlesArePlainValues() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle registered = samgr.register("tck.value", Endpoint.of("tcp://a:1"));
      ServiceHandle copy =
          new ServiceHandle(
              "tck.value",
              Endpoint.of("tcp://a:1"),
              new Generation(registered.generation().value()));
      assertEquals(registered, copy);
      assertEquals(registered.hashCode(), copy.hashCode());
      assertEquals(copy, samgr.resolve("tck.value"));
      samgr.heartbeat(copy);
      ServiceHandle restarted = samgr.restart("tck.value", Endpoint.of("tcp://a:1"));
      assertNotEquals(registered, restarted, "a restart with the same endpoint is a new value");
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(copy));
      assertEquals(copy, stale.handle());
    }
  }

  /**
   * Generations come from one registry-wide counter: register a, register b, restart a give three
   * positive, strictly increasing values.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void generationsIncreaseAcrossNamesFromOneCounter() throws SamgrError {
    try (ServiceManager samgr = open()) {
      Generation a1 = samgr.register("tck.a", Endpoint.of("tcp://a:1")).generation();
      Generation b1 = samgr.register("tck.b", Endpoint.of("tcp://b:1")).generation();
      Generation a2 = samgr.restart("tck.a", Endpoint.of("tcp://a:2")).generation();
      assertTrue(a1.value() >= 1, () -> "generations are positive, got " + a1);
      assertTrue(b1.isAfter(a1), () -> b1 + " should be after " + a1);
      assertTrue(a2.isAfter(b1), () -> a2 + " should be after " + b1);
      assertEquals(a2, samgr.resolve("tck.a").generation());
      assertEquals(b1, samgr.resolve("tck.b").generation());
    }
  }

  /**
   * Generations within one registry are all distinct, across register and restart of many names.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void generationsAreDistinctAcrossManyNames() throws SamgrError {
    try (ServiceManager samgr = open()) {
      Set<Generation> seen = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        Generation g =
            samgr.register("tck.many-" + i, Endpoint.of("tcp://a:" + (i + 1))).generation();
        assertTrue(seen.add(g), () -> "generation " + g + " issued twice");
        Generation r = samgr.restart("tck.many-" + (i / 2), Endpoint.of("tcp://b:1")).generation();
        assertTrue(seen.add(r), () -> "generation " + r + " issued twice");
      }
      assertEquals(40, seen.size());
    }
  }

  /**
   * A name registered again after {@code unregister} gets a new, higher generation.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void registerAgainAfterUnregisterGetsHigherGeneration() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      manager.unregister(first);
      ServiceHandle second = manager.register("svc", Endpoint.of("a"));
      assertTrue(second.generation().isAfter(first.generation()), first + " then " + second);
      assertNotEquals(first, second);
      assertEquals(second, manager.resolve("svc"));
    }
  }
}

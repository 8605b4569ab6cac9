package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.tck.Nulls.nullEndpoint;
import static org.opennexus.samgr.tck.Nulls.nullHandle;
import static org.opennexus.samgr.tck.SamgrAssertions.assertEvents;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContainsNumber;
import static org.opennexus.samgr.tck.SamgrAssertions.assertNpeNaming;
import static org.opennexus.samgr.tck.SamgrAssertions.assertStale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Liveness;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent.Registered;
import org.opennexus.samgr.ServiceEvent.Unregistered;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.Subscription;

/**
 * Both {@code restart} operations: by name ({@code restart(String, Endpoint)}) and fenced by a
 * handle ({@code restart(ServiceHandle, Endpoint)}); the new handle, the older one made stale, and
 * {@code StaleHandle} or {@code NotFound} with nothing changed.
 *
 * <p>{@link #randomRestartSequencesEndOnLastEndpointAndHighestGeneration()} draws its seed from the
 * system property {@value #SEED_PROPERTY} if set, else at random, and names it in every failure
 * message so a failing run can be replayed.
 */
public interface RestartContract extends Contract {

  /** The system property that fixes the seed of the random tests, to replay a failure. */
  String SEED_PROPERTY = "samgr.tck.seed";

  /**
   * {@code restart} returns a handle with the new endpoint and a higher generation, and that handle
   * is what {@code resolve} returns from then on.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void restartReturnsNewEndpointAndHigherGenerationAndIsResolvable() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle first = samgr.register("tck.restart", Endpoint.of("tcp://old:1"));
      ServiceHandle second = samgr.restart("tck.restart", Endpoint.of("tcp://new:2"));
      assertEquals("tck.restart", second.name());
      assertEquals(Endpoint.of("tcp://new:2"), second.endpoint());
      assertTrue(
          second.generation().isAfter(first.generation()),
          () -> second.generation() + " should be after " + first.generation());
      assertEquals(second, samgr.resolve("tck.restart"));
    }
  }

  /**
   * After a restart, a heartbeat with the old handle throws {@code StaleHandle} carrying that
   * handle and the current generation, with a message naming the service and both generations.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void restartMakesOldHandleStale() throws SamgrError {
    try (ServiceManager samgr = open()) {
      // Some restarts first, so the two generations in the message are not tiny numbers that
      // could appear by accident.
      samgr.register("tck.filler", Endpoint.of("tcp://filler:1"));
      for (int i = 0; i < 10; i++) {
        samgr.restart("tck.filler", Endpoint.of("tcp://filler:" + (i + 2)));
      }
      ServiceHandle old = samgr.register("tck.stale", Endpoint.of("tcp://old:1"));
      samgr.restart("tck.filler", Endpoint.of("tcp://filler:99"));
      ServiceHandle current = samgr.restart("tck.stale", Endpoint.of("tcp://new:2"));
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(old));
      assertEquals(old, stale.handle());
      assertEquals(current.generation(), stale.current());
      assertMessageContains(stale, "tck.stale");
      assertMessageContainsNumber(stale, old.generation().value());
      assertMessageContainsNumber(stale, current.generation().value());
      assertEquals(current, samgr.resolve("tck.stale"));
      assertDoesNotThrow(() -> samgr.heartbeat(current));
    }
  }

  /**
   * {@code restart} of a name never registered throws {@code NotFound} carrying and naming it, and
   * does not register it.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void restartOfUnknownNameThrowsNotFoundAndRegistersNothing() throws SamgrError {
    try (ServiceManager samgr = open()) {
      SamgrError.NotFound notFound =
          assertThrows(
              SamgrError.NotFound.class,
              () -> samgr.restart("tck.never", Endpoint.of("tcp://a:1")));
      assertEquals("tck.never", notFound.name());
      assertMessageContains(notFound, "tck.never");
      SamgrError.NotFound stillMissing =
          assertThrows(SamgrError.NotFound.class, () -> samgr.resolve("tck.never"));
      assertEquals("tck.never", stillMissing.name());
    }
  }

  /**
   * Random sequences of registers, restarts and heartbeats over a few names end with every name
   * resolving to its last endpoint under the highest generation it was given; every generation is
   * higher than all before it; every older handle is stale.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void randomRestartSequencesEndOnLastEndpointAndHighestGeneration() throws SamgrError {
    String fixed = System.getProperty(SEED_PROPERTY);
    long seed = fixed != null ? Long.parseLong(fixed) : new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 50; round++) {
      String where = "seed " + seed + " (-D" + SEED_PROPERTY + "=" + seed + "), round " + round;
      try (ServiceManager samgr = open()) {
        int names = 1 + random.nextInt(4);
        Map<String, ServiceHandle> latest = new HashMap<>();
        List<ServiceHandle> issued = new ArrayList<>();
        long highest = 0;
        int steps = 1 + random.nextInt(60);
        for (int step = 0; step < steps; step++) {
          String at = where + ", step " + step;
          String name = "tck.random-" + random.nextInt(names);
          Endpoint endpoint =
              Endpoint.of("tcp://10.0.0." + random.nextInt(256) + ":" + random.nextInt(1, 65536));
          ServiceHandle previous = latest.get(name);
          ServiceHandle handle;
          if (previous == null) {
            handle = samgr.register(name, endpoint);
          } else if (random.nextInt(4) == 0) {
            samgr.heartbeat(previous);
            continue;
          } else {
            handle = samgr.restart(name, endpoint);
          }
          assertEquals(name, handle.name(), at);
          assertEquals(endpoint, handle.endpoint(), at);
          assertTrue(
              handle.generation().value() > highest,
              at + ": generation " + handle.generation() + " should be above " + highest);
          highest = handle.generation().value();
          latest.put(name, handle);
          issued.add(handle);
        }
        for (Map.Entry<String, ServiceHandle> entry : latest.entrySet()) {
          assertEquals(entry.getValue(), samgr.resolve(entry.getKey()), where);
        }
        for (ServiceHandle old : issued) {
          ServiceHandle current = Objects.requireNonNull(latest.get(old.name()), where);
          if (old.equals(current)) {
            samgr.heartbeat(old);
            continue;
          }
          SamgrError.StaleHandle stale =
              assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(old), where);
          assertEquals(old, stale.handle(), where);
          assertEquals(current.generation(), stale.current(), where);
        }
      }
    }
  }

  /**
   * A fenced restart with the current handle returns a handle with a higher generation and the new
   * endpoint, which {@code resolve} then returns.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartWithCurrentHandleReturnsNewerHandle() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertEquals("svc", second.name());
      assertEquals(Endpoint.of("b"), second.endpoint());
      assertTrue(second.generation().isAfter(first.generation()), first + " then " + second);
      assertEquals(second, manager.resolve("svc"));
    }
  }

  /**
   * A fenced restart makes the handle it was given stale.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartMakesGivenHandleStale() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      assertStale(
          assertThrows(SamgrError.StaleHandle.class, () -> manager.heartbeat(first)),
          first,
          second);
    }
  }

  /**
   * A fenced restart with a stale handle throws {@code StaleHandle} and changes nothing: not the
   * handle, not the liveness, no event.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartWithStaleHandleThrowsStaleHandleAndChangesNothing() throws Exception {
    ManualClock clock = clock();
    try (ServiceManager manager = open(clock)) {
      ServiceHandle first = manager.register("svc", Endpoint.of("a"));
      clock.advance(Duration.ofSeconds(1));
      ServiceHandle second = manager.restart(first, Endpoint.of("b"));
      Instant restartedAt = clock.instant();
      clock.advance(Duration.ofSeconds(1));
      RecordingListener events = new RecordingListener();
      try (Subscription s = manager.watch("svc", events)) {
        SamgrError.StaleHandle e =
            assertThrows(
                SamgrError.StaleHandle.class, () -> manager.restart(first, Endpoint.of("c")));
        assertStale(e, first, second);
        assertEquals(second, manager.resolve("svc"));
        assertEquals(List.of(second), manager.services());
        assertEquals(new Liveness(second, restartedAt, true), manager.liveness("svc"));
        manager.unregister(second); // fence
        assertEvents(events, new Registered(second), new Unregistered(second));
      }
    }
  }

  /**
   * A fenced restart of a name that is no longer registered throws {@code NotFound}.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartOfUnregisteredNameThrowsNotFound() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      manager.unregister(handle);
      SamgrError.NotFound e =
          assertThrows(SamgrError.NotFound.class, () -> manager.restart(handle, Endpoint.of("b")));
      assertEquals("svc", e.name());
      assertEquals(Optional.empty(), manager.find("svc"));
    }
  }

  /**
   * A fenced restart rejects {@code null} arguments, naming each.
   *
   * @throws Exception on an unexpected failure
   */
  @Test
  default void fencedRestartRejectsNullArgumentsNamingThem() throws Exception {
    try (ServiceManager manager = open()) {
      ServiceHandle handle = manager.register("svc", Endpoint.of("a"));
      assertNpeNaming("current", () -> manager.restart(nullHandle(), Endpoint.of("b")));
      assertNpeNaming("endpoint", () -> manager.restart(handle, nullEndpoint()));
      assertEquals(handle, manager.resolve("svc"));
    }
  }
}

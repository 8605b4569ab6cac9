package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opennexus.samgr.tck.Checks.assertMessageNames;
import static org.opennexus.samgr.tck.Checks.assertMessageNamesNumber;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The seed operations of {@link ServiceManager}: {@code register}, {@code resolve}, {@code
 * heartbeat}, {@code restart(String, Endpoint)}, {@code environment} and {@code close}, each with
 * its results and every error it documents (type, carried fields and message).
 *
 * <p>Nothing here assumes a particular backend: generations are only required to be positive and
 * strictly increasing from one registry-wide counter, not to start at a given value.
 *
 * <p>{@link #randomRestartSequencesEndOnLastEndpointAndHighestGeneration()} draws its seed from
 * the system property {@value #SEED_PROPERTY} if set, else at random, and names it in every
 * failure message so a failing run can be replayed.
 */
public interface RegistryContract extends Contract {

  /** The system property that fixes the seed of the random tests, to replay a failure. */
  String SEED_PROPERTY = "samgr.tck.seed";

  /**
   * A registered service resolves to a handle equal to the one {@code register} returned, with
   * the name and endpoint given and a positive generation.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void registerThenResolveReturnsEqualHandle() throws SamgrError {
    try (ServiceManager samgr = open()) {
      Endpoint endpoint = Endpoint.of("tcp://127.0.0.1:7001");
      ServiceHandle registered = samgr.register("tck.round-trip", endpoint);
      assertEquals("tck.round-trip", registered.name());
      assertEquals(endpoint, registered.endpoint());
      assertTrue(registered.generation().value() >= 1, () -> "generation " + registered);
      assertEquals(registered, samgr.resolve("tck.round-trip"));
    }
  }

  /**
   * Registering a taken name throws {@code Duplicate} carrying and naming that name, and leaves
   * the first registration unchanged.
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
      assertMessageNames(duplicate, "tck.duplicate");
      assertEquals(first, samgr.resolve("tck.duplicate"));
      assertEquals(Endpoint.of("tcp://first:1"), samgr.resolve("tck.duplicate").endpoint());
    }
  }

  /**
   * A restarted service is still registered: registering its name again throws {@code
   * Duplicate}, and the restarted handle stays current.
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
   * {@code restart} returns a handle with the new endpoint and a higher generation, and that
   * handle is what {@code resolve} returns from then on.
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
      assertMessageNames(stale, "tck.stale");
      assertMessageNamesNumber(stale, old.generation().value());
      assertMessageNamesNumber(stale, current.generation().value());
      assertEquals(current, samgr.resolve("tck.stale"));
      assertDoesNotThrow(() -> samgr.heartbeat(current));
    }
  }

  /**
   * A handle that names a registered service but a generation it never had (here, a later one)
   * is stale too: only the current generation is accepted.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void heartbeatWithGenerationNeverIssuedThrowsStaleHandle() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle current = samgr.register("tck.future", Endpoint.of("tcp://a:1"));
      ServiceHandle forged =
          new ServiceHandle(
              "tck.future",
              current.endpoint(),
              new Generation(current.generation().value() + 1000));
      SamgrError.StaleHandle stale =
          assertThrows(SamgrError.StaleHandle.class, () -> samgr.heartbeat(forged));
      assertEquals(forged, stale.handle());
      assertEquals(current.generation(), stale.current());
      assertEquals(current, samgr.resolve("tck.future"));
    }
  }

  /**
   * A heartbeat of the current handle succeeds, right after register and right after restart,
   * and changes nothing that {@code resolve} shows.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void heartbeatOfCurrentHandleSucceeds() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle registered = samgr.register("tck.beat", Endpoint.of("tcp://a:1"));
      samgr.heartbeat(registered);
      samgr.heartbeat(registered);
      assertEquals(registered, samgr.resolve("tck.beat"));
      ServiceHandle restarted = samgr.restart("tck.beat", Endpoint.of("tcp://b:2"));
      samgr.heartbeat(restarted);
      assertEquals(restarted, samgr.resolve("tck.beat"));
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
   * {@code resolve} of a name never registered throws {@code NotFound} carrying and naming it.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void resolveOfUnknownNameThrowsNotFound() throws SamgrError {
    try (ServiceManager samgr = open()) {
      samgr.register("tck.other", Endpoint.of("tcp://a:1"));
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> samgr.resolve("tck.missing"));
      assertEquals("tck.missing", notFound.name());
      assertMessageNames(notFound, "tck.missing");
    }
  }

  /**
   * {@code restart} of a name never registered throws {@code NotFound} carrying and naming it,
   * and does not register it.
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
      assertMessageNames(notFound, "tck.never");
      SamgrError.NotFound stillMissing =
          assertThrows(SamgrError.NotFound.class, () -> samgr.resolve("tck.never"));
      assertEquals("tck.never", stillMissing.name());
    }
  }

  /**
   * {@code heartbeat} of a handle whose name is not registered throws {@code NotFound} carrying
   * and naming that name.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void heartbeatOfUnknownNameThrowsNotFound() throws SamgrError {
    try (ServiceManager samgr = open()) {
      ServiceHandle registered = samgr.register("tck.known", Endpoint.of("tcp://a:1"));
      ServiceHandle ghost =
          new ServiceHandle("tck.ghost", Endpoint.of("tcp://a:1"), registered.generation());
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> samgr.heartbeat(ghost));
      assertEquals("tck.ghost", notFound.name());
      assertMessageNames(notFound, "tck.ghost");
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
   * Random sequences of registers, restarts and heartbeats over a few names end with every name
   * resolving to its last endpoint under the highest generation it was given; every generation
   * is higher than all before it; every older handle is stale.
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
   * Two registries opened one after the other share nothing: a name registered in one is
   * unknown to the other and free to register there, and closing one leaves the other working.
   *
   * @throws SamgrError if the backend rejects a valid call
   */
  @Test
  default void twoOpenCallsAreIndependent() throws SamgrError {
    try (ServiceManager first = open();
        ServiceManager second = open()) {
      ServiceHandle inFirst = first.register("tck.shared-name", Endpoint.of("tcp://first:1"));
      SamgrError.NotFound notFound =
          assertThrows(SamgrError.NotFound.class, () -> second.resolve("tck.shared-name"));
      assertEquals("tck.shared-name", notFound.name());
      ServiceHandle inSecond = second.register("tck.shared-name", Endpoint.of("tcp://second:2"));
      assertEquals(Endpoint.of("tcp://second:2"), inSecond.endpoint());
      first.close();
      assertEquals(inSecond, second.resolve("tck.shared-name"));
      second.restart("tck.shared-name", Endpoint.of("tcp://second:3"));
      assertThrows(IllegalStateException.class, () -> first.resolve("tck.shared-name"));
      assertEquals(Endpoint.of("tcp://first:1"), inFirst.endpoint());
    }
  }

  /** {@code environment()} is the name the backend was selected by. */
  @Test
  default void environmentIsTheSelectedName() {
    try (ServiceManager samgr = open()) {
      assertEquals(environment(), samgr.environment());
    }
  }

  /**
   * After {@code close()}, every seed operation throws {@code IllegalStateException}, also for
   * names and handles that were registered before, and for names never registered.
   *
   * @throws SamgrError if the backend rejects a valid call before closing
   */
  @Test
  default void operationsAfterCloseThrowIllegalStateException() throws SamgrError {
    ServiceManager samgr = open();
    ServiceHandle handle = samgr.register("tck.closed", Endpoint.of("tcp://a:1"));
    samgr.close();
    assertThrows(
        IllegalStateException.class, () -> samgr.register("tck.new", Endpoint.of("tcp://a:1")));
    assertThrows(
        IllegalStateException.class,
        () -> samgr.register("tck.closed", Endpoint.of("tcp://a:1")));
    assertThrows(IllegalStateException.class, () -> samgr.resolve("tck.closed"));
    assertThrows(IllegalStateException.class, () -> samgr.resolve("tck.never"));
    assertThrows(IllegalStateException.class, () -> samgr.heartbeat(handle));
    assertThrows(
        IllegalStateException.class, () -> samgr.restart("tck.closed", Endpoint.of("tcp://b:2")));
    assertThrows(
        IllegalStateException.class, () -> samgr.restart("tck.never", Endpoint.of("tcp://b:2")));
  }

  /** Closing twice is harmless, and {@code environment()} still answers after close. */
  @Test
  default void closeTwiceIsHarmlessAndEnvironmentStillAnswers() {
    ServiceManager samgr = open();
    samgr.close();
    assertDoesNotThrow(samgr::close);
    assertEquals(environment(), samgr.environment());
    assertThrows(IllegalStateException.class, () -> samgr.resolve("tck.after-close"));
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
        Generation g = samgr.register("tck.many-" + i, Endpoint.of("tcp://a:" + (i + 1))).generation();
        assertTrue(seen.add(g), () -> "generation " + g + " issued twice");
        Generation r = samgr.restart("tck.many-" + (i / 2), Endpoint.of("tcp://b:1")).generation();
        assertTrue(seen.add(r), () -> "generation " + r + " issued twice");
      }
      assertEquals(40, seen.size());
    }
  }
}

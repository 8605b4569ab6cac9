package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrTest;

/**
 * The constructor, {@code @BeforeEach}, the test and {@code @AfterEach} of one test share its
 * registry and clock; repeated and parameterized invocations each get a new one.
 */
@SamgrTest
class SameRegistryWithinTestTest {

  private static final List<ServiceManager> invocations = new ArrayList<>();

  private final ServiceManager fromConstructor;
  private final ManualClock clockFromConstructor;
  private ServiceHandle fixture;

  SameRegistryWithinTestTest(ServiceManager samgr, ManualClock clock) {
    this.fromConstructor = samgr;
    this.clockFromConstructor = clock;
  }

  @BeforeEach
  void registerFixture(ServiceManager samgr, ManualClock clock) throws SamgrError {
    assertSame(fromConstructor, samgr);
    assertSame(clockFromConstructor, clock);
    fixture = samgr.register("fixture", Endpoint.of("tcp://127.0.0.1:7000"));
  }

  @Test
  void testMethodSeesTheFixtureOfItsBeforeEach(ServiceManager samgr, ManualClock clock)
      throws SamgrError {
    assertSame(fromConstructor, samgr);
    assertSame(clockFromConstructor, clock);
    assertEquals(fixture, samgr.resolve("fixture"));
  }

  @RepeatedTest(3)
  void eachRepetitionGetsANewRegistry(ServiceManager samgr) throws SamgrError {
    assertEquals(List.of(fixture), samgr.services());
    invocations.add(samgr);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "b"})
  void eachParameterizedInvocationGetsANewRegistry(String name, ServiceManager samgr)
      throws SamgrError {
    samgr.register(name, Endpoint.of("tcp://127.0.0.1:7001"));
    assertEquals(2, samgr.services().size());
    invocations.add(samgr);
  }

  @AfterEach
  void afterEachSeesTheSameOpenRegistry(ServiceManager samgr) throws SamgrError {
    assertSame(fromConstructor, samgr);
    assertEquals(fixture, samgr.resolve("fixture"));
  }

  @AfterAll
  static void invocationsHadDistinctRegistries() {
    assertEquals(5, invocations.size());
    assertEquals(5, new HashSet<>(invocations).size());
    assertNotSame(invocations.get(0), invocations.get(1));
  }
}

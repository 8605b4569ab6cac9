package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opennexus.samgr.Durations;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrExtension;
import org.opennexus.samgr.junit.SamgrTest;

/**
 * What users see when things go wrong, checked by running small test classes on the Jupiter engine
 * with EngineTestKit.
 */
class FailurePathsTest {

  // ---- a backend that cannot be opened ----

  @OnlyInEngineTestKit
  @SamgrTest(environment = "nosuch")
  static class UnknownEnvironment {
    @Test
    void test(ServiceManager samgr) {}
  }

  @Test
  void unknownEnvironmentFailsTheTestWithSamgrsMessageNamingIt() {
    EngineExecutionResults results = Kit.run(UnknownEnvironment.class);
    List<Throwable> failures = Kit.testFailures(results);
    assertEquals(1, failures.size());
    ParameterResolutionException failure =
        assertInstanceOf(ParameterResolutionException.class, failures.get(0));
    IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failure.getCause());
    assertTrue(cause.getMessage().contains("'nosuch'"), cause.getMessage());
    assertTrue(cause.getMessage().contains("'host'"), "lists the backends: " + cause.getMessage());
    assertTrue(failure.getMessage().contains(cause.getMessage()), failure.getMessage());
  }

  // ---- closing ----

  @OnlyInEngineTestKit
  @SamgrTest
  static class ThrowingTest {
    static final AtomicReference<ServiceManager> manager = new AtomicReference<>();

    @Test
    void test(ServiceManager samgr) throws SamgrError {
      manager.set(samgr);
      samgr.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
      throw new AssertionError("the test failed");
    }

    @AfterEach
    void afterEachAlsoFails() {
      throw new IllegalStateException("so did @AfterEach");
    }
  }

  @Test
  void registryIsClosedEvenIfTheTestAndItsAfterEachThrow() {
    ThrowingTest.manager.set(null);
    List<Throwable> failures = Kit.testFailures(Kit.run(ThrowingTest.class));
    assertEquals(1, failures.size());
    assertEquals("the test failed", failures.get(0).getMessage(), "the test's own failure wins");
    ServiceManager manager = ThrowingTest.manager.get();
    assertNotNull(manager);
    assertThrows(IllegalStateException.class, manager::services);
  }

  @Test
  void registryIsClosedEvenWhenJUnitIsToldNotToCloseAutoCloseables() {
    ThrowingTest.manager.set(null);
    Kit.run(
        ThrowingTest.class,
        Map.of("junit.jupiter.extensions.store.close.autocloseable.enabled", "false"));
    ServiceManager manager = ThrowingTest.manager.get();
    assertNotNull(manager);
    assertThrows(IllegalStateException.class, manager::services);
  }

  // ---- asking for a registry outside a test ----

  @OnlyInEngineTestKit
  @SamgrTest
  static class BeforeAllInjection {
    @BeforeAll
    static void setUp(ServiceManager samgr) {}

    @Test
    void test() {}
  }

  @Test
  void injectingIntoBeforeAllFailsSayingRegistriesArePerTest() {
    List<Throwable> failures = Kit.containerFailures(Kit.run(BeforeAllInjection.class));
    assertEquals(1, failures.size());
    assertPerTestMessage(failures.get(0), "setUp");
  }

  @OnlyInEngineTestKit
  @SamgrTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class PerClassConstructorInjection {
    PerClassConstructorInjection(ServiceManager samgr) {}

    @Test
    void test() {}
  }

  @Test
  void injectingIntoAPerClassConstructorFailsSayingRegistriesArePerTest() {
    List<Throwable> failures = Kit.containerFailures(Kit.run(PerClassConstructorInjection.class));
    assertEquals(1, failures.size());
    assertPerTestMessage(failures.get(0), "PerClassConstructorInjection");
  }

  private static void assertPerTestMessage(Throwable failure, String where) {
    ParameterResolutionException e = assertInstanceOf(ParameterResolutionException.class, failure);
    String message = e.getMessage();
    assertTrue(message.contains("one registry per test"), message);
    assertTrue(message.contains("ServiceManager"), message);
    assertTrue(message.contains(where), message);
    assertTrue(message.contains("Samgr.open()"), message);
  }

  // ---- bad settings and parameters ----

  @OnlyInEngineTestKit
  static class BadTimeouts {
    @Test
    @SamgrTest(livenessTimeout = "soon")
    void notADuration(ServiceManager samgr) {}

    @Test
    @SamgrTest(livenessTimeout = "5s")
    void shortForm(ServiceManager samgr, ManualClock clock) throws SamgrError {
      samgr.register("svc", Endpoint.of("a"));
      clock.advance(Duration.ofSeconds(5));
      assertTrue(samgr.liveness("svc").alive());
      clock.advance(Duration.ofMillis(1));
      assertFalse(samgr.liveness("svc").alive());
    }

    @Test
    @SamgrTest(livenessTimeout = "PT0S")
    void zero(ServiceManager samgr) {}

    @Test
    void unsupportedType(String text) {}
  }

  @Test
  void badTimeoutsAndUnsupportedTypesFailTheirTestsClearly() {
    EngineExecutionResults results = Kit.run(BadTimeouts.class);
    assertEquals(3, results.testEvents().failed().count());
    assertEquals(1, results.testEvents().succeeded().count(), "shortForm: 5s is a duration");
    Map<String, Throwable> byTest = new ConcurrentHashMap<>();
    results.testEvents().failed().stream()
        .forEach(
            event ->
                byTest.put(
                    event.getTestDescriptor().getDisplayName(),
                    event
                        .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                        .orElseThrow()));

    Throwable notADuration = byTest.get("notADuration(ServiceManager)");
    ExtensionConfigurationException badFormat =
        assertInstanceOf(ExtensionConfigurationException.class, notADuration.getCause());
    String message = badFormat.getMessage();
    assertTrue(message.startsWith("@SamgrTest(livenessTimeout) on "), message);
    assertTrue(message.contains("notADuration"), message);
    assertTrue(
        message.endsWith(": the value 'soon' is not a duration (" + Durations.EXAMPLES + ")"),
        message);

    Throwable zero = byTest.get("zero(ServiceManager)");
    ExtensionConfigurationException notPositive =
        assertInstanceOf(ExtensionConfigurationException.class, zero.getCause());
    assertTrue(
        notPositive.getMessage().endsWith(": the value 'PT0S' must be a positive duration"),
        notPositive.getMessage());

    Throwable unsupported = byTest.get("unsupportedType(String)");
    assertInstanceOf(ParameterResolutionException.class, unsupported);
    assertTrue(
        unsupported.getMessage().contains("No ParameterResolver registered"),
        "left to JUnit, which finds no resolver: " + unsupported.getMessage());
  }

  // ---- parallel execution ----

  @OnlyInEngineTestKit
  static class ParallelTests {
    static final int TESTS = 3;

    @RegisterExtension static final SamgrExtension samgr = SamgrExtension.builder().build();

    static final CountDownLatch allRunning = new CountDownLatch(TESTS);
    static final Set<ServiceManager> managers = ConcurrentHashMap.newKeySet();

    @RepeatedTest(TESTS)
    void test(ServiceManager parameter) throws Exception {
      ServiceManager manager = samgr.manager();
      assertSame(parameter, manager);
      managers.add(manager);
      manager.register("svc", Endpoint.of("tcp://127.0.0.1:7000"));
      allRunning.countDown();
      assertTrue(allRunning.await(30, TimeUnit.SECONDS), "the tests did not run together");
      assertSame(manager, samgr.manager(), "each thread still sees its own test's registry");
      assertEquals(1, manager.services().size());
    }
  }

  @Test
  void testsRunningInParallelEachGetTheirOwnRegistry() {
    EngineExecutionResults results =
        Kit.run(
            ParallelTests.class,
            Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"));
    assertEquals(List.of(), Kit.testFailures(results));
    assertEquals(ParallelTests.TESTS, results.testEvents().succeeded().count());
    assertEquals(ParallelTests.TESTS, ParallelTests.managers.size());
    for (ServiceManager manager : ParallelTests.managers) {
      assertThrows(IllegalStateException.class, manager::services);
    }
    ServiceManager[] all = ParallelTests.managers.toArray(new ServiceManager[0]);
    assertNotSame(all[0], all[1]);
  }
}

package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceEvent;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrExtension;
import org.opennexus.samgr.junit.SamgrTest;
import org.opentest4j.AssertionFailedError;

/**
 * A listener that throws during a test fails that test, after its {@code @AfterEach} methods, with
 * what the listener threw as the cause; the opt-out leaves such failures to samgr's log. Each case
 * runs a small test class on the Jupiter engine with EngineTestKit.
 */
class ListenerFailuresTest {

  private static final Endpoint ENDPOINT = Endpoint.of("tcp://127.0.0.1:7000");

  /** What a listener threw inside the classes below, to compare with the test's failure. */
  static final List<Throwable> thrown = new CopyOnWriteArrayList<>();

  static final AtomicInteger calls = new AtomicInteger();

  /** A listener that counts its calls and asserts something false about each event. */
  static void failingAssertion(ServiceEvent event) {
    calls.incrementAndGet();
    try {
      assertEquals("b", event.handle().name(), "the listener's own assertion");
    } catch (AssertionFailedError e) {
      thrown.add(e);
      throw e;
    }
  }

  private static void reset() {
    thrown.clear();
    calls.set(0);
  }

  @OnlyInEngineTestKit
  @SamgrTest
  static class AssertionInAListener {
    @Test
    void test(ServiceManager samgr) throws SamgrError {
      samgr.watch("a", ListenerFailuresTest::failingAssertion);
      samgr.register("a", ENDPOINT);
    }
  }

  @Test
  void aFailingAssertEqualsInAListenerFailsTheTestWithItAsTheCause() {
    reset();
    List<Throwable> failures = Kit.testFailures(Kit.run(AssertionInAListener.class));
    assertEquals(1, failures.size());
    AssertionError failure = assertInstanceOf(AssertionError.class, failures.get(0));
    assertEquals(1, thrown.size());
    assertSame(thrown.get(0), failure.getCause());
    String message = failure.getMessage();
    assertTrue(
        message.startsWith("a samgr listener threw during this test, on Registered["), message);
    assertTrue(message.contains("the listener's own assertion"), message);
    assertTrue(message.contains("failOnListenerFailure = false"), message);
    assertEquals(0, failure.getSuppressed().length);
  }

  /** Throws a checked exception that no signature declares, as Kotlin or Lombok code can. */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  @OnlyInEngineTestKit
  @SamgrTest
  static class SeveralFailures {
    @Test
    void test(ServiceManager samgr) throws SamgrError {
      samgr.watchAll(
          event -> {
            IOException e = new IOException("listener failure " + thrown.size());
            thrown.add(e);
            sneakyThrow(e);
          });
      ServiceHandle a = samgr.register("a", ENDPOINT);
      samgr.restart(a, ENDPOINT);
    }
  }

  @Test
  void everyFailureIsKeptTheFirstAsCauseTheOthersSuppressed() {
    reset();
    List<Throwable> failures = Kit.testFailures(Kit.run(SeveralFailures.class));
    assertEquals(1, failures.size());
    AssertionError failure = assertInstanceOf(AssertionError.class, failures.get(0));
    assertEquals(2, thrown.size());
    assertSame(thrown.get(0), failure.getCause());
    assertArrayEquals(new Throwable[] {thrown.get(1)}, failure.getSuppressed());
    assertTrue(
        failure.getMessage().startsWith("2 samgr listener calls threw during this test; the first"),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("java.io.IOException: listener failure 0"));
  }

  @OnlyInEngineTestKit
  @SamgrTest
  static class TestFailsToo {
    @Test
    void test(ServiceManager samgr) throws SamgrError {
      samgr.watch("a", ListenerFailuresTest::failingAssertion);
      samgr.register("a", ENDPOINT);
      throw new IllegalStateException("the test's own failure");
    }
  }

  @Test
  void aTestThatFailsItselfKeepsItsFailureWithTheListenersSuppressed() {
    reset();
    List<Throwable> failures = Kit.testFailures(Kit.run(TestFailsToo.class));
    assertEquals(1, failures.size());
    assertEquals("the test's own failure", failures.get(0).getMessage());
    Throwable[] suppressed = failures.get(0).getSuppressed();
    assertEquals(1, suppressed.length);
    assertSame(thrown.get(0), suppressed[0].getCause());
  }

  @OnlyInEngineTestKit
  @SamgrTest(failOnListenerFailure = false)
  static class OptedOutByAnnotation {
    @Test
    void test(ServiceManager samgr) throws SamgrError {
      samgr.watch("a", ListenerFailuresTest::failingAssertion);
      samgr.register("a", ENDPOINT);
      samgr.restart("a", ENDPOINT);
    }
  }

  @Test
  void theAnnotationsOptOutLetsTheTestPass() {
    reset();
    EngineExecutionResults results = Kit.run(OptedOutByAnnotation.class);
    assertEquals(List.of(), Kit.testFailures(results));
    assertEquals(1, results.testEvents().succeeded().count());
    assertEquals(2, calls.get(), "the listener ran, and threw, twice");
    assertEquals(2, thrown.size());
  }

  @OnlyInEngineTestKit
  static class OptedOutByBuilder {
    @RegisterExtension
    static final SamgrExtension samgr =
        SamgrExtension.builder().failOnListenerFailure(true).failOnListenerFailure(false).build();

    static final AtomicReference<String> described = new AtomicReference<>();

    @Test
    void test() throws SamgrError {
      described.set(samgr.toString());
      samgr.manager().watch("a", ListenerFailuresTest::failingAssertion);
      samgr.manager().register("a", ENDPOINT);
    }
  }

  @Test
  void theBuildersOptOutLetsTheTestPass() {
    reset();
    EngineExecutionResults results = Kit.run(OptedOutByBuilder.class);
    assertEquals(List.of(), Kit.testFailures(results));
    assertEquals(1, results.testEvents().succeeded().count());
    assertEquals(1, calls.get());
    assertTrue(
        OptedOutByBuilder.described.get().contains("failOnListenerFailure=false"),
        OptedOutByBuilder.described.get());
  }

  @OnlyInEngineTestKit
  static class BuilderDefault {
    @RegisterExtension static final SamgrExtension samgr = SamgrExtension.builder().build();

    @Test
    void test() throws SamgrError {
      samgr.manager().watch("a", ListenerFailuresTest::failingAssertion);
      samgr.manager().register("a", ENDPOINT);
    }
  }

  @Test
  void aProgrammaticExtensionFailsTheTestByDefault() {
    reset();
    List<Throwable> failures = Kit.testFailures(Kit.run(BuilderDefault.class));
    assertEquals(1, failures.size());
    assertSame(thrown.get(0), failures.get(0).getCause());
  }
}

package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrExtension;

/** A static {@code @RegisterExtension} with builder settings, used through its accessors. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProgrammaticRegistrationTest {

  @RegisterExtension
  static final SamgrExtension samgr =
      SamgrExtension.builder()
          .environment("os")
          .environment("host")
          .livenessTimeout(Duration.ofSeconds(5))
          .build();

  private static final AtomicReference<ServiceManager> first = new AtomicReference<>();
  private static final AtomicReference<IllegalStateException> outsideTest = new AtomicReference<>();

  private ServiceHandle fixture;

  @BeforeAll
  static void accessorsFailOutsideATest() {
    outsideTest.set(assertThrows(IllegalStateException.class, samgr::manager));
  }

  @BeforeEach
  void registerFixture() throws SamgrError {
    fixture = samgr.manager().register("fixture", Endpoint.of("tcp://127.0.0.1:7000"));
  }

  @Test
  @Order(1)
  void accessorsAndParametersGiveTheSameRegistryAndClock(ServiceManager manager, ManualClock clock)
      throws SamgrError {
    first.set(manager);
    assertSame(samgr.manager(), manager);
    assertSame(samgr.clock(), clock);
    assertEquals(List.of(fixture), manager.services());
  }

  @Test
  @Order(2)
  void settingsFromTheBuilderApply() throws SamgrError {
    assertEquals("host", samgr.manager().environment(), "the last environment set wins");
    samgr.clock().advance(Duration.ofSeconds(5));
    assertEquals(List.of(), samgr.manager().sweepExpired());
    samgr.clock().advance(Duration.ofMillis(1));
    assertEquals(List.of(fixture), samgr.manager().sweepExpired());
  }

  @Test
  @Order(3)
  void eachTestGetsAFreshRegistryAndTheLastOneIsClosed() throws SamgrError {
    assertNotNull(first.get());
    assertNotSame(first.get(), samgr.manager());
    assertEquals(List.of(fixture), samgr.manager().services());
    assertThrows(IllegalStateException.class, first.get()::services);
  }

  @Test
  @Order(4)
  void accessorOutsideATestSaysWhereToCallIt() {
    String message = outsideTest.get().getMessage();
    assertTrue(message.startsWith("no test is running under SamgrExtension["), message);
    assertTrue(message.contains("manager()"), message);
  }

  @Test
  void builderRejectsBadSettings() {
    SamgrExtension.Builder builder = SamgrExtension.builder();
    assertEquals(
        "environment must not be null",
        assertThrows(NullPointerException.class, () -> builder.environment(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.environment(""));
    assertEquals(
        "livenessTimeout must not be null",
        assertThrows(NullPointerException.class, () -> builder.livenessTimeout(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.livenessTimeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> builder.livenessTimeout(Duration.ofMillis(-1)));
  }

  /** Shares the outer class's extension instance, to run it in a test of the outer class. */
  @OnlyInEngineTestKit
  static class SharingTheInstance {
    @RegisterExtension static final SamgrExtension shared = samgr;

    static final AtomicReference<ServiceManager> inner = new AtomicReference<>();

    @Test
    void test() {
      inner.set(shared.manager());
    }
  }

  @Test
  @Order(5)
  void testsRunInsideATestLeaveTheOuterTestsRegistryInPlace() throws SamgrError {
    ServiceManager outer = samgr.manager();
    assertEquals(
        1,
        Kit.run(SharingTheInstance.class).testEvents().succeeded().count(),
        "the inner test ran");
    assertNotSame(outer, SharingTheInstance.inner.get());
    assertSame(outer, samgr.manager());
    assertEquals(List.of(fixture), outer.services());
  }

  @AfterAll
  static void accessorsFailAgainAfterTheTests() {
    assertThrows(IllegalStateException.class, samgr::clock);
  }
}

package org.opennexus.samgr.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.opennexus.samgr.tck.SamgrAssertions.assertMessageContains;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;

/**
 * Backend selection from outside, with both backends present and no selection in the environment
 * (surefire removes {@code NEXUS_ENV} from these runs; {@link EnvironmentVariableSelectionTest}
 * runs with it set).
 */
class BackendSelectionTest {

  @BeforeAll
  static void noSelectionInTheEnvironment() {
    assertNull(System.getProperty("nexus.env"), "nexus.env must not be set for this class");
    assertNull(System.getenv("NEXUS_ENV"), "surefire should exclude NEXUS_ENV for this class");
  }

  @Test
  void environmentsListsHostAndOsSorted() {
    assertEquals(List.of("host", "os"), Samgr.environments());
  }

  @Test
  void openWithoutSelectionFailsListingBothBackendsAndNamingTheProperty() {
    IllegalStateException e = assertThrows(IllegalStateException.class, Samgr::open);
    assertMessageContains(
        e,
        "'host' (org.opennexus.samgr.host.HostBackend)",
        "'os' (org.opennexus.samgr.os.OsBackend)",
        "nexus.env");
  }

  @Test
  void builderOpenWithoutSelectionFailsLikeOpen() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Samgr.builder().open());
    assertMessageContains(e, "'host'", "'os'", "nexus.env");
  }

  @Test
  void openOfUnknownEnvironmentFailsNamingItAndTheBackendsPresent() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Samgr.open("nope"));
    assertMessageContains(
        e,
        "'nope'",
        "'host' (org.opennexus.samgr.host.HostBackend)",
        "'os' (org.opennexus.samgr.os.OsBackend)");
  }

  @Test
  void openHostGivesAWorkingHostRegistry() throws SamgrError {
    try (ServiceManager samgr = Samgr.open("host")) {
      assertEquals("host", samgr.environment());
      Endpoint endpoint = Endpoint.of("tcp://127.0.0.1:1");
      assertEquals(endpoint, samgr.register("selected", endpoint).endpoint());
    }
  }

  @Test
  void openOsGivesTheRefusingStub() {
    try (ServiceManager samgr = Samgr.open("os")) {
      assertEquals("os", samgr.environment());
      SamgrError.Unsupported e =
          assertThrows(SamgrError.Unsupported.class, () -> samgr.resolve("selected"));
      assertEquals("resolve", e.operation());
      assertEquals("os", e.environment());
    }
  }

  @Test
  void eachOpenReturnsANewRegistry() {
    try (ServiceManager first = Samgr.open("host");
        ServiceManager second = Samgr.open("host")) {
      assertNotSame(first, second);
    }
  }

  @Test
  void builderWithSettingsOpensTheChosenBackend() {
    try (ServiceManager samgr =
        Samgr.builder()
            .environment("host")
            .clock(java.time.InstantSource.system())
            .livenessTimeout(Duration.ofMillis(1))
            .open()) {
      assertEquals("host", samgr.environment());
    }
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void openWithNullEnvironmentThrowsNullPointerExceptionNamingIt() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Samgr.open((String) null));
    assertMessageContains(e, "environment");
  }

  @Test
  void openWithEmptyEnvironmentThrowsIllegalArgumentExceptionNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Samgr.open(""));
    assertMessageContains(e, "environment");
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void builderEnvironmentRejectsNull() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Samgr.builder().environment(null));
    assertMessageContains(e, "environment");
  }

  @Test
  void builderEnvironmentRejectsEmpty() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Samgr.builder().environment(""));
    assertMessageContains(e, "environment");
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void builderClockRejectsNull() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Samgr.builder().clock(null));
    assertMessageContains(e, "clock");
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void builderLivenessTimeoutRejectsNull() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> Samgr.builder().livenessTimeout(null));
    assertMessageContains(e, "livenessTimeout");
  }

  @Test
  void builderLivenessTimeoutRejectsZero() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Samgr.builder().livenessTimeout(Duration.ZERO));
    assertMessageContains(e, "livenessTimeout");
  }

  @Test
  void builderLivenessTimeoutRejectsNegative() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Samgr.builder().livenessTimeout(Duration.ofSeconds(-1)));
    assertMessageContains(e, "livenessTimeout");
  }
}

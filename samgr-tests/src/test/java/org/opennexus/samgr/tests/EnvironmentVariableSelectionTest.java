package org.opennexus.samgr.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;

/**
 * Selection by the environment variable {@code NEXUS_ENV} and the system property {@code
 * nexus.env}. It runs only in the surefire execution {@code nexus-env}, which sets {@code
 * NEXUS_ENV=os}; the other executions exclude it. Each test that sets the property restores it in
 * {@code finally}, and the class is {@link Isolated} so nothing runs beside it.
 */
@Isolated
class EnvironmentVariableSelectionTest {

  private static final String PROPERTY = "nexus.env";

  @FunctionalInterface
  private interface Body {
    void run();
  }

  /**
   * Runs {@code body} with the property set to {@code value} (cleared if null), then restores it.
   */
  private static void withProperty(@Nullable String value, Body body) {
    String saved = System.getProperty(PROPERTY);
    try {
      if (value == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, value);
      }
      body.run();
    } finally {
      if (saved == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, saved);
      }
    }
  }

  private static String openedEnvironment() {
    try (ServiceManager samgr = Samgr.open()) {
      return samgr.environment();
    }
  }

  @BeforeAll
  static void runsWithTheVariableSet() {
    assertEquals(
        "os", System.getenv("NEXUS_ENV"), "the surefire execution nexus-env sets NEXUS_ENV=os");
  }

  @Test
  void variableSelectsTheBackendWhenThePropertyIsUnset() {
    withProperty(null, () -> assertEquals("os", openedEnvironment()));
  }

  @Test
  void emptyPropertyCountsAsUnset() {
    withProperty("", () -> assertEquals("os", openedEnvironment()));
  }

  @Test
  void propertyBeatsVariable() {
    withProperty("host", () -> assertEquals("host", openedEnvironment()));
  }

  @Test
  void explicitEnvironmentBeatsPropertyAndVariable() {
    withProperty(
        "os",
        () -> {
          try (ServiceManager samgr = Samgr.open("host")) {
            assertEquals("host", samgr.environment());
          }
          try (ServiceManager samgr = Samgr.builder().environment("host").open()) {
            assertEquals("host", samgr.environment());
          }
        });
  }

  @Test
  void unknownPropertyValueFailsNamingItThePropertyAndTheBackends() {
    withProperty(
        "nope",
        () -> {
          IllegalStateException e = assertThrows(IllegalStateException.class, Samgr::open);
          String message = String.valueOf(e.getMessage());
          for (String part :
              new String[] {
                "'nope'",
                "nexus.env",
                "'host' (org.opennexus.samgr.host.HostBackend)",
                "'os' (org.opennexus.samgr.os.OsBackend)"
              }) {
            assertTrue(message.contains(part), () -> "should contain " + part + ": " + message);
          }
        });
  }
}

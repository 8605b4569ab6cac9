package org.opennexus.samgr.junit.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.junit.SamgrTest;

/**
 * Both backends are on the test path and the build sets {@code nexus.env=host}: an empty
 * environment defers to that, an explicit one overrides it.
 */
@SamgrTest
class EnvironmentSelectionTest {

  @Test
  void buildPutsBothBackendsOnThePathAndSelectsHostWithTheProperty() {
    assertEquals(java.util.List.of("host", "os"), Samgr.environments());
    assertEquals("host", System.getProperty("nexus.env"));
  }

  @Test
  void emptyEnvironmentFollowsSamgrsRules(ServiceManager samgr) {
    assertEquals("host", samgr.environment());
  }

  @Test
  @SamgrTest(environment = "os")
  void explicitEnvironmentOverridesTheProperty(ServiceManager samgr) {
    assertEquals("os", samgr.environment());
    SamgrError.Unsupported unsupported =
        assertThrows(SamgrError.Unsupported.class, () -> samgr.register("svc", Endpoint.of("a")));
    assertEquals("os", unsupported.environment());
  }

  @Nested
  @SamgrTest(environment = "os")
  class NestedClassAnnotation {
    @Test
    void appliesToItsTests(ServiceManager samgr) {
      assertEquals("os", samgr.environment());
    }

    @Test
    @SamgrTest(environment = "host")
    void isOverriddenByTheMethods(ServiceManager samgr) {
      assertEquals("host", samgr.environment());
    }
  }

  @Nested
  class NestedClassWithoutAnnotation {
    @Test
    void usesTheEnclosingClasss(ServiceManager samgr) {
      assertEquals("host", samgr.environment());
    }
  }
}

package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceManager;
import org.opennexus.samgr.spi.Arguments;

/**
 * What the value types and entry points compute: generation order, the manual clock's arithmetic,
 * name checks without throwing, and selection by the system property with several backends present.
 */
class ValueBehaviourTest {

  @Test
  void generationIsAfterOnlyStrictlyHigherGenerations() {
    Generation one = new Generation(1);
    Generation two = new Generation(2);
    assertTrue(two.isAfter(one));
    assertFalse(one.isAfter(two));
    assertFalse(two.isAfter(new Generation(2)));
  }

  @Test
  void generationsCompareByValue() {
    Generation one = new Generation(1);
    Generation max = new Generation(Long.MAX_VALUE);
    assertEquals(-1, Integer.signum(one.compareTo(max)));
    assertEquals(1, Integer.signum(max.compareTo(one)));
    assertEquals(0, one.compareTo(new Generation(1)));
  }

  @Test
  void manualClockAdvancesAndReturnsTheNewInstant() {
    ManualClock clock = ManualClock.at(Scenario.EPOCH);
    assertEquals(Scenario.EPOCH.toEpochMilli(), clock.millis());
    assertEquals(Scenario.EPOCH.plusMillis(1_500), clock.advance(Duration.ofMillis(1_500)));
    assertEquals(Scenario.EPOCH.plusMillis(1_500), clock.instant());
    assertEquals(Scenario.EPOCH.toEpochMilli() + 1_500, clock.millis());
    assertEquals(Scenario.EPOCH.plusMillis(1_500), clock.advance(Duration.ZERO));
    clock.set(Scenario.EPOCH.minusSeconds(1));
    assertEquals(Scenario.EPOCH.minusSeconds(1), clock.instant());
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void isValidNameAppliesTheNameRulesWithoutThrowing() {
    assertTrue(Arguments.isValidName("net"));
    assertTrue(Arguments.isValidName(Vocabulary.LIMIT_NAME));
    assertFalse(Arguments.isValidName(null));
    assertFalse(Arguments.isValidName(""));
    assertFalse(Arguments.isValidName("n".repeat(Arguments.MAX_NAME_LENGTH + 1)));
    assertFalse(Arguments.isValidName("net\u0000"));
    assertFalse(Arguments.isValidName("\uD800"));
  }

  @Test
  void requireNameAndRequireAddressReturnTheirArgument() {
    assertEquals("net", Arguments.requireName("net"));
    assertEquals("tcp://127.0.0.1:7000", Arguments.requireAddress("tcp://127.0.0.1:7000"));
  }

  @Test
  void badCharacterMessagesGiveTheCodeAndIndex() {
    assertEquals(
        "name must not contain ISO control characters, but has U+007F at index 3",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName("net\u007F"))
            .getMessage());
    assertEquals(
        "address must not contain unpaired surrogates, but has an unpaired low surrogate U+DC00 at"
            + " index 0",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireAddress("\uDC00"))
            .getMessage());
  }

  @Test
  void environmentsListsTheBackendsOnThisClassPath() {
    // samgr-zookeeper is here for ZooKeeperModelTest
    assertEquals(List.of("host", "os", "zookeeper"), Samgr.environments());
  }

  @Test
  void openWithoutASelectionFailsWhenSeveralBackendsArePresent() {
    String previous = System.getProperty("nexus.env");
    System.clearProperty("nexus.env");
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class, Samgr::open);
      String message = String.valueOf(e.getMessage());
      assertTrue(message.startsWith("Several samgr backends are present: 'host' ("), message);
      assertTrue(message.contains("-Dnexus.env=<environment>"), message);
    } finally {
      if (previous != null) {
        System.setProperty("nexus.env", previous);
      }
    }
  }

  @Test
  void openFollowsTheNexusEnvProperty() throws Exception {
    String previous = System.getProperty("nexus.env");
    System.setProperty("nexus.env", "host");
    try (ServiceManager registry = Samgr.open()) {
      assertEquals("host", registry.environment());
    } finally {
      if (previous == null) {
        System.clearProperty("nexus.env");
      } else {
        System.setProperty("nexus.env", previous);
      }
    }
  }

  @Test
  void endpointOfEqualsTheConstructedEndpoint() {
    assertEquals(new Endpoint("tcp://127.0.0.1:7000"), Endpoint.of("tcp://127.0.0.1:7000"));
    assertEquals("tcp://127.0.0.1:7000", Endpoint.of("tcp://127.0.0.1:7000").address());
  }
}

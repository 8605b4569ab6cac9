package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.ManualClock;
import org.opennexus.samgr.Samgr;
import org.opennexus.samgr.ServiceHandle;

/**
 * The bad-input catalogue for the value types and {@link Samgr} itself (the registry's entry points
 * are in the TCK's {@code ArgumentContract}): each gets the documented exception, with a short
 * message that names the parameter and the rule.
 */
class ValueArgumentsTest {

  private static final Endpoint ENDPOINT = Endpoint.of("tcp://127.0.0.1:7000");

  private static void assertNames(RuntimeException e, String... words) {
    String message = String.valueOf(e.getMessage());
    assertTrue(
        message.length() < Outcome.MAX_MESSAGE, () -> "message too long: " + message.length());
    for (String word : words) {
      assertTrue(message.contains(word), () -> "'" + word + "' missing from: " + message);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void generationBelowOneIsRejected(long value) {
    assertNames(
        assertThrows(IllegalArgumentException.class, () -> new Generation(value)),
        "generation",
        "at least 1",
        Long.toString(value));
  }

  @Test
  void generationOneAndMaxAreAccepted() {
    assertEquals(1, new Generation(1).value());
    assertEquals(Long.MAX_VALUE, new Generation(Long.MAX_VALUE).value());
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void generationComparisonsRejectNull() {
    assertThrows(NullPointerException.class, () -> new Generation(1).isAfter(null));
    assertThrows(NullPointerException.class, () -> new Generation(1).compareTo(null));
  }

  @Test
  @SuppressWarnings("NullAway")
  void serviceHandleNamesEachNullParameter() {
    Generation one = new Generation(1);
    assertNames(
        assertThrows(NullPointerException.class, () -> new ServiceHandle(null, ENDPOINT, one)),
        "name");
    assertNames(
        assertThrows(NullPointerException.class, () -> new ServiceHandle("a", null, one)),
        "endpoint");
    assertNames(
        assertThrows(NullPointerException.class, () -> new ServiceHandle("a", ENDPOINT, null)),
        "generation");
  }

  @Test
  void serviceHandleAppliesTheNameRules() {
    Generation one = new Generation(1);
    assertNames(
        assertThrows(IllegalArgumentException.class, () -> new ServiceHandle("", ENDPOINT, one)),
        "name",
        "256");
    assertNames(
        assertThrows(
            IllegalArgumentException.class,
            () -> new ServiceHandle("n".repeat(10_000_000), ENDPOINT, one)),
        "name",
        "256");
    assertNames(
        assertThrows(
            IllegalArgumentException.class, () -> new ServiceHandle("\u009F", ENDPOINT, one)),
        "name",
        "control");
    assertNames(
        assertThrows(
            IllegalArgumentException.class, () -> new ServiceHandle("\uDC00", ENDPOINT, one)),
        "name",
        "surrogate");
    assertEquals(
        Vocabulary.LIMIT_NAME, new ServiceHandle(Vocabulary.LIMIT_NAME, ENDPOINT, one).name());
  }

  @Test
  @SuppressWarnings("NullAway")
  void endpointNamesNullAddress() {
    assertNames(assertThrows(NullPointerException.class, () -> Endpoint.of(null)), "address");
    assertNames(assertThrows(NullPointerException.class, () -> new Endpoint(null)), "address");
  }

  @Test
  @SuppressWarnings("NullAway")
  void samgrOpenRejectsNullAndEmptyEnvironment() {
    assertNames(assertThrows(NullPointerException.class, () -> Samgr.open(null)), "environment");
    assertNames(
        assertThrows(IllegalArgumentException.class, () -> Samgr.open("")), "environment", "empty");
  }

  @Test
  void samgrOpenOfAnUnknownEnvironmentIsAConfigurationError() {
    // A configuration error lists every backend present with its provider class, so it is longer
    // than a bad-input message; it names the request once, cut short if it is huge.
    String huge = "nope".repeat(2_500_000);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Samgr.open(huge));
    String message = String.valueOf(e.getMessage());
    assertTrue(message.length() < 600, () -> "message too long: " + message.length());
    for (String word : new String[] {"'nopenope", "10000000 characters", "'host'", "'os'"}) {
      assertTrue(message.contains(word), () -> "'" + word + "' missing from: " + message);
    }
  }

  @Test
  @SuppressWarnings("NullAway")
  void builderRejectsBadSettings() {
    Samgr.Builder builder = Samgr.builder();
    assertNames(
        assertThrows(NullPointerException.class, () -> builder.environment(null)), "environment");
    assertNames(
        assertThrows(IllegalArgumentException.class, () -> builder.environment("")), "environment");
    assertNames(assertThrows(NullPointerException.class, () -> builder.clock(null)), "clock");
    assertNames(
        assertThrows(NullPointerException.class, () -> builder.livenessTimeout(null)),
        "livenessTimeout");
    assertNames(
        assertThrows(IllegalArgumentException.class, () -> builder.livenessTimeout(Duration.ZERO)),
        "livenessTimeout",
        "positive");
    assertNames(
        assertThrows(
            IllegalArgumentException.class, () -> builder.livenessTimeout(Duration.ofMillis(-1))),
        "livenessTimeout",
        "positive");
  }

  @Test
  @SuppressWarnings("NullAway")
  void manualClockRejectsBadArguments() {
    assertNames(assertThrows(NullPointerException.class, () -> ManualClock.at(null)), "start");
    ManualClock clock = ManualClock.at(Scenario.EPOCH);
    assertNames(assertThrows(NullPointerException.class, () -> clock.advance(null)), "amount");
    assertNames(
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofMillis(-1))),
        "amount",
        "negative");
    assertNames(assertThrows(NullPointerException.class, () -> clock.set(null)), "instant");
    assertEquals(Scenario.EPOCH, clock.instant());
  }
}

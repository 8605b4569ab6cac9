package org.opennexus.samgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one duration syntax of settings, the command line and samgr-junit: grammar and errors. */
class DurationsTest {

  private static final String WHAT = "option --timeout";

  @Test
  void everyFormOfTheGrammar() {
    Map<String, Duration> forms =
        Map.ofEntries(
            Map.entry("500ms", Duration.ofMillis(500)),
            Map.entry("5s", Duration.ofSeconds(5)),
            Map.entry("2m", Duration.ofMinutes(2)),
            Map.entry("1h", Duration.ofHours(1)),
            Map.entry("5S", Duration.ofSeconds(5)),
            Map.entry("500MS", Duration.ofMillis(500)),
            Map.entry("5000", Duration.ofSeconds(5)),
            Map.entry("0", Duration.ZERO),
            Map.entry("0s", Duration.ZERO),
            Map.entry("PT5S", Duration.ofSeconds(5)),
            Map.entry("pt0.25s", Duration.ofMillis(250)),
            Map.entry("P1DT2H", Duration.ofHours(26)),
            Map.entry(" 5s\n", Duration.ofSeconds(5)),
            Map.entry("999999999999999999", Duration.ofMillis(999_999_999_999_999_999L)),
            Map.entry("999999999999999999s", Duration.ofSeconds(999_999_999_999_999_999L)));
    forms.forEach((text, expected) -> assertEquals(expected, Durations.parse(text, WHAT), text));
  }

  @Test
  void whatIsNotADurationIsNamedWithWhatWasRead() {
    for (String bad :
        List.of(
            "",
            " ",
            "soon",
            "1.5s",
            "5 s",
            "5sec",
            "s",
            "ms",
            "-5s",
            "+5s",
            "5d",
            "5s5",
            "1e3",
            "1_000",
            "9999999999999999999",
            "PT",
            "5 000")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad, WHAT), bad);
      assertEquals(
          WHAT + " '" + bad + "' is not a duration (" + Durations.EXAMPLES + ")", e.getMessage());
    }
  }

  @Test
  void negativeDurationsAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-PT1S", WHAT));
    assertEquals(WHAT + " '-PT1S' is negative; a duration is 0 or more", e.getMessage());
  }

  @Test
  void positiveDurationsRefuseZeroAndNegative() {
    assertEquals(Duration.ofMillis(1), Durations.parsePositive("1", WHAT));
    for (String notPositive : List.of("0", "0ms", "PT0S", "-PT1S", "PT-1S")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> Durations.parsePositive(notPositive, WHAT));
      assertEquals(WHAT + " '" + notPositive + "' must be a positive duration", e.getMessage());
    }
  }

  @Test
  void tooLongForADurationIsSaidSo() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Durations.parse("999999999999999999h", WHAT));
    assertEquals(
        WHAT + " '999999999999999999h' is longer than the longest duration", e.getMessage());
  }

  @Test
  void anEmptyWhatLeavesTheTextFirstAndLongTextIsShortened() {
    assertEquals(
        "'soon' is not a duration (" + Durations.EXAMPLES + ")",
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon", ""))
            .getMessage());
    String longText = "x".repeat(10_000);
    String message =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(longText, WHAT))
            .getMessage();
    assertEquals(
        WHAT + " '" + "x".repeat(200) + "...' is not a duration (" + Durations.EXAMPLES + ")",
        message);
    String twoHundred = "y".repeat(200); // the longest text shown whole
    assertEquals(
        WHAT + " '" + twoHundred + "' is not a duration (" + Durations.EXAMPLES + ")",
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(twoHundred, WHAT))
            .getMessage());
  }

  @Test
  void nullsAreRefusedNamingTheParameter() {
    assertEquals(
        "text must not be null",
        assertThrows(NullPointerException.class, () -> Durations.parse(nullText(), WHAT))
            .getMessage());
    assertEquals(
        "what must not be null",
        assertThrows(NullPointerException.class, () -> Durations.parse("5s", nullText()))
            .getMessage());
  }

  @SuppressWarnings("NullAway")
  private static String nullText() {
    return null;
  }
}

package org.opennexus.samgr.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.ServiceEvent;

/**
 * Backend-specific settings: the builder, then {@code samgr.}<i>key</i>, then {@code
 * SAMGR_}<i>KEY</i>; key rules; and the parsers, whose errors name key, source and value. On the
 * class path, in the SPI's package, to reach the lookup with fake properties and variables.
 */
class SamgrConfigSettingsTest {

  private static final InstantSource CLOCK = InstantSource.system();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static SamgrConfig config(Map<String, String> settings) {
    return SamgrConfig.builder()
        .clock(CLOCK)
        .livenessTimeout(TIMEOUT)
        .settings(settings)
        .listenerFailures(SamgrConfig.loggingListenerFailures())
        .build();
  }

  private static UnaryOperator<@Nullable String> table(Map<String, String> values) {
    return values::get;
  }

  private static Optional<SamgrConfig.Setting> lookup(
      Map<String, String> builder, Map<String, String> properties, Map<String, String> variables) {
    return config(builder)
        .setting("zookeeper.session-timeout", table(properties), table(variables));
  }

  @Test
  void builderValueWinsOverPropertyAndVariable() {
    SamgrConfig.Setting setting =
        lookup(
                Map.of("zookeeper.session-timeout", "1s"),
                Map.of("samgr.zookeeper.session-timeout", "2s"),
                Map.of("SAMGR_ZOOKEEPER_SESSION_TIMEOUT", "3s"))
            .orElseThrow();
    assertEquals(
        new SamgrConfig.Setting(
            "zookeeper.session-timeout", "1s", "builder setting 'zookeeper.session-timeout'"),
        setting);
  }

  @Test
  void systemPropertyWinsOverVariable() {
    assertEquals(
        new SamgrConfig.Setting(
            "zookeeper.session-timeout", "2s", "system property samgr.zookeeper.session-timeout"),
        lookup(
                Map.of(),
                Map.of("samgr.zookeeper.session-timeout", "2s"),
                Map.of("SAMGR_ZOOKEEPER_SESSION_TIMEOUT", "3s"))
            .orElseThrow());
  }

  @Test
  void variableIsTheLastFallbackWithDotsAndHyphensAsUnderscores() {
    assertEquals(
        new SamgrConfig.Setting(
            "zookeeper.session-timeout",
            "3s",
            "environment variable SAMGR_ZOOKEEPER_SESSION_TIMEOUT"),
        lookup(Map.of(), Map.of(), Map.of("SAMGR_ZOOKEEPER_SESSION_TIMEOUT", "3s")).orElseThrow());
  }

  @Test
  void emptyPropertyAndVariableCountAsUnset() {
    assertEquals(
        Optional.empty(),
        lookup(
            Map.of(),
            Map.of("samgr.zookeeper.session-timeout", ""),
            Map.of("SAMGR_ZOOKEEPER_SESSION_TIMEOUT", "")));
    assertEquals(
        "environment variable SAMGR_ZOOKEEPER_SESSION_TIMEOUT",
        lookup(
                Map.of(),
                Map.of("samgr.zookeeper.session-timeout", ""),
                Map.of("SAMGR_ZOOKEEPER_SESSION_TIMEOUT", "4s"))
            .orElseThrow()
            .source());
  }

  @Test
  void unsetEverywhereIsEmpty() {
    assertEquals(Optional.empty(), lookup(Map.of(), Map.of(), Map.of()));
  }

  @Test
  void realLookupReadsSystemProperties() {
    String key = "samgr-test.config-lookup";
    System.setProperty("samgr." + key, "PT2S");
    try {
      SamgrConfig.Setting setting = SamgrConfig.defaults().setting(key).orElseThrow();
      assertEquals("system property samgr." + key, setting.source());
      assertEquals(Duration.ofSeconds(2), setting.asDuration());
    } finally {
      System.clearProperty("samgr." + key);
    }
    assertEquals(Optional.empty(), SamgrConfig.defaults().setting(key));
  }

  @Test
  void variableNameUpperCasesAndReplacesDotsAndHyphens() {
    assertEquals("SAMGR_ZOOKEEPER_CONNECT", SamgrConfig.variableName("zookeeper.connect"));
    assertEquals("SAMGR_DELIVERY_MAX_BACKLOG", SamgrConfig.variableName("delivery.max-backlog"));
  }

  @Test
  void keysAreLowerCaseWordsJoinedByDots() {
    for (String good : List.of("a", "zookeeper.connect", "zookeeper.session-timeout", "a1.b-2-c")) {
      assertSame(good, SamgrConfig.requireKey(good));
    }
    for (String bad :
        List.of("Zookeeper", "zookeeper.", ".connect", "a..b", "a-", "a.-b", "1a", "a b", "a_b")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SamgrConfig.requireKey(bad), bad);
      assertEquals(
          "setting key '"
              + bad
              + "' must be lower-case words (a-z, 0-9, inner hyphens) joined by"
              + " dots, such as zookeeper.session-timeout",
          e.getMessage());
    }
    assertEquals(
        "setting key must be 1 to 128 characters, but has 0",
        assertThrows(IllegalArgumentException.class, () -> SamgrConfig.requireKey(""))
            .getMessage());
    assertEquals(
        "setting key must be 1 to 128 characters, but has 129",
        assertThrows(IllegalArgumentException.class, () -> SamgrConfig.requireKey("a".repeat(129)))
            .getMessage());
    assertEquals(128, SamgrConfig.requireKey("a".repeat(128)).length());
  }

  @Test
  void configCopiesAndChecksItsSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("zookeeper.connect", "embedded");
    SamgrConfig config = config(settings);
    settings.put("zookeeper.namespace", "other");
    assertEquals(Map.of("zookeeper.connect", "embedded"), config.settings());
    assertThrows(UnsupportedOperationException.class, () -> config.settings().put("a", "b"));
    assertEquals(
        "value of setting 'zookeeper.connect' must not be empty",
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("zookeeper.connect", "")))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> config(Map.of("Bad.Key", "x")));
    Map<String, String> nullValue = new HashMap<>();
    putNull(nullValue, "zookeeper.connect");
    assertEquals(
        "value of setting 'zookeeper.connect' must not be null",
        assertThrows(NullPointerException.class, () -> config(nullValue)).getMessage());
  }

  @SuppressWarnings("NullAway") // a null value on purpose
  private static void putNull(Map<String, String> map, String key) {
    map.put(key, null);
  }

  @Test
  void twoArgumentConstructorMeansNoSettingsCallerRunsAndLogging() {
    SamgrConfig config = new SamgrConfig(CLOCK, TIMEOUT);
    assertEquals(Map.of(), config.settings());
    assertNull(config.executor());
    assertSame(SamgrConfig.loggingListenerFailures(), config.listenerFailures());
    assertEquals(config, SamgrConfig.defaults());
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void fullConstructorRejectsNullsNamingTheParameter() {
    BiConsumer<ServiceEvent, Throwable> hook = (e, t) -> {};
    Executor executor = Runnable::run;
    assertEquals(
        "settings must not be null",
        assertThrows(
                NullPointerException.class,
                () ->
                    SamgrConfig.builder()
                        .clock(CLOCK)
                        .livenessTimeout(TIMEOUT)
                        .settings(null)
                        .executor(executor)
                        .listenerFailures(hook)
                        .build())
            .getMessage());
    assertEquals(
        "listenerFailures must not be null",
        assertThrows(
                NullPointerException.class,
                () ->
                    SamgrConfig.builder()
                        .clock(CLOCK)
                        .livenessTimeout(TIMEOUT)
                        .settings(Map.of())
                        .executor(executor)
                        .listenerFailures(null)
                        .build())
            .getMessage());
    SamgrConfig config =
        SamgrConfig.builder()
            .clock(CLOCK)
            .livenessTimeout(TIMEOUT)
            .settings(Map.of())
            .executor(executor)
            .listenerFailures(hook)
            .build();
    assertSame(executor, config.executor());
    assertSame(hook, config.listenerFailures());
  }

  // ---- parsers ----

  private static SamgrConfig.Setting value(String text) {
    return new SamgrConfig.Setting("zookeeper.session-timeout", text, "system property x");
  }

  @Test
  void durationsInEveryDocumentedForm() {
    assertEquals(Duration.ofSeconds(15), value("15s").asDuration());
    assertEquals(Duration.ofMillis(500), value("500ms").asDuration());
    assertEquals(Duration.ofMinutes(2), value("2m").asDuration());
    assertEquals(Duration.ofHours(1), value("1h").asDuration());
    assertEquals(Duration.ofSeconds(15), value("15000").asDuration());
    assertEquals(Duration.ofMillis(1_500), value("PT1.5S").asDuration());
  }

  @Test
  void badDurationsNameKeySourceAndValue() {
    for (String bad : List.of("abc", "15 s", "1.5s", "-5s", "s", "15sec", "99999999999999999999")) {
      assertEquals(
          "setting zookeeper.session-timeout (from system property x) '"
              + bad
              + "' is not a duration (such as 500ms, 5s, 2m, 1h, PT5S, or 5000 for milliseconds)",
          assertThrows(IllegalArgumentException.class, () -> value(bad).asDuration(), bad)
              .getMessage());
    }
    for (String notPositive : List.of("0", "0s", "PT0S", "PT-1S")) {
      assertEquals(
          "setting zookeeper.session-timeout (from system property x) '"
              + notPositive
              + "' must be a positive duration",
          assertThrows(IllegalArgumentException.class, () -> value(notPositive).asDuration())
              .getMessage());
    }
  }

  @Test
  void numbersAndBooleans() {
    assertEquals(100_000L, value("100000").asLong());
    assertEquals(-7, value("-7").asInt());
    assertTrue(value("TRUE").asBoolean());
    assertFalse(value("false").asBoolean());
    assertEquals(
        "setting zookeeper.session-timeout (from system property x) '1e5' is not a whole number",
        assertThrows(IllegalArgumentException.class, () -> value("1e5").asLong()).getMessage());
    assertEquals(
        "setting zookeeper.session-timeout (from system property x) '3000000000' is not a whole"
            + " number from -2147483648 to 2147483647",
        assertThrows(IllegalArgumentException.class, () -> value("3000000000").asInt())
            .getMessage());
    assertEquals(
        "setting zookeeper.session-timeout (from system property x) 'yes' must be true or false",
        assertThrows(IllegalArgumentException.class, () -> value("yes").asBoolean()).getMessage());
  }

  @Test
  void invalidShortensLongValues() {
    String longValue = "x".repeat(10_000);
    assertEquals(
        "setting zookeeper.session-timeout (from system property x) '"
            + "x".repeat(200)
            + "...' is not a host:port list",
        value(longValue).invalid("is not a host:port list").getMessage());
  }

  @Test
  @SuppressWarnings("NullAway") // null on purpose
  void settingRejectsNullsAndEmptyValues() {
    assertEquals(
        "source must not be null",
        assertThrows(NullPointerException.class, () -> new SamgrConfig.Setting("a", "b", null))
            .getMessage());
    assertEquals(
        "value of setting 'a' must not be empty",
        assertThrows(IllegalArgumentException.class, () -> new SamgrConfig.Setting("a", "", "s"))
            .getMessage());
    assertEquals(
        "why must not be null",
        assertThrows(NullPointerException.class, () -> value("1").invalid(null)).getMessage());
  }
}

package org.opennexus.samgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.spi.SamgrBackend;
import org.opennexus.samgr.spi.SamgrConfig;

/**
 * White-box tests of the pure selection function, with Mockito mocks of {@link SamgrBackend} as the
 * candidate providers, and of {@link Samgr#openBackend} when a backend misbehaves.
 */
class SelectionTest {

  /** Tags the tests that need samgr-api without any backend, as in this module's own build. */
  static final String NO_BACKEND = "api-module-alone";

  /** Two provider types with distinct class names, for messages that must name each. */
  abstract static class FirstProvider implements SamgrBackend {}

  abstract static class SecondProvider implements SamgrBackend {}

  private static Selection.Found backend(String environment) {
    SamgrBackend backend = mock(SamgrBackend.class);
    when(backend.environment()).thenReturn(environment);
    return new Selection.Found(backend, environment);
  }

  private static Selection.Found backend(Class<? extends SamgrBackend> type, String environment) {
    SamgrBackend backend = mock(type);
    when(backend.environment()).thenReturn(environment);
    return new Selection.Found(backend, environment);
  }

  private static Selection.Candidates candidates(Selection.Found... found) {
    return new Selection.Candidates(List.of(found), List.of());
  }

  private static Selection.Request explicit(String environment) {
    return Objects.requireNonNull(Selection.request(environment, null, null));
  }

  private static void assertMessageContains(Throwable e, String... parts) {
    String message = String.valueOf(e.getMessage());
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "message should contain '" + part + "': " + message);
    }
  }

  // ---- request: explicit, property, variable ----

  @Test
  void requestIsNullWhenNothingIsSet() {
    assertNull(Selection.request(null, null, null));
  }

  @Test
  void requestIsNullWhenPropertyAndVariableAreEmpty() {
    assertNull(Selection.request(null, "", ""));
  }

  @Test
  void explicitBeatsPropertyAndVariable() {
    assertEquals(
        new Selection.Request("host", "Samgr.open(environment) or Builder.environment"),
        Selection.request("host", "os", "other"));
  }

  @Test
  void propertyBeatsVariable() {
    assertEquals(
        new Selection.Request("os", "the system property nexus.env"),
        Selection.request(null, "os", "host"));
  }

  @Test
  void variableIsUsedWhenPropertyIsUnset() {
    assertEquals(
        new Selection.Request("os", "the environment variable NEXUS_ENV"),
        Selection.request(null, null, "os"));
  }

  @Test
  void emptyPropertyCountsAsUnsetSoVariableIsUsed() {
    assertEquals(
        new Selection.Request("os", "the environment variable NEXUS_ENV"),
        Selection.request(null, "", "os"));
  }

  // ---- choose without a request ----

  @Test
  void noBackendFailsNamingTheModulesToAdd() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Selection.choose(null, candidates()));
    assertMessageContains(
        e, "samgr-host", "samgr-os-stub", "org.opennexus.samgr.host", "org.opennexus.samgr.os");
  }

  @Test
  void oneBackendIsChosen() {
    Selection.Found host = backend("host");
    assertSame(host, Selection.choose(null, candidates(host)));
  }

  @Test
  void severalBackendsFailListingThemAndNamingTheProperty() {
    Selection.Found first = backend(FirstProvider.class, "host");
    Selection.Found second = backend(SecondProvider.class, "os");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.choose(null, candidates(first, second)));
    assertMessageContains(
        e,
        "'host' (" + first.backend().getClass().getName() + ")",
        "'os' (" + second.backend().getClass().getName() + ")",
        "FirstProvider",
        "SecondProvider",
        "nexus.env",
        "NEXUS_ENV");
  }

  // ---- choose with a request ----

  @Test
  void requestChoosesTheNamedBackendAmongSeveral() {
    Selection.Found host = backend("host");
    Selection.Found os = backend("os");
    assertSame(os, Selection.choose(explicit("os"), candidates(host, os)));
    assertSame(host, Selection.choose(explicit("host"), candidates(host, os)));
  }

  @Test
  void requestFromThePropertyChoosesTheNamedBackend() {
    Selection.Found host = backend("host");
    Selection.Found os = backend("os");
    assertSame(os, Selection.choose(Selection.request(null, "os", "host"), candidates(host, os)));
  }

  @Test
  void requestForUnknownNameFailsNamingItItsSourceAndTheBackendsPresent() {
    Selection.Found host = backend(FirstProvider.class, "host");
    Selection.Request request = Selection.request(null, "nope", null);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.choose(request, candidates(host)));
    assertMessageContains(
        e, "'nope'", "the system property nexus.env", "'host' (", "FirstProvider");
  }

  @Test
  void requestWithNoBackendPresentFailsNamingTheModulesToAdd() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.choose(explicit("host"), candidates()));
    assertMessageContains(e, "'host'", "samgr-host", "samgr-os-stub");
  }

  @Test
  void twoProvidersClaimingTheRequestedNameFailNamingBoth() {
    Selection.Found first = backend(FirstProvider.class, "host");
    Selection.Found second = backend(SecondProvider.class, "host");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Selection.choose(explicit("host"), candidates(first, second)));
    assertMessageContains(
        e,
        "Several samgr backends claim the environment 'host'",
        first.backend().getClass().getName(),
        second.backend().getClass().getName());
  }

  @Test
  void twoProvidersClaimingOneNameWithoutRequestFailListingBoth() {
    Selection.Found first = backend(FirstProvider.class, "host");
    Selection.Found second = backend(SecondProvider.class, "host");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.choose(null, candidates(first, second)));
    assertMessageContains(e, "FirstProvider", "SecondProvider", "nexus.env");
  }

  // ---- broken providers ----

  @Test
  void brokenProviderDoesNotHideTheOnlyUsableBackend() {
    Selection.Found host = backend("host");
    Selection.Candidates candidates =
        new Selection.Candidates(
            List.of(host),
            List.of(new Selection.Broken("com.example.Broken", new IllegalStateException("boom"))));
    assertSame(host, Selection.choose(null, candidates));
  }

  @Test
  void brokenProvidersAreListedBesideTheUsableOnes() {
    Selection.Found first = backend(FirstProvider.class, "host");
    Selection.Found second = backend(SecondProvider.class, "os");
    Selection.Candidates candidates =
        new Selection.Candidates(
            List.of(first, second),
            List.of(new Selection.Broken("com.example.Broken", new IllegalStateException("boom"))));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Selection.choose(null, candidates));
    assertMessageContains(
        e, "FirstProvider", "SecondProvider", "com.example.Broken", "boom", "nexus.env");
  }

  @Test
  void brokenProviderIsNamedWhenNoBackendIsUsable() {
    Selection.Candidates candidates =
        new Selection.Candidates(
            List.of(),
            List.of(new Selection.Broken("com.example.Broken", new LinkageError("missing class"))));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Selection.choose(null, candidates));
    assertMessageContains(e, "samgr-host", "com.example.Broken", "missing class");
  }

  @Test
  void brokenProviderIsNamedWhenTheRequestedNameIsMissing() {
    Selection.Found os = backend("os");
    Selection.Candidates candidates =
        new Selection.Candidates(
            List.of(os),
            List.of(new Selection.Broken("com.example.BrokenHost", new RuntimeException("boom"))));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.choose(explicit("host"), candidates));
    assertMessageContains(e, "'host'", "'os' (", "com.example.BrokenHost", "boom");
  }

  // ---- environments and inspect ----

  @Test
  void environmentsAreSortedWithoutRepeats() {
    assertEquals(
        List.of("a", "host", "os"),
        Selection.environments(
            candidates(backend("os"), backend("host"), backend("a"), backend("host"))));
  }

  @Test
  void environmentsOfNoCandidatesIsEmpty() {
    assertEquals(List.of(), Selection.environments(candidates()));
  }

  @Test
  void inspectReadsTheEnvironmentOnce() {
    SamgrBackend backend = mock(SamgrBackend.class);
    when(backend.environment()).thenReturn("host");
    Selection.Found found = Selection.inspect(backend, "com.example.Host");
    assertSame(backend, found.backend());
    assertEquals("host", found.environment());
    verify(backend).environment();
  }

  @Test
  void inspectRejectsNullEnvironmentNamingTheProvider() {
    SamgrBackend backend = mock(SamgrBackend.class);
    when(backend.environment()).thenReturn(null);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.inspect(backend, "com.example.Nameless"));
    assertMessageContains(e, "com.example.Nameless", "null");
  }

  @Test
  void inspectRejectsEmptyEnvironmentNamingTheProvider() {
    SamgrBackend backend = mock(SamgrBackend.class);
    when(backend.environment()).thenReturn("");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Selection.inspect(backend, "com.example.Empty"));
    assertMessageContains(e, "com.example.Empty", "empty");
  }

  // ---- discovery and Samgr with no backend present ----
  // Tagged: samgr-verification's PIT run reuses this class with both backends on the class path.

  @Test
  @Tag(NO_BACKEND)
  void discoverFindsNoBackendInTheApiModuleAlone() {
    Selection.Candidates candidates = Selection.discover(Samgr.class.getClassLoader());
    assertEquals(List.of(), candidates.found());
    assertEquals(List.of(), candidates.broken());
    assertEquals(List.of(), Samgr.environments());
  }

  @Test
  @Tag(NO_BACKEND)
  void explicitOpenWithNoBackendPresentFailsNamingTheModulesToAdd() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Samgr.open("host"));
    assertMessageContains(e, "'host'", "samgr-host", "samgr-os-stub");
  }

  @Test
  void unknownHugeEnvironmentGivesAShortMessage() {
    String huge = "x".repeat(10_000_000);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Selection.choose(explicit(huge), candidates(backend("host"))));
    String message = String.valueOf(e.getMessage());
    assertTrue(message.length() < 600, () -> "message too long: " + message.length());
    assertMessageContains(
        e, "'" + "x".repeat(Selection.MAX_QUOTED) + "...'", "10000000 characters");
  }

  @Test
  void quoteKeepsShortNamesWhole() {
    assertEquals("'host'", Selection.quote("host"));
    String limit = "y".repeat(Selection.MAX_QUOTED);
    assertEquals("'" + limit + "'", Selection.quote(limit));
  }

  // ---- openBackend ----

  @Test
  void openBackendReturnsWhatTheBackendOpened() {
    Selection.Found host = backend(FirstProvider.class, "host");
    ServiceManager manager = mock(ServiceManager.class);
    SamgrConfig config = new SamgrConfig(InstantSource.system(), Duration.ofSeconds(5));
    when(host.backend().open(config)).thenReturn(manager);
    assertSame(manager, Samgr.openBackend(host, config));
    verify(host.backend()).open(config);
  }

  @Test
  void openBackendThatThrowsFailsNamingTheProviderAndKeepsTheCause() {
    Selection.Found host = backend(FirstProvider.class, "host");
    RuntimeException cause = new UnsupportedOperationException("no sockets here");
    when(host.backend().open(any())).thenThrow(cause);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Samgr.openBackend(host, SamgrConfig.defaults()));
    assertSame(cause, e.getCause());
    assertMessageContains(
        e, host.backend().getClass().getName(), "FirstProvider", "'host'", "no sockets here");
  }

  @Test
  void openBackendPassesABadSettingThroughUnwrapped() {
    Selection.Found host = backend(FirstProvider.class, "host");
    IllegalArgumentException bad =
        new IllegalArgumentException("setting zookeeper.connect (from builder) 'x' is bad");
    when(host.backend().open(any())).thenThrow(bad);
    assertSame(
        bad,
        assertThrows(
            IllegalArgumentException.class, () -> Samgr.openBackend(host, SamgrConfig.defaults())));
  }

  @Test
  void openBackendMissingAClassFailsNamingTheProviderAndKeepsTheCause() {
    Selection.Found host = backend(FirstProvider.class, "host");
    LinkageError cause = new NoClassDefFoundError("com/example/Socket");
    when(host.backend().open(any())).thenThrow(cause);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Samgr.openBackend(host, SamgrConfig.defaults()));
    assertSame(cause, e.getCause());
    assertMessageContains(e, "FirstProvider", "'host'", "com/example/Socket");
  }

  @Test
  void openBackendThatReturnsNullFailsNamingTheProvider() {
    Selection.Found host = backend(FirstProvider.class, "host");
    when(host.backend().open(any())).thenReturn(null);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Samgr.openBackend(host, SamgrConfig.defaults()));
    assertMessageContains(e, host.backend().getClass().getName(), "FirstProvider", "null");
  }

  @Test
  void openBackendIsNotCalledWhenSelectionFails() {
    Selection.Found first = backend("host");
    Selection.Found second = backend("os");
    assertThrows(
        IllegalStateException.class, () -> Selection.choose(null, candidates(first, second)));
    verify(first.backend(), never()).open(any());
    verify(second.backend(), never()).open(any());
  }
}

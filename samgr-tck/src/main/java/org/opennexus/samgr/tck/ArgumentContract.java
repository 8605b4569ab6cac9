package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.opennexus.samgr.tck.SamgrAssertions.assertUnsupported;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.Generation;
import org.opennexus.samgr.SamgrError;
import org.opennexus.samgr.ServiceHandle;
import org.opennexus.samgr.ServiceManager;

/**
 * The bad-input catalogue: every {@link ServiceManager} entry point is given every class of bad
 * argument ({@code null} in each position; names that are empty, one unit over the limit, ten
 * million units long, contain each class of ISO control character, an invisible or
 * bidirectional-control character, a default-ignorable character such as a variation selector or a
 * Hangul filler, U+2800 BRAILLE PATTERN BLANK, an unpaired high or low surrogate, or start with a
 * combining mark) and must throw the documented unchecked exception, with a short message that
 * names the parameter and the rule (for a character, its code), before anything changes: where the
 * backend keeps a registry, its {@code services()} snapshot and the handles of its services are
 * compared before and after. Valid names at the length limit, non-ASCII ones, ones ending in a
 * surrogate pair and ones with a combining mark after a letter must pass the argument rules on
 * every backend.
 *
 * <p>The rules are the same on every backend, so both {@link FullContract} and {@link
 * UnsupportedContract} include this contract; a backend that refuses an operation still checks its
 * arguments first.
 */
public interface ArgumentContract extends Contract {

  /** The longest message a bad-input exception may have, however long the input. */
  int MAX_MESSAGE_LENGTH = 200;

  /**
   * Returns the bad-name cases: each entry point that takes a name, crossed with each class of bad
   * name and the word its message must contain.
   *
   * @return arguments (entry point, bad name, rule word)
   */
  static Stream<Arguments> badNames() {
    List<Named<String>> names =
        List.of(
            Named.of("empty", ""),
            Named.of("257 units (one over)", "n".repeat(257)),
            Named.of("10 million units", "n".repeat(10_000_000)),
            Named.of("U+0000", "a\u0000b"),
            Named.of("U+001F", "\u001F"),
            Named.of("U+007F", "a\u007F"),
            Named.of("U+009F", "\u009Fz"),
            Named.of("unpaired high surrogate", "a\uD800b"),
            Named.of("unpaired high surrogate at the end", "ab\uDBFF"),
            Named.of("unpaired low surrogate", "\uDC00"),
            Named.of("reversed surrogate pair", "\uDE00\uD83D"),
            Named.of("U+202E right-to-left override", "x\u202Etxt.exe"),
            Named.of("U+200B zero width space", "pay\u200Bments"),
            Named.of("U+2066 left-to-right isolate", "\u2066a"),
            Named.of("U+FEFF byte order mark", "a\uFEFF"),
            Named.of("U+00AD soft hyphen", "a\u00ADb"),
            Named.of("U+2028 line separator", "a\u2028b"),
            Named.of("U+E0041 tag (supplementary)", "a\uDB40\uDC41"),
            Named.of("U+034F combining grapheme joiner", "a\u034Fb"),
            Named.of("U+FE0F variation selector", "\u2764\uFE0F"),
            Named.of("U+E0100 variation selector (supplementary)", "a\uDB40\uDD00"),
            Named.of("U+3164 hangul filler", "\u3164"),
            Named.of("U+115F hangul choseong filler", "a\u115F"),
            Named.of("U+2800 braille pattern blank", "pay\u2800ments"),
            Named.of("U+0301 combining mark first", "\u0301x"));
    List<String> rules =
        List.of(
            "256",
            "256",
            "256",
            "control",
            "control",
            "control",
            "control",
            "surrogate",
            "surrogate",
            "surrogate",
            "surrogate",
            "U+202E",
            "U+200B",
            "U+2066",
            "U+FEFF",
            "U+00AD",
            "U+2028",
            "U+E0041",
            "U+034F",
            "U+FE0F",
            "U+E0100",
            "U+3164",
            "U+115F",
            "U+2800",
            "U+0301");
    List<Arguments> cases = new ArrayList<>();
    for (String entryPoint : NameEntryPoints.ALL) {
      for (int i = 0; i < names.size(); i++) {
        cases.add(Arguments.of(entryPoint, names.get(i), rules.get(i)));
      }
    }
    return cases.stream();
  }

  /**
   * Returns the {@code null} cases: each entry point with {@code null} in each reference position,
   * and the parameter name its message must contain.
   *
   * @return arguments (call description, parameter name)
   */
  static Stream<Arguments> nullArguments() {
    return Stream.of(
        Arguments.of("register(null, endpoint)", "name"),
        Arguments.of("register(name, null)", "endpoint"),
        Arguments.of("resolve(null)", "name"),
        Arguments.of("find(null)", "name"),
        Arguments.of("heartbeat(null)", "handle"),
        Arguments.of("restart(null name, endpoint)", "name"),
        Arguments.of("restart(name, null)", "endpoint"),
        Arguments.of("restart(null handle, endpoint)", "current"),
        Arguments.of("restart(handle, null)", "endpoint"),
        Arguments.of("unregister(null)", "handle"),
        Arguments.of("liveness(null)", "name"),
        Arguments.of("watch(null, listener)", "name"),
        Arguments.of("watch(name, null)", "listener"),
        Arguments.of("watchAll(null)", "listener"),
        Arguments.of("await(null, timeout)", "name"),
        Arguments.of("await(name, null)", "timeout"));
  }

  /**
   * Returns valid names that sit on the edges of the rules.
   *
   * @return valid names
   */
  static Stream<Named<String>> validNames() {
    return Stream.of(
        Named.of("one unit", "a"),
        Named.of("256 ASCII units", "a".repeat(256)),
        Named.of("256 non-ASCII units", "é".repeat(256)),
        Named.of("256 units ending in a surrogate pair", "名".repeat(254) + "\uD83D\uDE00"),
        Named.of("one supplementary character", "\uD83D\uDE00"),
        Named.of("spaces and U+00A0 (not a control)", " a\u00A0b "),
        Named.of("a combining mark after a letter", "e\u0301"),
        Named.of("U+2801 braille pattern (not blank)", "\u2801"));
  }

  /**
   * A bad name throws {@link IllegalArgumentException} naming the parameter and the rule, in a
   * short message, and leaves the registry as it was.
   *
   * @param entryPoint the operation called
   * @param badName the bad name
   * @param rule a word the message must contain
   * @throws SamgrError if setting up or reading the registry fails unexpectedly
   */
  @ParameterizedTest(name = "{0} rejects a name: {1}")
  @MethodSource("org.opennexus.samgr.tck.ArgumentContract#badNames")
  default void badNameIsRejectedBeforeAnythingChanges(
      String entryPoint, String badName, String rule) throws SamgrError {
    try (ServiceManager registry = open()) {
      List<Object> before = populate(registry);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> NameEntryPoints.call(registry, entryPoint, badName));
      assertShortMessage(e, "name", rule);
      assertEquals(before, snapshot(registry), "the registry changed");
    }
  }

  /**
   * {@code null} in any position throws {@link NullPointerException} whose message names the
   * parameter, and leaves the registry as it was.
   *
   * @param call the call, with {@code null} in one position
   * @param parameter the parameter the message must name
   * @throws SamgrError if setting up or reading the registry fails unexpectedly
   */
  @ParameterizedTest(name = "{0} names ''{1}''")
  @MethodSource("org.opennexus.samgr.tck.ArgumentContract#nullArguments")
  default void nullArgumentIsRejectedNamingTheParameter(String call, String parameter)
      throws SamgrError {
    try (ServiceManager registry = open()) {
      List<Object> before = populate(registry);
      NullPointerException e =
          assertThrows(
              NullPointerException.class, () -> NameEntryPoints.callWithNull(registry, call));
      assertShortMessage(e, parameter, parameter);
      assertEquals(before, snapshot(registry), "the registry changed");
    }
  }

  /**
   * A negative {@code await} timeout is bad input: {@link IllegalArgumentException} naming {@code
   * timeout}.
   *
   * @throws SamgrError if setting up the registry fails unexpectedly
   */
  @org.junit.jupiter.api.Test
  default void negativeAwaitTimeoutIsRejected() throws SamgrError {
    try (ServiceManager registry = open()) {
      List<Object> before = populate(registry);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> registry.await("a", Duration.ofNanos(-1)));
      assertShortMessage(e, "timeout", "negative");
      assertEquals(before, snapshot(registry), "the registry changed");
    }
  }

  /**
   * Valid names at the edges of the rules pass the argument checks of every entry point: a backend
   * that keeps a registry registers, resolves, restarts and removes them; one that refuses throws
   * {@link SamgrError.Unsupported} (or, from {@code find}, {@link UnsupportedOperationException}
   * caused by it), never a bad-input exception.
   *
   * @param name the valid name
   * @throws Exception if the registry fails unexpectedly
   */
  @ParameterizedTest(name = "accepts {0}")
  @MethodSource("org.opennexus.samgr.tck.ArgumentContract#validNames")
  default void validNamesAtTheLimitsAreAccepted(String name) throws Exception {
    Endpoint endpoint = Endpoint.of("tcp://127.0.0.1:7000");
    try (ServiceManager registry = open()) {
      ServiceHandle handle;
      try {
        handle = registry.register(name, endpoint);
      } catch (SamgrError.Unsupported refused) {
        for (String entryPoint : NameEntryPoints.ALL) {
          assertUnsupported(() -> NameEntryPoints.call(registry, entryPoint, name), entryPoint);
        }
        return;
      }
      assertEquals(name, handle.name());
      assertEquals(handle, registry.resolve(name));
      assertEquals(handle, registry.find(name).orElseThrow());
      assertEquals(handle, registry.liveness(name).handle());
      assertEquals(handle, registry.await(name, Duration.ZERO));
      registry.watch(name, event -> {}).close();
      ServiceHandle restarted = registry.restart(name, endpoint);
      assertTrue(restarted.generation().isAfter(handle.generation()));
      registry.unregister(restarted);
      assertEquals(List.of(), registry.services());
    }
  }

  /**
   * {@link Endpoint} applies the address rules: 1 to 4096 units, no ISO control characters, no
   * invisible or bidirectional-control characters, no unpaired surrogates, no default-ignorable
   * characters, no U+2800, no combining mark first; {@code null} names {@code address}. Valid
   * addresses at the limit pass.
   */
  @org.junit.jupiter.api.Test
  default void endpointAppliesTheAddressRules() {
    assertShortMessage(
        assertThrows(NullPointerException.class, () -> NameEntryPoints.endpoint(null)),
        "address",
        "null");
    String[][] bad = {
      {"", "4096"},
      {"e".repeat(4097), "4096"},
      {"e".repeat(10_000_000), "4096"},
      {"tcp://\u0000", "control"},
      {"\u001F", "control"},
      {"\u007F", "control"},
      {"\u009F", "control"},
      {"x\uD800", "surrogate"},
      {"\uDC00x", "surrogate"},
      {"tcp://real\u202E", "U+202E"},
      {"tcp://a\u200Db", "U+200D"},
      {"tcp://a\u2029", "U+2029"},
      {"tcp://\uDB40\uDC7F", "U+E007F"},
      {"tcp://a\uFE0F", "U+FE0F"},
      {"tcp://\uDB40\uDD00", "U+E0100"},
      {"tcp://\u3164", "U+3164"},
      {"\u2800", "U+2800"},
      {"\u0301tcp://a", "U+0301"},
    };
    for (String[] c : bad) {
      assertShortMessage(
          assertThrows(IllegalArgumentException.class, () -> Endpoint.of(c[0])), "address", c[1]);
    }
    for (String ok : List.of("e".repeat(4096), "é".repeat(4094) + "\uD83D\uDE00", "\uD83D\uDE00")) {
      assertEquals(ok, Endpoint.of(ok).address());
    }
  }

  /** The entry points that take a service name, and calls with {@code null} arguments. */
  final class NameEntryPoints {
    /** Every {@link ServiceManager} method that takes a service name. */
    static final List<String> ALL =
        List.of("register", "resolve", "find", "restart", "liveness", "watch", "await");

    private NameEntryPoints() {}

    static void call(ServiceManager registry, String entryPoint, String name) throws Exception {
      Endpoint endpoint = Endpoint.of("tcp://127.0.0.1:7001");
      switch (entryPoint) {
        case "register" -> registry.register(name, endpoint);
        case "resolve" -> registry.resolve(name);
        case "find" -> registry.find(name);
        case "restart" -> registry.restart(name, endpoint);
        case "liveness" -> registry.liveness(name);
        case "watch" -> registry.watch(name, event -> {}).close();
        case "await" -> registry.await(name, Duration.ZERO);
        default -> throw new IllegalStateException("unknown entry point " + entryPoint);
      }
    }

    @SuppressWarnings("NullAway") // passes null on purpose
    static void callWithNull(ServiceManager registry, String call) throws Exception {
      Endpoint endpoint = Endpoint.of("tcp://127.0.0.1:7001");
      ServiceHandle handle = new ServiceHandle("a", endpoint, new Generation(1));
      switch (call) {
        case "register(null, endpoint)" -> registry.register(null, endpoint);
        case "register(name, null)" -> registry.register("c", null);
        case "resolve(null)" -> registry.resolve(null);
        case "find(null)" -> registry.find(null);
        case "heartbeat(null)" -> registry.heartbeat(null);
        case "restart(null name, endpoint)" -> registry.restart((String) null, endpoint);
        case "restart(name, null)" -> registry.restart("a", null);
        case "restart(null handle, endpoint)" -> registry.restart((ServiceHandle) null, endpoint);
        case "restart(handle, null)" -> registry.restart(handle, null);
        case "unregister(null)" -> registry.unregister(null);
        case "liveness(null)" -> registry.liveness(null);
        case "watch(null, listener)" -> registry.watch(null, event -> {});
        case "watch(name, null)" -> registry.watch("a", null);
        case "watchAll(null)" -> registry.watchAll(null);
        case "await(null, timeout)" -> registry.await(null, Duration.ZERO);
        case "await(name, null)" -> registry.await("a", null);
        default -> throw new IllegalStateException("unknown call " + call);
      }
    }

    @SuppressWarnings("NullAway") // passes null on purpose
    static Endpoint endpoint(@org.jspecify.annotations.Nullable String address) {
      return Endpoint.of(address);
    }
  }

  private static void assertShortMessage(RuntimeException e, String parameter, String rule) {
    String message = e.getMessage();
    if (message == null) {
      fail(e.getClass().getName() + " without a message");
      return;
    }
    assertTrue(
        message.length() < MAX_MESSAGE_LENGTH,
        () -> "message of " + message.length() + " chars: " + message.substring(0, 300) + "...");
    assertTrue(
        message.contains(parameter), () -> "message does not name '" + parameter + "': " + message);
    assertTrue(
        message.contains(rule), () -> "message does not name the rule '" + rule + "': " + message);
  }

  /** Registers two services if the backend keeps a registry; returns its snapshot. */
  private List<Object> populate(ServiceManager registry) throws SamgrError {
    try {
      registry.register("a", Endpoint.of("tcp://127.0.0.1:7000"));
      registry.register("b", Endpoint.of("vmo:1"));
      registry.restart("b", Endpoint.of("vmo:2"));
    } catch (SamgrError.Unsupported refused) {
      // A backend that refuses everything has no registry to change.
    }
    return snapshot(registry);
  }

  /** The services and each one's resolved handle, or a marker for a refusing backend. */
  private static List<Object> snapshot(ServiceManager registry) throws SamgrError {
    List<Object> state = new ArrayList<>();
    try {
      List<ServiceHandle> services = registry.services();
      state.add(services);
      for (ServiceHandle handle : services) {
        state.add(registry.resolve(handle.name()));
        state.add(registry.liveness(handle.name()));
      }
    } catch (SamgrError.Unsupported refused) {
      state.add("unsupported: " + refused.operation());
    }
    return state;
  }
}

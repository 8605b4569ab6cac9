package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opennexus.samgr.Endpoint;

/** Help, completion, and bad command lines: exit 2, one line on stderr, nothing changed. */
@Timeout(60)
class SamgrUsageTest {

  private final Cli cli = new Cli();

  @AfterEach
  void close() {
    cli.close();
  }

  private void assertUsage(String err, String... args) throws Exception {
    assertEquals(new Cli.Result(ExitCodes.USAGE, "", err + System.lineSeparator()), cli.run(args));
    assertEquals(List.of(), cli.registry.services(), "a bad command line changed the registry");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "serve",
        "dashboard",
        "list",
        "resolve",
        "await",
        "register",
        "restart",
        "unregister",
        "heartbeat",
        "watch",
        "sweep",
        "generate-completion",
        "help"
      })
  void everyCommandHasHelp(String command) {
    Cli.Result help = cli.run(command, "--help");
    assertEquals(0, help.code(), help.err());
    // picocli's own help command puts its one-line description first
    assertTrue(help.out().contains("Usage: samgr " + command + " ["), help.out());
    assertTrue(
        command.equals("help") || help.out().startsWith("Usage: samgr " + command), help.out());
    assertEquals("", help.err());
    assertEquals(help, cli.run("help", command));
  }

  @Test
  void rootHelpListsCommandsAndExitCodes() {
    Cli.Result help = cli.run("--help");
    assertEquals(0, help.code());
    for (String line :
        List.of(
            "  watch ",
            "  serve ",
            "  3   NotFound: the service is not registered",
            "  4   Duplicate: the name is already registered",
            "  5   StaleHandle: the generation given is not the current one",
            "  6   Unavailable: the server could not be reached",
            "  7   Denied: the server refused the operation",
            "  2   usage: unknown command or option")) {
      assertTrue(
          help.out().replaceAll(" +", " ").contains(line.replaceAll(" +", " ")),
          line + " missing from:\n" + help.out());
    }
  }

  @Test
  void bashCompletionIsGenerated() {
    Cli.Result script = cli.run("generate-completion");
    assertEquals(0, script.code());
    assertTrue(script.out().contains("function _complete_samgr()"), script.out());
    assertTrue(script.out().contains("complete -F _complete_samgr"), script.out());
    assertTrue(script.out().contains("unregister"), script.out());
  }

  @Test
  void versionIsPrinted() {
    assertEquals(
        new Cli.Result(0, "samgr (development build)" + System.lineSeparator(), ""),
        cli.run("--version"));
  }

  @Test
  void noCommandIsAUsageError() throws Exception {
    assertUsage("samgr: a command is required (see 'samgr --help')");
  }

  @Test
  void unknownCommandIsAUsageError() throws Exception {
    assertUsage("samgr: Unmatched argument at index 0: 'lsit' (see 'samgr --help')", "lsit");
  }

  @Test
  void unknownOptionIsAUsageError() throws Exception {
    assertUsage(
        "samgr list: Unknown option: '--bogus' (see 'samgr list --help')", "list", "--bogus");
  }

  @Test
  void missingArgumentsAreUsageErrors() throws Exception {
    assertUsage(
        "samgr register: Missing required parameter: 'ENDPOINT' (see 'samgr register --help')",
        "register",
        "net");
    assertUsage(
        "samgr unregister: Missing required option: '--generation=G' (see 'samgr unregister"
            + " --help')",
        "unregister",
        "net");
  }

  @Test
  void aGenerationThatIsNotANumberIsAUsageError() throws Exception {
    cli.registry.register("net", Endpoint.of("tcp://a"));
    assertEquals(
        new Cli.Result(
            ExitCodes.USAGE,
            "",
            "samgr heartbeat: Invalid value for option '--generation': 'two' is not a long"
                + " (see 'samgr heartbeat --help')"
                + System.lineSeparator()),
        cli.run("heartbeat", "net", "--generation", "two"));
  }

  @Test
  void aGenerationBelowOneIsAUsageErrorAndChangesNothing() throws Exception {
    cli.registry.register("net", Endpoint.of("tcp://a"));
    cli.clock.advance(Duration.ofSeconds(31));
    Cli.Result result = cli.run("heartbeat", "net", "--generation", "0");
    assertEquals(ExitCodes.USAGE, result.code());
    assertEquals("", result.out());
    assertTrue(result.err().startsWith("samgr heartbeat: "), result.err());
    assertTrue(result.err().contains("generation"), result.err());
    assertEquals(1, result.err().lines().count());
    assertEquals(
        Instant.parse("2026-11-27T12:00:00Z"), cli.registry.liveness("net").lastHeartbeat());
  }

  @Test
  void aNameWithAControlCharacterIsAUsageErrorAndChangesNothing() throws Exception {
    Cli.Result result = cli.run("register", "bad\u0007name", "tcp://a");
    assertEquals(ExitCodes.USAGE, result.code());
    assertEquals("", result.out());
    assertTrue(result.err().startsWith("samgr register: "), result.err());
    assertTrue(result.err().contains("control"), result.err());
    assertEquals(1, result.err().lines().count());
    assertEquals(List.of(), cli.registry.services());
  }

  @Test
  void anEmptyEndpointIsAUsageError() throws Exception {
    Cli.Result result = cli.run("register", "net", "");
    assertEquals(ExitCodes.USAGE, result.code());
    assertTrue(result.err().startsWith("samgr register: "), result.err());
    assertEquals(List.of(), cli.registry.services());
  }

  @Test
  void badDurationsAreUsageErrors() throws Exception {
    assertUsage(
        "samgr await: Invalid value for option '--timeout': 'soon' is not a duration (such as"
            + " 500ms, 5s, 2m, 1h, PT5S, or 5000 for milliseconds) (see 'samgr await --help')",
        "await",
        "net",
        "--timeout",
        "soon");
    assertUsage(
        "samgr await: Invalid value for option '--timeout': '-PT1S' is negative; a duration is 0"
            + " or more (see 'samgr await --help')",
        "await",
        "net",
        "--timeout",
        "-PT1S");
  }

  @Test
  void badPortsAreUsageErrors() throws Exception {
    assertUsage("samgr serve: --port 70000 is not a port (0 to 65535)", "serve", "--port", "70000");
    assertUsage(
        "samgr dashboard: --http -1 is not a port (0 to 65535)", "dashboard", "--http", "-1");
    assertUsage(
        "samgr dashboard: --http-bind 'no.such.host.invalid' is not a known address",
        "dashboard",
        "--http",
        "0",
        "--http-bind",
        "no.such.host.invalid");
  }

  /** A taken dashboard port: exit 1, one line naming the address, the options and a way out. */
  @Test
  void aTakenDashboardPortSaysWhichAndWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Cli.Result result = cli.run("dashboard", "--http", Integer.toString(port));
      assertEquals(ExitCodes.FAILURE, result.code());
      assertEquals("", result.out());
      String prefix =
          "samgr dashboard: cannot serve the dashboard: cannot listen on 127.0.0.1:"
              + port
              + " (--http, --http-bind): ";
      assertTrue(result.err().startsWith(prefix), result.err());
      assertTrue(
          result
              .err()
              .endsWith(
                  "; try --http 0 for a free port, or another address" + System.lineSeparator()),
          result.err());
      assertEquals(1, result.err().lines().count());
    }
  }

  @Test
  void aHugeAwaitTimeoutIsRefusedNamingTheOptionAndTheLimit() {
    Cli.Result result = cli.run("await", "x", "--timeout", "PT2562047788015215H");
    assertEquals(
        new Cli.Result(
            ExitCodes.USAGE,
            "",
            "samgr await: --timeout PT2562047788015215H is too long: at most 365 days"
                + System.lineSeparator()),
        result);
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    Commands.DurationConverter converter = new Commands.DurationConverter();
    assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
    assertEquals(Duration.ofSeconds(10), converter.convert("10s"));
    assertEquals(Duration.ofMinutes(2), converter.convert("2M"));
    assertEquals(Duration.ofHours(1), converter.convert("1h"));
    assertEquals(Duration.ofSeconds(90), converter.convert("PT1M30S"));
    assertEquals(Duration.ZERO, converter.convert("0s"));
  }

  @Test
  void relativeTimes() {
    Instant now = Instant.parse("2026-11-27T12:00:00Z");
    assertEquals("just now", Printer.ago(now.minusMillis(999), now));
    assertEquals("just now", Printer.ago(now.plusMillis(999), now));
    assertEquals("1s ago", Printer.ago(now.minusSeconds(1), now));
    assertEquals("59s ago", Printer.ago(now.minusSeconds(59), now));
    assertEquals("1m 0s ago", Printer.ago(now.minusSeconds(60), now));
    assertEquals("59m 59s ago", Printer.ago(now.minusSeconds(3599), now));
    assertEquals("1h 0m ago", Printer.ago(now.minusSeconds(3600), now));
    assertEquals("23h 59m ago", Printer.ago(now.minusSeconds(86_399), now));
    assertEquals("2d ago", Printer.ago(now.minusSeconds(2 * 86_400), now));
    assertEquals("in 5s", Printer.ago(now.plusSeconds(5), now));
  }
}

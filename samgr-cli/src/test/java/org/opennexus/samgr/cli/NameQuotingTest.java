package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opennexus.samgr.Endpoint;

/** No name or endpoint can forge a line of text output: values that are not plain are quoted. */
@Timeout(60)
class NameQuotingTest {

  private static final String NL = System.lineSeparator();
  private static final String FORGED = "x generation 999 at tcp://evil";

  private final Cli cli = new Cli();

  @AfterEach
  void close() {
    cli.close();
  }

  @Test
  void nameWithSpacesIsQuotedInEveryLineItAppearsIn() throws Exception {
    assertEquals(
        new Cli.Result(0, "registered \"" + FORGED + "\" generation 1 at tcp://real" + NL, ""),
        cli.run("register", FORGED, "tcp://real"));
    assertEquals(
        new Cli.Result(0, "\"" + FORGED + "\" generation 1 at tcp://real" + NL, ""),
        cli.run("resolve", FORGED));
    assertEquals(
        new Cli.Result(0, "heartbeat \"" + FORGED + "\" generation 1 at tcp://real" + NL, ""),
        cli.run("heartbeat", FORGED, "--generation", "1"));
    String list = cli.run("list").out();
    assertTrue(
        list.contains(NL + "\"" + FORGED + "\"  tcp://real  1 "), () -> "list printed: " + list);
  }

  @Test
  void endpointWithSpacesQuotesAndBackslashesIsQuotedAndEscaped() throws Exception {
    cli.registry.register("a", Endpoint.of("tcp://evil generation 7 at \"x\\y\""));
    assertEquals(
        new Cli.Result(
            0, "a generation 1 at \"tcp://evil generation 7 at \\\"x\\\\y\\\"\"" + NL, ""),
        cli.run("resolve", "a"));
  }

  @Test
  void invisibleSpacesAreEscapedInsideQuotes() throws Exception {
    cli.registry.register("a\u00A0b c\u3000", Endpoint.of("tcp://x"));
    assertEquals(
        new Cli.Result(0, "\"a\\u{00A0}b c\\u{3000}\" generation 1 at tcp://x" + NL, ""),
        cli.run("resolve", "a\u00A0b c\u3000"));
  }

  @Test
  void quotingShowsPlainValuesAsTheyAre() {
    assertEquals("storage-primary", Quoting.quote("storage-primary"));
    assertEquals("café-名-\uD83D\uDE00", Quoting.quote("café-名-\uD83D\uDE00"));
    assertEquals("\"it's\"", Quoting.quote("it's"));
    assertEquals("\"a\\u{202E}b\\u{E0041}\"", Quoting.quote("a\u202Eb\uDB40\uDC41"));
    assertEquals("\"\\u{D800}\"", Quoting.quote("\uD800"));
  }

  @Test
  void errorsQuoteNamesThatAreNotPlain() {
    assertEquals(
        new Cli.Result(
            3,
            "",
            "samgr resolve: no service named \"it's here\" is registered ('samgr list' shows"
                + " what is registered)"
                + NL),
        cli.run("resolve", "it's here"));
  }

  @Test
  void invisibleAndBidiCharactersAreRefusedAtRegisterAndRestart() {
    for (String command : new String[] {"register", "restart"}) {
      Cli.Result result = cli.run(command, "invoice\u202Efdp.exe", "tcp://x");
      assertEquals(2, result.code(), result::toString);
      assertEquals("", result.out());
      assertTrue(result.err().contains("U+202E at index 7"), result::err);
      assertTrue(result.err().contains("bidirectional-control"), result::err);
    }
    Cli.Result zwsp = cli.run("register", "net", "tcp://real\u200B");
    assertEquals(2, zwsp.code(), zwsp::toString);
    assertTrue(zwsp.err().contains("address must not contain invisible"), zwsp::err);
    cli.clock.advance(Duration.ofSeconds(1));
    assertEquals(new Cli.Result(0, "no services registered" + NL, ""), cli.run("list"));
  }
}

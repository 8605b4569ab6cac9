package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opennexus.samgr.SamgrError;

/** The exit codes: one list (Outcome) for the code, the help and the docs. */
class OutcomeDocsTest {

  private static final Path DOCS = Path.of("..", "docs", "cli.md");

  @Test
  void theDocsExitCodeTableIsTheOutcomeList() throws IOException {
    List<String> expected = new ArrayList<>();
    for (Outcome outcome : Outcome.values()) {
      expected.add("| " + outcome.code() + " | " + outcome.docsText() + " |");
    }
    assertEquals(expected, tableUnder("## Exit codes"));
  }

  @Test
  void codesAreDistinctAndTheConstantsAgree() {
    assertEquals(
        List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 130),
        java.util.Arrays.stream(Outcome.values()).map(Outcome::code).toList());
    assertEquals(ExitCodes.UNAVAILABLE, ExitCodes.of(new SamgrError.Unavailable("open", "x")));
    assertEquals(
        Outcome.UNSUPPORTED.code(),
        SamgrCli.exitCode(
            new UnsupportedOperationException("no", new SamgrError.Unsupported("find", "os"))));
  }

  @Test
  void errorLinesNeverNameJavaClasses() {
    List<Exception> failures =
        List.of(
            new IOException(),
            new java.util.concurrent.TimeoutException(),
            new IllegalStateException("x", new java.net.ConnectException("refused")),
            new ArithmeticException(),
            new InterruptedException());
    for (Exception failure : failures) {
      String line = SamgrCli.describe(failure);
      assertFalse(line.matches(".*[A-Z][a-z]+(Exception|Error).*"), line);
      assertFalse(line.contains("java."), line);
      assertTrue(
          line.startsWith("failed without a message")
              || line.equals("x")
              || line.equals("interrupted (Ctrl-C or SIGTERM)"),
          line);
    }
  }

  /**
   * A signal during a start interrupts whatever the command thread is in: a wait, or an
   * interruptible channel (serve locking its directories), which throws without a message.
   */
  @Test
  void anInterruptSeenByAChannelIsInterruptedNotAFailure() {
    for (Exception failure :
        List.of(
            new java.nio.channels.ClosedByInterruptException(),
            new IOException("could not start", new java.nio.channels.ClosedByInterruptException()),
            new java.io.InterruptedIOException())) {
      assertEquals(ExitCodes.INTERRUPTED, SamgrCli.exitCode(failure), failure.toString());
      assertEquals("interrupted (Ctrl-C or SIGTERM)", SamgrCli.describe(failure));
    }
    assertEquals(ExitCodes.FAILURE, SamgrCli.exitCode(new IOException("disk full")));
  }

  @Test
  void anUnavailableForAnAnswerKeepsItsOwnRemedyAndExits6() {
    SamgrError.Unavailable answered =
        new SamgrError.Unavailable(
            "register", "zookeeper", "node '/samgr/records' does not exist; open it again", null);
    assertEquals(ExitCodes.UNAVAILABLE, SamgrCli.exitCode(answered));
    assertEquals(
        "operation 'register' of the 'zookeeper' samgr backend failed: node '/samgr/records' does"
            + " not exist; open it again",
        SamgrCli.describe(answered));
    SamgrError.Unavailable unreachable = new SamgrError.Unavailable("register", "zookeeper");
    assertEquals(
        unreachable.getMessage() + " (" + Outcome.UNAVAILABLE.hint() + ")",
        SamgrCli.describe(unreachable));
  }

  /** The rows of the first table after {@code heading} in docs/cli.md, header rows left out. */
  private static List<String> tableUnder(String heading) throws IOException {
    List<String> lines = Files.readAllLines(DOCS);
    int at = lines.indexOf(heading);
    assertTrue(at >= 0, "no '" + heading + "' in " + DOCS);
    List<String> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : lines.subList(at + 1, lines.size())) {
      if (line.startsWith("|")) {
        inTable = true;
        rows.add(line);
      } else if (inTable || line.startsWith("#")) {
        break;
      }
    }
    assertTrue(rows.size() > 2, "no table under '" + heading + "'");
    return rows.subList(2, rows.size());
  }
}

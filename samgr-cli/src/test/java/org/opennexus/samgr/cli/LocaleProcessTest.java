package org.opennexus.samgr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code LC_ALL=C} a non-ASCII name is read and printed as it is (UTF-8 in, UTF-8 out), never
 * as {@code ???}. The child is started by a shell script written as UTF-8 bytes, so the name
 * reaches it as UTF-8 whatever this JVM's own locale.
 */
@Timeout(180)
class LocaleProcessTest {

  private static final String NAME = "café-名-\uD83D\uDE00";
  private static final String ENDPOINT = "tcp://müller:7000";

  @TempDir Path temp;

  @Test
  void nonAsciiNamesRoundTripUnderTheCLocale() throws Exception {
    Cli.Result registered = runUnderCLocale("register", NAME, ENDPOINT, "--connect", "embedded");
    assertEquals(0, registered.code(), registered::toString);
    assertEquals("", registered.err());
    String out = registered.out().replaceFirst(" generation \\d+ ", " generation G ");
    assertEquals(
        "registered " + NAME + " generation G at " + ENDPOINT + System.lineSeparator(), out);

    Cli.Result missing = runUnderCLocale("resolve", NAME, "--connect", "embedded");
    assertEquals(3, missing.code(), missing::toString);
    assertEquals(
        "samgr resolve: no service named '"
            + NAME
            + "' is registered ('samgr list' shows what is"
            + " registered)"
            + System.lineSeparator(),
        missing.err());
  }

  private Cli.Result runUnderCLocale(String... args) throws Exception {
    List<String> command = ServeProcessTest.samgr(args).command();
    String line =
        command.stream().map(LocaleProcessTest::shellQuote).collect(Collectors.joining(" "));
    Path script = Files.createTempFile(temp, "samgr", ".sh");
    Files.write(
        script,
        ("unset LANG LANGUAGE LC_CTYPE LC_MESSAGES\nexport LC_ALL=C\nexec " + line + "\n")
            .getBytes(StandardCharsets.UTF_8));
    return ServeProcessTest.run(new ProcessBuilder("/bin/sh", script.toString()));
  }

  private static String shellQuote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}

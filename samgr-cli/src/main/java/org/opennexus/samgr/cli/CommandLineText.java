package org.opennexus.samgr.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * samgr's text is UTF-8 whatever the locale: standard output and standard error are written in
 * UTF-8, and arguments the JVM could not decode (under {@code LC_ALL=C} it turns each byte of a
 * non-ASCII argument into {@code ?}) are read again as UTF-8 from the process's own command line
 * where the system shows it ({@code /proc/self/cmdline} on Linux).
 */
final class CommandLineText {

  private CommandLineText() {}

  /** Makes {@link System#out} and {@link System#err} write UTF-8; call first thing in main. */
  static void useUtf8Output() {
    System.setOut(utf8(FileDescriptor.out));
    System.setErr(utf8(FileDescriptor.err));
    // picocli gives a command line whose writers were not set (a subcommand's, made on demand) a
    // writer in the charset these properties name, else the locale's (US-ASCII under LC_ALL=C).
    System.setProperty("sun.stdout.encoding", StandardCharsets.UTF_8.name());
    System.setProperty("sun.stderr.encoding", StandardCharsets.UTF_8.name());
  }

  private static PrintStream utf8(FileDescriptor descriptor) {
    return new PrintStream(
        new BufferedOutputStream(new FileOutputStream(descriptor), 8192),
        true,
        StandardCharsets.UTF_8);
  }

  /**
   * The arguments as the user typed them: {@code args} itself unless the JVM decoded them with a
   * charset other than UTF-8 and lost characters that the process's command line still holds.
   */
  static String[] arguments(String[] args) {
    if (decodedAsUtf8() || Arrays.stream(args).allMatch(CommandLineText::nothingLost)) {
      return args;
    }
    try {
      return recover(args, Files.readAllBytes(Path.of("/proc/self/cmdline")));
    } catch (IOException | RuntimeException e) {
      return args; // not Linux, or not readable: keep what the JVM decoded
    }
  }

  /**
   * {@code args} with each argument replaced by the UTF-8 reading of the matching entry at the end
   * of {@code cmdline} (NUL-terminated entries), where that entry is valid UTF-8 and agrees with
   * the JVM's decoding on every ASCII byte.
   */
  static String[] recover(String[] args, byte[] cmdline) {
    List<byte[]> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        entries.add(Arrays.copyOfRange(cmdline, start, i));
        start = i + 1;
      }
    }
    if (entries.size() < args.length) {
      return args;
    }
    String[] recovered = args.clone();
    int offset = entries.size() - args.length;
    for (int i = 0; i < args.length; i++) {
      byte[] raw = entries.get(offset + i);
      if (agrees(args[i], raw)) {
        try {
          recovered[i] =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(raw))
                  .toString();
        } catch (CharacterCodingException e) {
          // not UTF-8: keep the JVM's reading
        }
      }
    }
    return recovered;
  }

  /** One char per byte, equal on ASCII bytes: what a single-byte charset made of {@code raw}. */
  private static boolean agrees(String decoded, byte[] raw) {
    if (decoded.length() != raw.length) {
      return false;
    }
    for (int i = 0; i < raw.length; i++) {
      char c = decoded.charAt(i);
      if (raw[i] >= 0 ? c != raw[i] : c < 0x80 && c != '?') {
        return false;
      }
    }
    return true;
  }

  private static boolean decodedAsUtf8() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name != null && Charset.forName(name).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** ASCII without {@code ?}: no byte was lost or changed in decoding. */
  private static boolean nothingLost(String text) {
    return text.chars().allMatch(c -> c < 0x80 && c != '?');
  }
}

package org.opennexus.samgr.cli;

import java.util.Locale;

/**
 * How text output shows a value (a name, an endpoint) so that no value can forge a line: a value
 * made only of visible characters other than quotes and backslashes is shown as it is; any other is
 * shown in double quotes, with {@code \"} for a double quote, {@code \\} for a backslash and <code>
 * &#92;u{XXXX}</code> (the code point in hex, at least four digits) for any character that does not
 * show as itself (controls, format characters, spaces other than U+0020, separators, unpaired
 * surrogates, unassigned and private-use code points). So {@code x generation 9 at tcp://evil}
 * prints as {@code "x generation 9 at tcp://evil"} and cannot pass for the fields that follow it.
 */
final class Quoting {

  private Quoting() {}

  /** {@code value} as it is when plain, else quoted and escaped. */
  static String quote(String value) {
    if (isPlain(value)) {
      return value;
    }
    StringBuilder quoted = new StringBuilder(value.length() + 8).append('"');
    value
        .codePoints()
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                quoted.append('\\').appendCodePoint(c);
              } else if (c == ' ' || (!isSpace(c) && shows(c))) {
                quoted.appendCodePoint(c);
              } else {
                quoted.append(String.format(Locale.ROOT, "\\u{%04X}", c));
              }
            });
    return quoted.append('"').toString();
  }

  /** Whether {@code value} is shown as it is: not empty, only visible, no quote or backslash. */
  static boolean isPlain(String value) {
    return !value.isEmpty()
        && value
            .codePoints()
            .allMatch(c -> c != '"' && c != '\\' && c != '\'' && !isSpace(c) && shows(c));
  }

  /** Spaces and white space of every kind (U+00A0, U+3000, tabs...). */
  private static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /** Whether a code point shows as itself (not a control, format, separator or surrogate). */
  private static boolean shows(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.PRIVATE_USE ->
          false;
      default -> true;
    };
  }
}

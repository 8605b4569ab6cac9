package org.opennexus.samgr.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

/** Assertions the contracts share; not part of the TCK's API. */
final class Checks {

  private Checks() {}

  /** The exception's message, or the empty string when it has none. */
  static String message(Throwable e) {
    String message = e.getMessage();
    return message == null ? "" : message;
  }

  /** Asserts that the exception's message contains every one of {@code parts}. */
  static void assertMessageNames(Throwable e, String... parts) {
    String message = message(e);
    for (String part : parts) {
      assertTrue(
          message.contains(part),
          () -> e.getClass().getName() + " message should name '" + part + "' but is: " + message);
    }
  }

  /** Asserts that the message contains {@code number} as a whole number, not inside another. */
  static void assertMessageNamesNumber(Throwable e, long number) {
    String message = message(e);
    assertTrue(
        Pattern.compile("(?<![0-9])" + number + "(?![0-9])").matcher(message).find(),
        () -> e.getClass().getName() + " message should name " + number + " but is: " + message);
  }
}

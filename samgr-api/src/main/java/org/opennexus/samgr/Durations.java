package org.opennexus.samgr;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opennexus.samgr.spi.Arguments;

/**
 * The one syntax of durations written as text for samgr: in settings ({@link
 * Samgr.Builder#setting}, system properties, environment variables), on the {@code samgr} command
 * line, and in {@code @SamgrTest(livenessTimeout = ...)}.
 *
 * <p>The grammar, after leading and trailing whitespace is removed, is one of:
 *
 * <ul>
 *   <li>a whole number of 1 to 18 digits followed by a unit: {@code ms} (milliseconds), {@code s}
 *       (seconds), {@code m} (minutes) or {@code h} (hours), in any case and with no space between:
 *       {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h};
 *   <li>a bare whole number of 1 to 18 digits: that many milliseconds ({@code 5000});
 *   <li>an ISO-8601 duration as {@link Duration#parse(CharSequence)} reads it: {@code PT5S}, {@code
 *       PT0.25S}, {@code P1DT2H}.
 * </ul>
 *
 * <p>Anything else ({@code 1.5s}, {@code 5 s}, {@code 5sec}, {@code -5s}, an empty text) is not a
 * duration. A duration is never negative; {@link #parsePositive} also refuses zero. Every error is
 * an {@link IllegalArgumentException} whose message names what was being read (the setting's key
 * and source, the option, the annotation) and the text, shortened to 200 characters:
 *
 * <pre>{@code
 * Durations.parse("500ms", "option --timeout");   // PT0.5S
 * Durations.parse("soon", "option --timeout");
 * // IllegalArgumentException: option --timeout 'soon' is not a duration (such as 500ms, 5s,
 * //   2m, 1h, PT5S, or 5000 for milliseconds)
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {

  /** What every "not a duration" message suggests instead. */
  public static final String EXAMPLES = "such as 500ms, 5s, 2m, 1h, PT5S, or 5000 for milliseconds";

  private static final Pattern SHORT = Pattern.compile("(\\d{1,18})(ms|s|m|h)?");

  private Durations() {}

  /**
   * Parses a duration of zero or more.
   *
   * @param text the text to parse
   * @param what what is being read, for the message, such as {@code "option --timeout"} or {@code
   *     "setting zookeeper.session-timeout (from system property x)"}; may be empty
   * @return the duration, zero or more
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code text} is not a duration of this syntax, is too long
   *     for a {@link Duration}, or is negative; the message names {@code what} and {@code text}
   */
  public static Duration parse(String text, String what) {
    Duration duration = read(text, what);
    if (duration.isNegative()) {
      throw invalid(text, what, "is negative; a duration is 0 or more");
    }
    return duration;
  }

  /**
   * Parses a duration greater than zero, such as a timeout.
   *
   * @param text the text to parse
   * @param what what is being read, for the message; may be empty
   * @return the duration, positive
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code text} is not a duration of this syntax, is too long
   *     for a {@link Duration}, or is zero or negative; the message names {@code what} and {@code
   *     text}
   */
  public static Duration parsePositive(String text, String what) {
    Duration duration = read(text, what);
    if (duration.isNegative() || duration.isZero()) {
      throw invalid(text, what, "must be a positive duration");
    }
    return duration;
  }

  private static Duration read(String text, String what) {
    Arguments.requireNonNull(text, "text");
    Arguments.requireNonNull(what, "what");
    String trimmed = text.strip();
    Matcher shortForm = SHORT.matcher(trimmed.toLowerCase(Locale.ROOT));
    try {
      if (shortForm.matches()) {
        long amount = Long.parseLong(shortForm.group(1));
        String unit = shortForm.group(2);
        if (unit == null) {
          return Duration.ofMillis(amount);
        }
        return switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
      return Duration.parse(trimmed);
    } catch (ArithmeticException tooLong) {
      throw invalid(text, what, "is longer than the longest duration");
    } catch (DateTimeParseException e) {
      throw invalid(text, what, "is not a duration (" + EXAMPLES + ")");
    }
  }

  private static IllegalArgumentException invalid(String text, String what, String why) {
    String shown = text.length() <= 200 ? text : text.substring(0, 200) + "...";
    return new IllegalArgumentException(
        (what.isEmpty() ? "" : what + " ") + "'" + shown + "' " + why);
  }
}

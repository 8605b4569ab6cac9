package org.opennexus.samgr.spi;

import org.jspecify.annotations.Nullable;

/**
 * The argument rules every samgr backend applies, so that a name valid on one backend is valid on
 * all of them.
 *
 * <p>A <em>name</em> is 1 to {@value #MAX_NAME_LENGTH} UTF-16 code units; an endpoint
 * <em>address</em> is 1 to {@value #MAX_ADDRESS_LENGTH}. Neither may contain
 *
 * <ul>
 *   <li>an ISO control character ({@link Character#isISOControl(char)}: U+0000 to U+001F and U+007F
 *       to U+009F);
 *   <li>an invisible or bidirectional-control character: a Unicode format character (general
 *       category Cf, {@link Character#FORMAT}, such as U+200B ZERO WIDTH SPACE, U+200D ZERO WIDTH
 *       JOINER, U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 to U+2069 isolates, U+FEFF, U+00AD SOFT
 *       HYPHEN and the tag characters U+E0001 to U+E007F), or U+2028 LINE SEPARATOR or U+2029
 *       PARAGRAPH SEPARATOR, so that no name or address can hide text, reorder what a terminal or
 *       page shows, or break a line;
 *   <li>an unpaired surrogate.
 * </ul>
 *
 * <p>Any other character, including non-ASCII letters, spaces and properly paired supplementary
 * characters, is allowed. (Emoji sequences joined by U+200D are therefore refused; a single emoji
 * is fine.) Output meant for people still has to quote values: a name may contain spaces.
 *
 * <p>Violations throw {@link IllegalArgumentException} whose message names the parameter and the
 * rule that failed and, for characters, its code and index, but never echoes the input, so a
 * megabyte of bad input yields a one-line message. The length is checked first, so rejecting an
 * oversized input costs constant time.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class Arguments {

  /** The most UTF-16 code units a service name may have. */
  public static final int MAX_NAME_LENGTH = 256;

  /** The most UTF-16 code units an endpoint address may have. */
  public static final int MAX_ADDRESS_LENGTH = 4096;

  private Arguments() {}

  /**
   * Returns {@code value} if it is not {@code null}.
   *
   * @param <T> the value's type
   * @param value the argument
   * @param parameter the parameter's name, used in the message
   * @return {@code value}
   * @throws NullPointerException with the message "{@code parameter} must not be null" if {@code
   *     value} is {@code null}
   */
  public static <T> T requireNonNull(@Nullable T value, String parameter) {
    if (value == null) {
      throw new NullPointerException(parameter + " must not be null");
    }
    return value;
  }

  /**
   * Returns {@code name} if it is a valid service name.
   *
   * @param name the service name to check
   * @return {@code name}
   * @throws NullPointerException if {@code name} is {@code null}
   * @throws IllegalArgumentException if {@code name} breaks a rule of this class
   */
  public static String requireName(String name) {
    return requireText(name, "name", MAX_NAME_LENGTH);
  }

  /**
   * Returns {@code address} if it is a valid endpoint address.
   *
   * @param address the endpoint address to check
   * @return {@code address}
   * @throws NullPointerException if {@code address} is {@code null}
   * @throws IllegalArgumentException if {@code address} breaks a rule of this class
   */
  public static String requireAddress(String address) {
    return requireText(address, "address", MAX_ADDRESS_LENGTH);
  }

  /**
   * Tells whether {@code name} is a valid service name, without throwing.
   *
   * @param name the candidate name; {@code null} is not valid
   * @return {@code true} if {@link #requireName(String)} would accept it
   */
  public static boolean isValidName(@Nullable String name) {
    return name != null && problem(name, MAX_NAME_LENGTH) == null;
  }

  private static String requireText(String value, String parameter, int maxLength) {
    requireNonNull(value, parameter);
    String problem = problem(value, maxLength);
    if (problem != null) {
      throw new IllegalArgumentException(parameter + " " + problem);
    }
    return value;
  }

  /** Returns what is wrong with {@code value}, or {@code null} if nothing is. */
  private static @Nullable String problem(String value, int maxLength) {
    int length = value.length();
    if (length == 0 || length > maxLength) {
      return "must be 1 to " + maxLength + " characters (UTF-16 code units), but has " + length;
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "must not contain ISO control characters, but has " + code(c) + " at index " + i;
      }
      if (isInvisible(c)) {
        return INVISIBLE + code(c) + " at index " + i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
          int codePoint = Character.toCodePoint(c, value.charAt(i + 1));
          if (Character.getType(codePoint) == Character.FORMAT) {
            return INVISIBLE + String.format("U+%04X", codePoint) + " at index " + i;
          }
          i++; // a well-formed pair: skip its low half
          continue;
        }
        return "must not contain unpaired surrogates, but has an unpaired high surrogate "
            + code(c)
            + " at index "
            + i;
      }
      if (Character.isLowSurrogate(c)) {
        return "must not contain unpaired surrogates, but has an unpaired low surrogate "
            + code(c)
            + " at index "
            + i;
      }
    }
    return null;
  }

  private static final String INVISIBLE =
      "must not contain invisible or bidirectional-control characters (Unicode format characters"
          + " and line or paragraph separators), but has ";

  /** A format character (Cf) of the Basic Multilingual Plane, or U+2028 or U+2029. */
  private static boolean isInvisible(char c) {
    int type = Character.getType(c);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static String code(char c) {
    return String.format("U+%04X", (int) c);
  }
}

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
 *   <li>an unpaired surrogate;
 *   <li>a default-ignorable character: one with the Unicode property Default_Ignorable_Code_Point,
 *       which a terminal or page may show as nothing at all, such as U+034F COMBINING GRAPHEME
 *       JOINER, the variation selectors U+FE00 to U+FE0F and U+E0100 to U+E01EF, the Hangul fillers
 *       U+115F, U+1160, U+3164 and U+FFA0, U+180B to U+180F and U+1D173 to U+1D17A (and the
 *       reserved code points the property covers);
 *   <li>U+2800 BRAILLE PATTERN BLANK, which shows as a blank;
 *   <li>a combining mark (general category Mn, Mc or Me, such as U+0301 COMBINING ACUTE ACCENT) as
 *       the first character, where it would combine with whatever is printed before the name.
 * </ul>
 *
 * <p>Any other character, including non-ASCII letters, spaces, combining marks after the first
 * character (e followed by U+0301 is fine) and properly paired supplementary characters, is
 * allowed. (Emoji sequences joined by U+200D or carrying a variation selector such as U+FE0F are
 * therefore refused; a single emoji without one is fine.) Characters are checked as code points,
 * and each one against the rules in the order above, so a character that breaks several rules is
 * reported under the first. Output meant for people still has to quote values: a name may contain
 * spaces.
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
    int i = 0;
    while (i < length) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return "must not contain ISO control characters, but has " + code(c) + " at index " + i;
      }
      int codePoint = c;
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= length || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return "must not contain unpaired surrogates, but has an unpaired high surrogate "
              + code(c)
              + " at index "
              + i;
        }
        codePoint = Character.toCodePoint(c, value.charAt(i + 1));
      } else if (Character.isLowSurrogate(c)) {
        return "must not contain unpaired surrogates, but has an unpaired low surrogate "
            + code(c)
            + " at index "
            + i;
      }
      String rule = rule(codePoint, i);
      if (rule != null) {
        return rule + code(codePoint) + " at index " + i;
      }
      i += Character.charCount(codePoint);
    }
    return null;
  }

  /**
   * Returns the start of the message for the rule that {@code codePoint}, a well-formed code point
   * (not a control character) at {@code index}, breaks, or {@code null} if it breaks none.
   */
  private static @Nullable String rule(int codePoint, int index) {
    int type = Character.getType(codePoint);
    if (type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR) {
      return INVISIBLE;
    }
    if (isDefaultIgnorable(codePoint)) {
      return IGNORABLE;
    }
    if (codePoint == BRAILLE_PATTERN_BLANK) {
      return BLANK;
    }
    if (index == 0
        && (type == Character.NON_SPACING_MARK
            || type == Character.COMBINING_SPACING_MARK
            || type == Character.ENCLOSING_MARK)) {
      return LEADING_MARK;
    }
    return null;
  }

  private static final String INVISIBLE =
      "must not contain invisible or bidirectional-control characters (Unicode format characters"
          + " and line or paragraph separators), but has ";

  private static final String IGNORABLE =
      "must not contain default-ignorable characters (Unicode Default_Ignorable_Code_Point, such"
          + " as variation selectors and fillers), but has ";

  private static final String BLANK = "must not contain characters that look blank, but has ";

  private static final String LEADING_MARK =
      "must not start with a combining mark (Unicode category Mn, Mc or Me), but has ";

  /** U+2800 BRAILLE PATTERN BLANK: a symbol (So) that shows as nothing. */
  private static final int BRAILLE_PATTERN_BLANK = 0x2800;

  /**
   * The code points with the Unicode property Default_Ignorable_Code_Point, from Unicode's
   * DerivedCoreProperties.txt, Unicode 15.0 (the same set since Unicode 14.0): each range as its
   * first code point followed by the first code point after it, in ascending order, so that a code
   * point has the property exactly when an odd number of entries are at most it. The ranges include
   * unassigned code points the property reserves (U+2065, U+FFF0 to U+FFF8, most of U+E0000 to
   * U+E0FFF); many are also format characters (Cf), refused by the rule before.
   */
  private static final int[] DEFAULT_IGNORABLE = {
    0x00AD, 0x00AE, // SOFT HYPHEN
    0x034F, 0x0350, // COMBINING GRAPHEME JOINER
    0x061C, 0x061D, // ARABIC LETTER MARK
    0x115F, 0x1161, // HANGUL CHOSEONG FILLER, HANGUL JUNGSEONG FILLER
    0x17B4, 0x17B6, // KHMER VOWEL INHERENT AQ and AA
    0x180B, 0x1810, // MONGOLIAN FREE VARIATION SELECTORs, MONGOLIAN VOWEL SEPARATOR
    0x200B, 0x2010, // ZERO WIDTH SPACE to RIGHT-TO-LEFT MARK
    0x202A, 0x202F, // LEFT-TO-RIGHT EMBEDDING to RIGHT-TO-LEFT OVERRIDE
    0x2060, 0x2070, // WORD JOINER to NOMINAL DIGIT SHAPES
    0x3164, 0x3165, // HANGUL FILLER
    0xFE00, 0xFE10, // VARIATION SELECTOR-1 to -16
    0xFEFF, 0xFF00, // ZERO WIDTH NO-BREAK SPACE
    0xFFA0, 0xFFA1, // HALFWIDTH HANGUL FILLER
    0xFFF0, 0xFFF9, // unassigned
    0x1BCA0, 0x1BCA4, // SHORTHAND FORMAT LETTER OVERLAP to UP STEP
    0x1D173, 0x1D17B, // MUSICAL SYMBOL BEGIN BEAM to END PHRASE
    0xE0000, 0xE1000, // tags, VARIATION SELECTOR-17 to -256, unassigned
  };

  /** Whether {@code codePoint} has Unicode's Default_Ignorable_Code_Point property. */
  private static boolean isDefaultIgnorable(int codePoint) {
    // Binary search for the number of entries at most codePoint: it ends in [low, high].
    int low = 0;
    int high = DEFAULT_IGNORABLE.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (DEFAULT_IGNORABLE[middle] <= codePoint) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return (low & 1) == 1;
  }

  private static String code(int codePoint) {
    return String.format("U+%04X", codePoint);
  }
}

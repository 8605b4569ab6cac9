package org.opennexus.samgr.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opennexus.samgr.Endpoint;
import org.opennexus.samgr.spi.Arguments;

/**
 * The character rules of {@link Arguments} beyond controls, format characters and surrogates, code
 * point by code point: every range of Unicode's Default_Ignorable_Code_Point property (refused at
 * its first and last code point, accepted just outside), U+2800 BRAILLE PATTERN BLANK, and a
 * combining mark as the first character. Names and addresses follow the same rules.
 */
class NameCharactersTest {

  /**
   * The ranges of Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15.0) as first
   * and last code point, written out again here so that a wrong table in {@link Arguments} fails
   * (the {@link RegistryModel} reads them too).
   */
  static final int[][] DEFAULT_IGNORABLE = {
    {0x00AD, 0x00AD},
    {0x034F, 0x034F},
    {0x061C, 0x061C},
    {0x115F, 0x1160},
    {0x17B4, 0x17B5},
    {0x180B, 0x180F},
    {0x200B, 0x200F},
    {0x202A, 0x202E},
    {0x2060, 0x206F},
    {0x3164, 0x3164},
    {0xFE00, 0xFE0F},
    {0xFEFF, 0xFEFF},
    {0xFFA0, 0xFFA0},
    {0xFFF0, 0xFFF8},
    {0x1BCA0, 0x1BCA3},
    {0x1D173, 0x1D17A},
    {0xE0000, 0xE0FFF},
  };

  /** The first and last code point of every range. */
  static IntStream refusedEdges() {
    return Stream.of(DEFAULT_IGNORABLE).flatMapToInt(range -> IntStream.of(range[0], range[1]));
  }

  /**
   * The code points just before and just after every range, but U+2029 PARAGRAPH SEPARATOR and
   * U+FFF9 INTERLINEAR ANNOTATION ANCHOR (a format character), which break an earlier rule.
   */
  static IntStream acceptedNeighbours() {
    return Stream.of(DEFAULT_IGNORABLE)
        .flatMapToInt(range -> IntStream.of(range[0] - 1, range[1] + 1))
        .filter(codePoint -> codePoint != 0x2029 && codePoint != 0xFFF9);
  }

  private static String text(int... codePoints) {
    return new String(codePoints, 0, codePoints.length);
  }

  private static String code(int codePoint) {
    return String.format("U+%04X", codePoint);
  }

  @ParameterizedTest(name = "U+{0}")
  @MethodSource("refusedEdges")
  void defaultIgnorableCodePointsAreRefusedInNamesAndAddresses(int codePoint) {
    String name = text('a', codePoint);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName(name));
    String message = String.valueOf(e.getMessage());
    assertTrue(message.startsWith("name must not contain "), message);
    assertTrue(message.endsWith(", but has " + code(codePoint) + " at index 1"), message);
    assertFalse(Arguments.isValidName(name));
    IllegalArgumentException address =
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireAddress(name));
    assertEquals(message.replaceFirst("^name", "address"), address.getMessage());
  }

  @ParameterizedTest(name = "U+{0}")
  @MethodSource("acceptedNeighbours")
  void codePointsJustOutsideTheRangesAreAccepted(int codePoint) {
    String name = text('a', codePoint);
    assertEquals(name, Arguments.requireName(name));
    assertEquals(name, Arguments.requireAddress(name));
    assertTrue(Arguments.isValidName(name));
  }

  @Test
  void theTwoNeighboursThatAreRefusedBreakTheInvisibleRule() {
    for (int codePoint : new int[] {0x2029, 0xFFF9}) {
      assertEquals(
          "name must not contain invisible or bidirectional-control characters (Unicode format"
              + " characters and line or paragraph separators), but has "
              + code(codePoint)
              + " at index 1",
          assertThrows(
                  IllegalArgumentException.class, () -> Arguments.requireName(text('a', codePoint)))
              .getMessage());
    }
  }

  // Marks (Mn), letters (Lo) and unassigned code points (Cn) of the property: no format characters.
  @ParameterizedTest(name = "U+{0}")
  @ValueSource(
      ints = {
        0x034F, 0x115F, 0x1160, 0x17B4, 0x180B, 0x2065, 0x3164, 0xFE0F, 0xFFA0, 0xFFF0, 0xE0000,
        0xE0100, 0xE0FFF
      })
  void defaultIgnorableCharactersThatAreNoFormatCharactersGetTheirOwnRule(int codePoint) {
    String name = text('x', 'y', codePoint, 'z');
    assertEquals(
        "name must not contain default-ignorable characters (Unicode"
            + " Default_Ignorable_Code_Point, such as variation selectors and fillers), but has "
            + code(codePoint)
            + " at index 2",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName(name))
            .getMessage());
  }

  @Test
  void aVariationSelectorIsRefusedWithAnExactMessage() {
    assertEquals(
        "name must not contain default-ignorable characters (Unicode Default_Ignorable_Code_Point,"
            + " such as variation selectors and fillers), but has U+FE0F at index 1",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName("\u2764\uFE0F"))
            .getMessage());
  }

  @Test
  void aSupplementaryVariationSelectorIsRefusedAsOneCodePoint() {
    assertEquals(
        "address must not contain default-ignorable characters (Unicode"
            + " Default_Ignorable_Code_Point, such as variation selectors and fillers), but has"
            + " U+E0100 at index 5",
        assertThrows(
                IllegalArgumentException.class, () -> Endpoint.of("\uD83D\uDE00tcp\uDB40\uDD00x"))
            .getMessage());
  }

  @Test
  void aFormatCharacterKeepsTheFormatCharacterRule() {
    // U+200B is both Cf and default-ignorable: it is reported under the first rule that it breaks.
    assertEquals(
        "name must not contain invisible or bidirectional-control characters (Unicode format"
            + " characters and line or paragraph separators), but has U+200B at index 0",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName("\u200B"))
            .getMessage());
  }

  @Test
  void brailleBlankIsRefusedAndTheNextBraillePatternIsAccepted() {
    assertEquals(
        "name must not contain characters that look blank, but has U+2800 at index 3",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName("pay\u2800"))
            .getMessage());
    assertEquals(
        "address must not contain characters that look blank, but has U+2800 at index 0",
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("\u2800")).getMessage());
    assertEquals("pay\u2801", Arguments.requireName("pay\u2801"));
    assertEquals("\u27FF", Arguments.requireName("\u27FF"));
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x0301, 0x0903, 0x20DD, 0x1D165, 0x101FD})
  void aCombiningMarkCannotComeFirst(int mark) {
    // U+0301 (Mn), U+0903 (Mc), U+20DD (Me), U+1D165 (Mc, supplementary), U+101FD (Mn, supp.)
    String name = text(mark, 'e');
    assertEquals(
        "name must not start with a combining mark (Unicode category Mn, Mc or Me), but has "
            + code(mark)
            + " at index 0",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireName(name))
            .getMessage());
    assertEquals(
        "address must not start with a combining mark (Unicode category Mn, Mc or Me), but has "
            + code(mark)
            + " at index 0",
        assertThrows(IllegalArgumentException.class, () -> Arguments.requireAddress(name))
            .getMessage());
    String later = text('e', mark);
    assertEquals(later, Arguments.requireName(later));
    assertEquals(later, Endpoint.of(later).address());
  }

  @Test
  void aCombinedLetterIsAccepted() {
    assertEquals("cafe\u0301", Arguments.requireName("cafe\u0301"));
    assertTrue(Arguments.isValidName("e\u0301"));
    assertFalse(Arguments.isValidName("\u0301e"));
  }

  @Test
  void theRulesAreCheckedPerCodePointInOrder() {
    // The first offending character decides the message, whatever follows it.
    assertEquals(
        "name must not contain characters that look blank, but has U+2800 at index 1",
        assertThrows(
                IllegalArgumentException.class, () -> Arguments.requireName("a\u2800\uFE0F\u0000"))
            .getMessage());
    // A supplementary character before the bad one counts two units for the index.
    assertEquals(
        "name must not contain default-ignorable characters (Unicode Default_Ignorable_Code_Point,"
            + " such as variation selectors and fillers), but has U+3164 at index 2",
        assertThrows(
                IllegalArgumentException.class, () -> Arguments.requireName("\uD83D\uDE00\u3164"))
            .getMessage());
  }
}

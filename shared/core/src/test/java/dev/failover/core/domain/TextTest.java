package dev.failover.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What hostile text becomes in messages, at each boundary of {@link Text}'s rules. */
class TextTest {

  @ParameterizedTest(name = "U+{0} control: {1}")
  @CsvSource({
    "0000, true",
    "001f, true",
    "0020, false",
    "007e, false",
    "007f, true",
    "0080, true",
    "009f, true",
    "00a0, false",
    "2027, false",
    "2028, true",
    "2029, true",
    "202a, false",
  })
  void controlCharacters_areTheC0AndC1SetsDelAndTheLineSeparators(String hex, boolean control) {
    String c = String.valueOf((char) Integer.parseInt(hex, 16));
    assertEquals(control, Text.hasControlCharacters("a" + c + "b"));
    assertEquals(control ? "a\\u" + hex + "b" : "a" + c + "b", Text.printable("a" + c + "b"));
  }

  @Test
  void printable_keeps80Characters_andMarksACut() {
    String eighty = "x".repeat(80);
    assertEquals(eighty, Text.printable(eighty));
    assertEquals(eighty + "...", Text.printable(eighty + "y"));
    assertEquals("null", Text.printable(null));
  }

  @Test
  void printable_countsEscapesTowardsTheLimit() {
    // each control character becomes six characters; the prefix stops once 80 are written
    String escaped = Text.printable("\n".repeat(20));
    assertEquals("\\u000a".repeat(14), escaped.substring(0, 84));
    assertTrue(escaped.endsWith("..."), escaped);
    assertFalse(escaped.contains("\n"));
  }

  @Test
  void requireText_namesTheFieldAndTheRuleBroken() {
    assertEquals(
        "reason is required and must not be blank",
        assertThrows(IllegalArgumentException.class, () -> Text.requireText(" ", "reason", 5))
            .getMessage());
    assertEquals(
        "reason is required and must not be blank",
        assertThrows(IllegalArgumentException.class, () -> Text.requireText(null, "reason", 5))
            .getMessage());
    assertEquals("abcde", Text.requireText("abcde", "reason", 5));
    assertEquals(
        "reason must be at most 5 characters, got 6",
        assertThrows(IllegalArgumentException.class, () -> Text.requireText("abcdef", "reason", 5))
            .getMessage());
    assertEquals(
        "reason must not contain control characters, got 'a\\u0009b'",
        assertThrows(IllegalArgumentException.class, () -> Text.requireText("a\tb", "reason", 5))
            .getMessage());
  }
}

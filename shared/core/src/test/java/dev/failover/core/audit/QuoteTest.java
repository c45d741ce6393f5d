package dev.failover.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link AuditLine#quote} character by character, at each boundary of its escaping rules (RFC 8259
 * §7 requires U+0000..U+001F escaped; we also escape DEL, U+2028/U+2029 and lone surrogates).
 */
class QuoteTest {

  @ParameterizedTest(name = "U+{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0000|\\u0000",
        "0008|\\u0008",
        "0009|\\t",
        "000a|\\n",
        "000d|\\r",
        "001f|\\u001f",
        "0022|\\\"",
        "005c|\\\\",
        "007e|~",
        "007f|\\u007f",
        "0080|\u0080",
        "2027|\u2027",
        "2028|\\u2028",
        "2029|\\u2029",
        "202a|\u202a",
      })
  void eachCharacter_isEscapedExactlyWhenTheRulesSay(String hex, String escaped) {
    String c = String.valueOf((char) Integer.parseInt(hex, 16));
    assertEquals("\"" + escaped + "\"", AuditLine.quote(c));
  }

  @Test
  void space_isKept() {
    assertEquals("\" \"", AuditLine.quote(" "));
  }

  @Test
  void surrogates_aPairIsKept_aLoneHalfAnywhereIsEscaped() {
    String pair = "\ud83d\ude00";
    assertEquals("\"" + pair + "\"", AuditLine.quote(pair));
    assertEquals("\"\\ud83d\"", AuditLine.quote("\ud83d"));
    assertEquals("\"\\ude00\"", AuditLine.quote("\ude00"));
    assertEquals("\"\\ude00\\ud83d\"", AuditLine.quote("\ude00\ud83d"));
    assertEquals("\"a\\ud83db\"", AuditLine.quote("a\ud83db"));
    assertEquals("\"a\\ude00b\"", AuditLine.quote("a\ude00b"));
  }

  @Test
  void length_atTheLimitIsKept_oneMoreIsCutAndMarked() {
    String limit = "x".repeat(AuditLine.MAX_TEXT);
    assertEquals("\"" + limit + "\"", AuditLine.quote(limit));
    assertEquals("\"" + limit + AuditLine.TRUNCATED + "\"", AuditLine.quote(limit + "y"));
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String text = "x".repeat(AuditLine.MAX_TEXT - 1) + "\ud83d\ude00";
    assertEquals(
        "\"" + "x".repeat(AuditLine.MAX_TEXT - 1) + AuditLine.TRUNCATED + "\"",
        AuditLine.quote(text));
  }

  @Test
  void timestamp_isBigQueryTimestampTextWithMicroseconds() {
    assertEquals(
        "2026-11-01 12:00:03.000123 UTC",
        AuditLine.timestamp(Instant.parse("2026-11-01T12:00:03.000123456Z")));
  }
}

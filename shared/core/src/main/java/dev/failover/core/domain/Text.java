package dev.failover.core.domain;

/** Helpers for putting untrusted text into error messages and logs. */
public final class Text {
  private static final int MAX_ECHO = 80;

  private Text() {}

  /**
   * Returns {@code s} with control characters escaped and cut to a short prefix, so that hostile
   * input can be echoed in an error message without forging log lines.
   */
  public static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < s.length() && out.length() < MAX_ECHO; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (i < s.length()) {
      // cut: say so, whether the limit was reached by plain or by escaped characters
      out.append("...");
    }
    return out.toString();
  }

  /** True when {@code s} holds a control character (including line separators). */
  public static boolean hasControlCharacters(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code value}, when it is non-blank text of at most {@code maxLength} without control
   * characters.
   */
  public static String requireText(String value, String field, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required and must not be blank");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          field + " must be at most " + maxLength + " characters, got " + value.length());
    }
    if (hasControlCharacters(value)) {
      throw new IllegalArgumentException(
          field + " must not contain control characters, got '" + printable(value) + "'");
    }
    return value;
  }
}

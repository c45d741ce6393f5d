package dev.failover.cli;

/** Colour and progress only on an interactive terminal; plain, parseable text otherwise. */
final class Terminal {
  private Terminal() {}

  static boolean colour() {
    return System.console() != null
        && System.getenv("NO_COLOR") == null
        && !"dumb".equals(System.getenv("TERM"));
  }
}

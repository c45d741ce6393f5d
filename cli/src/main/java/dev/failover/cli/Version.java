package dev.failover.cli;

/** The controller's version, as written into audit records. */
final class Version {
  static final String VERSION = "0.1.0";

  private Version() {}
}

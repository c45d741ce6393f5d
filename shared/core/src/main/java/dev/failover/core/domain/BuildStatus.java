package dev.failover.core.domain;

/** Cloud Build statuses, as sent in the {@code status} attribute of {@code cloud-builds}. */
public enum BuildStatus {
  STATUS_UNKNOWN(0, false),
  PENDING(1, false),
  QUEUED(1, false),
  WORKING(2, false),
  SUCCESS(3, true),
  FAILURE(3, true),
  INTERNAL_ERROR(3, true),
  TIMEOUT(3, true),
  CANCELLED(3, true),
  EXPIRED(3, true);

  private final int stage;
  private final boolean terminal;

  BuildStatus(int stage, boolean terminal) {
    this.stage = stage;
    this.terminal = terminal;
  }

  /** Order of statuses within one build; a message for an earlier stage never overrides a later. */
  public int stage() {
    return stage;
  }

  public boolean terminal() {
    return terminal;
  }

  /** True for the terminal statuses that leave a region's deploy in doubt. */
  public boolean failed() {
    return terminal && this != SUCCESS;
  }
}

package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A manual override from an operator command, with an expiry.
 *
 * @param commandId the id of the command that set it (Pub/Sub message id)
 * @param kind drain (keep out) or serve (keep in)
 * @param actor who asked
 * @param reason why, as the operator wrote it (at most 500 characters, no control characters)
 * @param createdAt when the command was issued
 * @param expiresAt when the pin stops counting
 * @param breakGlass true when the operator asked to override the safety rules
 * @param principal who sent the command, as the command endpoint verified; empty when nothing did
 */
public record Pin(
    String commandId,
    Kind kind,
    String actor,
    String reason,
    Instant createdAt,
    Instant expiresAt,
    boolean breakGlass,
    java.util.Optional<String> principal) {

  public static final int MAX_REASON = 500;

  public enum Kind {
    DRAIN,
    SERVE,
    /**
     * A practice drain ({@code failoverctl drill}): held to every safety rule, aborted when another
     * region is wanted out, and when it ends (expiry, abort or restore) the region is restored at
     * once. An ended drill pin stays in memory until the region serves again.
     */
    DRILL
  }

  /** A pin whose sender nothing verified. */
  public Pin(
      String commandId,
      Kind kind,
      String actor,
      String reason,
      Instant createdAt,
      Instant expiresAt,
      boolean breakGlass) {
    this(
        commandId,
        kind,
        actor,
        reason,
        createdAt,
        expiresAt,
        breakGlass,
        java.util.Optional.empty());
  }

  public Pin {
    Objects.requireNonNull(principal, "principal");
    Text.requireText(commandId, "command id", 256);
    Objects.requireNonNull(kind, "pin kind");
    Text.requireText(actor, "requested_by", 256);
    Text.requireText(reason, "reason", MAX_REASON);
    Objects.requireNonNull(createdAt, "created_at");
    Objects.requireNonNull(expiresAt, "expires_at");
    if (!expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("a pin must expire after it is created");
    }
  }

  public boolean activeAt(Instant now) {
    return now.isBefore(expiresAt);
  }

  /** This pin ended at {@code at} (or just after its creation, if earlier). */
  public Pin endedAt(Instant at) {
    Instant end = at.isAfter(createdAt) ? at : createdAt.plusMillis(1);
    return end.isBefore(expiresAt)
        ? new Pin(commandId, kind, actor, reason, createdAt, end, breakGlass, principal)
        : this;
  }
}

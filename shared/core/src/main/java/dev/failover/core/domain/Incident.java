package dev.failover.core.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A Cloud Monitoring incident that names a region. Open while {@code endedAt} is empty.
 *
 * @param id the incident id
 * @param policy the alert policy's display name
 * @param startedAt when the incident opened
 * @param endedAt when it closed, empty while open
 */
public record Incident(String id, String policy, Instant startedAt, Optional<Instant> endedAt) {

  public Incident {
    Text.requireText(id, "incident id", 256);
    Text.requireText(policy, "incident policy", 512);
    Objects.requireNonNull(startedAt, "started_at");
    Objects.requireNonNull(endedAt, "ended_at");
    if (endedAt.isPresent() && endedAt.get().isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "incident " + id + " ends (" + endedAt.get() + ") before it starts (" + startedAt + ")");
    }
  }

  public static Incident open(String id, String policy, Instant startedAt) {
    return new Incident(id, policy, startedAt, Optional.empty());
  }

  public boolean isOpen() {
    return endedAt.isEmpty();
  }

  /** True while open at {@code now} for {@code staleAfter} or longer with no close. */
  public boolean staleAt(Instant now, java.time.Duration staleAfter) {
    return isOpen() && !now.isBefore(startedAt.plus(staleAfter));
  }

  public Incident closedAt(Instant at) {
    return new Incident(
        id, policy, startedAt, Optional.of(at.isBefore(startedAt) ? startedAt : at));
  }
}

package dev.failover.core.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A load-balancer write the controller announced (its {@code intent} record) and has not yet
 * recorded the outcome of. Kept in memory from before the intent record until after the outcome
 * record, so that a crash in between is found and resolved on the next reconcile.
 *
 * @param eventId the trigger's event id
 * @param step the step of the intent record ({@code attempt-N})
 * @param target each region's setting as the write would leave it, as displayed
 * @param fingerprintBefore the fingerprint the write presented
 * @param at when it was announced
 * @param writer the controller instance that announced it: two instances handling deliveries of the
 *     same event at the same moment announce otherwise equal writes, and each must clear only its
 *     own (the record ids leave it out, so that a write's outcome has one id however recorded)
 */
public record PendingWrite(
    String eventId,
    String step,
    Map<Region, String> target,
    String fingerprintBefore,
    Instant at,
    String writer) {
  public PendingWrite {
    Objects.requireNonNull(eventId);
    Objects.requireNonNull(step);
    target = java.util.Collections.unmodifiableMap(new TreeMap<>(target));
    Objects.requireNonNull(fingerprintBefore);
    Objects.requireNonNull(at);
    Objects.requireNonNull(writer);
  }

  public static PendingWrite of(
      String eventId, String step, LbConfig target, String fingerprint, Instant at) {
    return of(eventId, step, target, fingerprint, at, "");
  }

  public static PendingWrite of(
      String eventId, String step, LbConfig target, String fingerprint, Instant at, String writer) {
    Map<Region, String> t = new TreeMap<>();
    target.settings().forEach((r, s) -> t.put(r, s.display()));
    return new PendingWrite(eventId, step, t, fingerprint, at, writer);
  }

  /** True when {@code config} shows every setting this write was to make. */
  public boolean shownBy(LbConfig config) {
    for (Map.Entry<Region, String> e : target.entrySet()) {
      Setting s = config.settings().get(e.getKey());
      if (s == null || !s.display().equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }
}

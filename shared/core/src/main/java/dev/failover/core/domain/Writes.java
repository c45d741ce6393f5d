package dev.failover.core.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The controller's own load-balancer writes, as far as the next reconcile needs to know them.
 *
 * @param pending writes announced but whose outcome is not yet recorded, one per writer (concurrent
 *     instances each keep their own)
 * @param recent writes applied in the last few minutes: when two instances write at once, the
 *     region states of the earlier write may be remembered last, and the load balancer then shows a
 *     write of ours that the states do not stand for; that is not drift
 * @param parkedBackends backend entries removed from a backend service (membership mode), by
 *     region, kept so that a restore re-adds exactly what was there
 */
public record Writes(
    List<PendingWrite> pending, List<PendingWrite> recent, Map<Region, String> parkedBackends) {

  public Writes {
    pending = List.copyOf(pending);
    recent = List.copyOf(recent);
    parkedBackends = Collections.unmodifiableMap(new TreeMap<>(parkedBackends));
  }

  public static Writes none() {
    return new Writes(List.of(), List.of(), Map.of());
  }

  public Writes withPending(PendingWrite write) {
    List<PendingWrite> next = new ArrayList<>(pending);
    next.remove(write);
    next.add(write);
    return new Writes(next, recent, parkedBackends);
  }

  public Writes withoutPending(PendingWrite write) {
    List<PendingWrite> next = new ArrayList<>(pending);
    next.remove(write);
    return new Writes(next, recent, parkedBackends);
  }

  /** Remembers an applied write, keeping only those applied at or after {@code since}. */
  public Writes withRecent(PendingWrite applied, Instant since) {
    List<PendingWrite> next = new ArrayList<>();
    for (PendingWrite w : recent) {
      if (!w.at().isBefore(since) && !w.equals(applied)) {
        next.add(w);
      }
    }
    next.add(applied);
    return new Writes(pending, next, parkedBackends);
  }

  public Writes withParked(Map<Region, String> parked) {
    return new Writes(pending, recent, parked);
  }
}

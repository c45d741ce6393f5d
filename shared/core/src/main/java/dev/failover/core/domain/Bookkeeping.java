package dev.failover.core.domain;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the controller keeps for itself beside the {@link Situation}: nothing here decides where
 * traffic goes.
 *
 * @param ledger the recorded event ids and how far reconciles have caught up with them
 * @param writes the controller's pending and recent load-balancer writes, and parked backends
 * @param notices the holds and pages last audited, by region name (or {@code page}), so that a
 *     standing hold is audited when it begins or changes, not on every tick
 * @param watches applied drains and restores whose effect on traffic is not yet verified
 */
public record Bookkeeping(
    Ledger ledger, Writes writes, Map<String, String> notices, List<Watch> watches) {

  public Bookkeeping {
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(writes, "writes");
    notices = Collections.unmodifiableMap(new TreeMap<>(notices));
    watches = List.copyOf(watches);
  }

  public static Bookkeeping empty() {
    return new Bookkeeping(Ledger.empty(), Writes.none(), Map.of(), List.of());
  }

  public Bookkeeping withLedger(Ledger next) {
    return new Bookkeeping(next, writes, notices, watches);
  }

  public Bookkeeping withWrites(Writes next) {
    return new Bookkeeping(ledger, next, notices, watches);
  }

  public Bookkeeping withNotices(Map<String, String> next) {
    return new Bookkeeping(ledger, writes, next, watches);
  }

  public Bookkeeping withWatches(List<Watch> next) {
    return new Bookkeeping(ledger, writes, notices, next);
  }
}

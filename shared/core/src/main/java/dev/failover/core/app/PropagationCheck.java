package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.port.TrafficSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Did traffic move after a write? An applied write that drains a region fully or brings it back
 * from zero starts a {@link Watch}; each reconcile compares the watches with the load balancer's
 * request rates: a {@code verified} record with the time traffic took to move, or, past {@code
 * verifyWithin}, a page. Pure: the controller reads the rates and hands them in.
 */
final class PropagationCheck {
  private PropagationCheck() {}

  /** The watches an applied write starts: one per region it drained fully or brought back. */
  static List<Watch> watchesFor(Plan plan, PendingWrite pending) {
    List<Watch> out = new ArrayList<>();
    for (RegionDecision d : plan.decisions()) {
      Watch.Direction direction = null;
      if (d.before().serving() && !d.after().serving()) {
        direction = Watch.Direction.OUT;
      } else if (!d.before().serving() && d.after().serving()) {
        direction = Watch.Direction.IN;
      }
      if (direction != null) {
        out.add(
            new Watch(
                d.region(),
                direction,
                pending.at(),
                pending.eventId(),
                pending.step() + "@" + pending.fingerprintBefore()));
      }
    }
    return out;
  }

  /** Where to start reading rates: the oldest watched write. */
  static Instant since(List<Watch> watches, Instant now) {
    return watches.stream().map(Watch::writtenAt).min(Instant::compareTo).orElse(now);
  }

  /** The watches settled by this check, and their records, in the order of the watches. */
  record Checked(List<Watch> done, List<AuditRecord> records) {}

  static Checked check(
      List<Watch> watches,
      Map<Region, List<TrafficSource.Point>> rates,
      Oversight o,
      Instant now,
      AuditRecords make) {
    List<Watch> done = new ArrayList<>();
    List<AuditRecord> records = new ArrayList<>();
    for (Watch w : watches) {
      Optional<TrafficSource.Point> moved =
          rates.getOrDefault(w.region(), List.of()).stream()
              .filter(p -> !p.start().isBefore(w.writtenAt()))
              .filter(
                  p ->
                      w.direction() == Watch.Direction.OUT
                          ? p.rps() <= o.verifyBelowRps()
                          : p.rps() > o.verifyBelowRps())
              .findFirst();
      String what =
          w.direction() == Watch.Direction.OUT
              ? "traffic to leave " + w.region()
              : "traffic to reach " + w.region();
      if (moved.isPresent()) {
        TrafficSource.Point p = moved.get();
        long seconds = Math.max(0, Duration.between(w.writtenAt(), p.end()).toSeconds());
        List<AuditRecord.Traffic> where = where(rates, w.writtenAt(), p.end());
        done.add(w);
        records.add(
            make.verified(
                w,
                seconds,
                String.format(
                    Locale.ROOT,
                    "verified: %s took at most %d s after the write at %s (%.2f rps in the"
                        + " window %s..%s; threshold %.2f rps)%s",
                    what,
                    seconds,
                    w.writtenAt(),
                    p.rps(),
                    p.start(),
                    p.end(),
                    o.verifyBelowRps(),
                    display(where)),
                where));
      } else if (!now.isBefore(w.writtenAt().plus(o.verifyWithin()))) {
        List<AuditRecord.Traffic> where = where(rates, w.writtenAt(), now);
        done.add(w);
        records.add(
            make.trafficNotMoved(
                w,
                "no sign of "
                    + what
                    + " within "
                    + o.verifyWithin()
                    + " of the write at "
                    + w.writtenAt()
                    + ": the load balancer's metrics do not show the change, or could not"
                    + " be read (see the function's warnings); check the load balancer"
                    + display(where),
                where));
      }
    }
    return new Checked(done, records);
  }

  /**
   * Where traffic went after a write at {@code writtenAt}: each region's rate in its latest window
   * that started at or after the write and ended by {@code until}, by region name; regions without
   * such a window are left out.
   */
  static List<AuditRecord.Traffic> where(
      Map<Region, List<TrafficSource.Point>> rates, Instant writtenAt, Instant until) {
    List<AuditRecord.Traffic> out = new ArrayList<>();
    new TreeMap<>(rates)
        .forEach(
            (region, points) ->
                points.stream()
                    .filter(p -> !p.start().isBefore(writtenAt) && !p.end().isAfter(until))
                    .max(Comparator.comparing(TrafficSource.Point::end))
                    .ifPresent(p -> out.add(new AuditRecord.Traffic(region.name(), p.rps()))));
    return out;
  }

  private static String display(List<AuditRecord.Traffic> where) {
    if (where.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("; where traffic went:");
    for (AuditRecord.Traffic t : where) {
      b.append(String.format(Locale.ROOT, " %s %.2f rps", t.region(), t.rps()));
    }
    return b.toString();
  }

  /** The watches after a write started {@code started}: a newer write to a region supersedes. */
  static List<Watch> superseded(List<Watch> current, List<Watch> started) {
    List<Watch> all = new ArrayList<>();
    for (Watch w : current) {
      if (started.stream().noneMatch(s -> s.region().equals(w.region()))) {
        all.add(w);
      }
    }
    all.addAll(started);
    return all;
  }
}

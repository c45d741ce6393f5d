package dev.failover.cli;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.Inbound;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.MonitoringAlerts;
import dev.failover.gcp.intake.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a policy over a recorded history of Monitoring incident notifications (schema 1.2, one per
 * line, as exported from the alerts topic or BigQuery) on a virtual clock, through the same parser,
 * handler and controller the functions run, with an in-memory load balancer. A region's health
 * follows its incidents: unhealthy from the first opening, healthy again when the last one closes.
 * The controller ticks every {@code tick}, and the replay runs on until every region is back at
 * full weight (or {@code tail} after the last notification).
 */
final class Replay {

  /** One notification of the history, parsed. */
  record Notification(int line, Instant at, ControllerEvent.IncidentEvent event, String data) {}

  /** What the policy did over the history. */
  record Report(
      int notifications,
      int incidents,
      Map<Region, Integer> drains,
      Map<Region, Double> regionMinutesDrained,
      List<Duration> restoreTimes,
      Map<String, Integer> holds,
      int pages,
      int writes,
      Instant from,
      Instant to) {

    double totalRegionMinutes() {
      return regionMinutesDrained.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    int totalDrains() {
      return drains.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private Replay() {}

  /** Parses the history: every line must be an alert notification about this topology. */
  static List<Notification> parse(List<String> lines, Topology topology, Env env) {
    MonitoringAlerts alerts = new MonitoringAlerts(topology, env.regionByPolicy());
    List<Notification> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      if (text.isEmpty()) {
        continue;
      }
      Inbound in =
          alerts.parse(new PubsubMessage("replay-" + (i + 1), Optional.empty(), Map.of(), text));
      if (in instanceof Inbound.Rejected r) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + r.reason());
      }
      if (in instanceof Inbound.Ignored g) {
        throw new IllegalArgumentException("line " + (i + 1) + ": ignored: " + g.reason());
      }
      ControllerEvent.IncidentEvent e =
          (ControllerEvent.IncidentEvent) ((Inbound.Accepted) in).event();
      Instant at = e.endedAt().orElse(e.startedAt());
      out.add(new Notification(i + 1, at, e, text));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("the history holds no notification");
    }
    out.sort(Comparator.comparing(Notification::at).thenComparing(Notification::line));
    return out;
  }

  static Report run(
      List<Notification> history,
      Topology topology,
      Policy policy,
      Env env,
      Duration tick,
      Duration tail) {
    Instant start = history.get(0).at().minus(tick);
    Instant last = history.get(history.size() - 1).at();
    List<AuditRecord> records = new ArrayList<>();
    // nobody else writes the in-memory load balancer (so no drift shows), and the history carries
    // no metrics (so no propagation check runs); events of any age are replayed
    Env replayEnv =
        Env.embedded(
            topology, policy, env.regionByPolicy(), env.buildRouting(), Duration.ofDays(3650));
    Tally tally = new Tally(topology, new EmbeddedHarness(replayEnv, start, records::add));
    Instant now = start;
    int next = 0;
    while (true) {
      Instant due = next < history.size() ? history.get(next).at() : null;
      Instant tickAt = now.plus(tick);
      boolean deliver = due != null && !due.isAfter(tickAt);
      Instant step = deliver ? due : tickAt;
      tally.integrate(now, step);
      now = step;
      if (deliver) {
        tally.deliver(history.get(next++), now);
      } else {
        tally.tick(now);
      }
      boolean allBack = tally.observe(now);
      if (next >= history.size() && (allBack || !now.isBefore(last.plus(tail)))) {
        break;
      }
    }
    return tally.report(history.size(), records, start, now);
  }

  /** What one replay counts as it goes: drains, drained minutes, restore times, incidents. */
  private static final class Tally {
    private final Topology topology;
    private final EmbeddedHarness harness;
    private final Map<Region, Set<String>> open = new HashMap<>();
    private final Map<Region, Integer> drains = new TreeMap<>();
    private final Map<Region, Double> drained = new TreeMap<>();
    private final Map<Region, Instant> lastClose = new HashMap<>();
    private final List<Duration> restoreTimes = new ArrayList<>();
    private final Set<String> incidents = new HashSet<>();
    private Map<Region, Double> served;
    private int n;

    Tally(Topology topology, EmbeddedHarness harness) {
      this.topology = topology;
      this.harness = harness;
      this.served = serving(harness.loadBalancer, topology);
      topology.regionNames().forEach(r -> drains.put(r, 0));
      topology.regionNames().forEach(r -> drained.put(r, 0.0));
    }

    /** Drained capacity over the interval, at the levels it had. */
    void integrate(Instant from, Instant to) {
      double minutes = Duration.between(from, to).toMillis() / 60_000.0;
      for (Region r : topology.regionNames()) {
        drained.merge(r, (1.0 - served.get(r)) * minutes, Double::sum);
      }
    }

    /** Delivers one notification; health follows the region's open incidents. */
    void deliver(Notification note, Instant now) {
      harness.clock.set(now);
      ControllerEvent.IncidentEvent e = note.event();
      incidents.add(e.incidentId());
      Set<String> o = open.computeIfAbsent(e.region(), r -> new HashSet<>());
      boolean wasSick = !o.isEmpty();
      if (e.opens()) {
        o.add(e.incidentId());
      } else {
        o.remove(e.incidentId());
      }
      if (!wasSick && !o.isEmpty()) {
        harness.health.report(e.region(), Health.Status.UNHEALTHY, now);
      } else if (wasSick && o.isEmpty()) {
        harness.health.report(e.region(), Health.Status.HEALTHY, now);
        lastClose.put(e.region(), now);
      }
      String id = "replay-" + (++n);
      handle(Intake.Stream.ALERTS, id, now, note.data());
    }

    void tick(Instant now) {
      harness.clock.set(now);
      handle(Intake.Stream.TICK, "tick-" + (++n), now, "{}");
    }

    private void handle(Intake.Stream stream, String id, Instant now, String data) {
      harness.intake.handle(
          stream,
          PubsubMessage.envelope(id, now, Map.of(), data, "projects/replay/subscriptions/r")
              .getBytes(StandardCharsets.UTF_8),
          id);
    }

    /** Counts drains and restores the last step made; true when every region serves fully. */
    boolean observe(Instant now) {
      Map<Region, Double> after = serving(harness.loadBalancer, topology);
      for (Region r : topology.regionNames()) {
        double was = served.get(r);
        double is = after.get(r);
        if (was >= 1.0 && is < 1.0) {
          drains.merge(r, 1, Integer::sum);
        }
        if (was < 1.0 && is >= 1.0 && lastClose.containsKey(r)) {
          restoreTimes.add(Duration.between(lastClose.remove(r), now));
        }
      }
      served = after;
      return after.values().stream().allMatch(v -> v >= 1.0);
    }

    Report report(int notifications, List<AuditRecord> records, Instant start, Instant end) {
      Map<String, Integer> holds = new TreeMap<>();
      int pages = 0;
      for (AuditRecord r : records) {
        if (r.kind() == AuditRecord.Kind.HOLD) {
          holds.merge(r.rule().orElse("hold"), 1, Integer::sum);
        } else if (r.kind() == AuditRecord.Kind.PAGE) {
          pages++;
        }
      }
      return new Report(
          notifications,
          incidents.size(),
          drains,
          drained,
          restoreTimes,
          holds,
          pages,
          harness.loadBalancer.writes().size(),
          start,
          end);
    }
  }

  /** The share of its full weight each region serves (1.0 = full, 0 = drained). */
  static Map<Region, Double> serving(InMemoryLoadBalancer lb, Topology topology) {
    Map<Region, Double> out = new TreeMap<>();
    for (Region r : topology.regionNames()) {
      Setting s = lb.config().setting(r);
      Setting full = topology.settingFor(r, Topology.FULL);
      double share;
      if (s instanceof Setting.Weight w && full instanceof Setting.Weight f) {
        share = f.value() == 0 ? 1.0 : (double) w.value() / f.value();
      } else if (s instanceof Setting.Scaler sc) {
        share = sc.milli() / 1000.0;
      } else {
        share = s.serving() ? 1.0 : 0.0;
      }
      out.put(r, Math.min(1.0, share));
    }
    return out;
  }
}

package dev.failover.cli;

import dev.failover.core.app.Controller;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Region;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.Pause;
import dev.failover.core.sim.Scenario;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a scenario on a virtual clock against the in-memory load balancer: every event goes
 * through the controller's use case, and the controller ticks every {@code tick_every}. Prints a
 * timeline row whenever an event arrives, the load balancer changes, or a hold, page or expiry is
 * audited.
 */
final class Simulation {

  /** What a run produced, for callers and tests. */
  record Outcome(List<Row> rows, List<AuditRecord> records, LbConfig finalConfig, int writes) {}

  /** One timeline row. */
  record Row(Duration offset, String event, LbConfig config, List<String> notes) {}

  private final Scenario scenario;
  private final AuditSink sink;
  private final PrintStream out;

  Simulation(Scenario scenario, AuditSink sink, PrintStream out) {
    this.scenario = scenario;
    this.sink = sink;
    this.out = out;
  }

  Outcome run() {
    VirtualClock clock = new VirtualClock(scenario.start());
    InMemoryLoadBalancer lb = new InMemoryLoadBalancer(scenario.topology().baseConfig());
    InMemoryStateStore store = new InMemoryStateStore();
    ScriptedHealthSource health = new ScriptedHealthSource();
    List<AuditRecord> records = new ArrayList<>();
    AuditSink both =
        r -> {
          records.add(r);
          sink.write(r);
        };
    Controller controller =
        new Controller(
            Controller.Settings.of(scenario.topology(), scenario.policy(), Version.VERSION),
            store,
            lb,
            health,
            both,
            clock,
            Pause.NONE);
    for (Region r : scenario.topology().regionNames()) {
      health.report(r, dev.failover.core.domain.Health.Status.HEALTHY, scenario.start());
    }

    List<Row> rows = new ArrayList<>();
    header();
    rows.add(row(Duration.ZERO, "start", lb.config(), List.of()));

    List<Scenario.Step> steps = scenario.steps();
    List<ControllerEvent> sent = new ArrayList<>();
    Map<String, Instant> openedAt = new HashMap<>();
    int next = 0;
    Duration tick = scenario.tickEvery();
    for (Duration t = Duration.ZERO; t.compareTo(scenario.duration()) <= 0; t = t.plus(tick)) {
      // events due up to and including this tick, in time order
      while (next < steps.size() && steps.get(next).at().compareTo(t) <= 0) {
        Scenario.Step s = steps.get(next++);
        Instant now = scenario.start().plus(s.at());
        clock.set(now);
        List<AuditRecord> produced = new ArrayList<>();
        String label = deliver(s, now, controller, health, sent, openedAt, produced);
        rows.add(row(s.at(), label, lb.config(), notes(produced)));
      }
      Instant now = scenario.start().plus(t);
      clock.set(now);
      Controller.Result r =
          controller.reconcile(AuditRecord.Trigger.of("tick", "tick-" + t.getSeconds()), now);
      if (r.wrote() || !r.records().isEmpty()) {
        rows.add(row(t, "tick", lb.config(), notes(r.records())));
      }
    }
    return new Outcome(rows, records, lb.config(), lb.writes().size());
  }

  private String deliver(
      Scenario.Step s,
      Instant now,
      Controller controller,
      dev.failover.core.memory.ScriptedHealthSource health,
      List<ControllerEvent> sent,
      Map<String, Instant> openedAt,
      List<AuditRecord> produced) {
    int index = sent.size();
    if (s instanceof Scenario.HealthStep h) {
      health.report(h.region(), h.status(), now);
      sent.add(null);
      return "health " + h.region() + " " + h.status();
    }
    if (s instanceof Scenario.DeliveryStep d) {
      ControllerEvent original = sent.get(d.index());
      sent.add(original);
      if (original == null) {
        return "redelivery of a health report (nothing to deliver)";
      }
      produced.addAll(controller.handle(original, trigger(original), now).records());
      return "redelivery of " + original.eventId() + " (" + original.type() + ")";
    }
    ControllerEvent event;
    String label;
    int copies = 1;
    if (s instanceof Scenario.IncidentStep i) {
      Instant started =
          i.startedAt()
              .map(o -> scenario.start().plus(o))
              .orElseGet(() -> i.open() ? now : openedAt.getOrDefault(i.incidentId(), now));
      openedAt.putIfAbsent(i.incidentId(), started);
      event =
          new ControllerEvent.IncidentEvent(
              "sim-" + index,
              i.region(),
              i.incidentId(),
              i.policy(),
              started,
              i.open() ? Optional.empty() : Optional.of(now));
      copies = i.copies();
      label =
          "alert "
              + (i.open() ? "open " : "closed ")
              + i.region()
              + " "
              + i.incidentId()
              + (copies > 1 ? " x" + copies : "");
    } else if (s instanceof Scenario.BuildStep b) {
      event =
          new ControllerEvent.BuildEvent("sim-" + index, b.region(), b.buildId(), b.status(), now);
      label = "build " + b.buildId() + " " + b.status() + " " + b.region();
    } else if (s instanceof Scenario.CommandStep c) {
      event =
          new ControllerEvent.CommandEvent(
              "sim-" + index,
              c.region(),
              c.action(),
              c.actor(),
              c.reason(),
              c.ttl(),
              c.breakGlass(),
              now);
      label =
          "command "
              + c.action().wire()
              + " "
              + c.region()
              + c.ttl()
                  .map(t -> " ttl " + t.toString().substring(2).toLowerCase(Locale.ROOT))
                  .orElse("")
              + (c.breakGlass() ? " break-glass" : "")
              + " by "
              + c.actor();
    } else {
      throw new IllegalStateException("unknown step " + s);
    }
    sent.add(event);
    produced.addAll(controller.handle(event, trigger(event), now).records());
    for (int k = 1; k < copies; k++) {
      ControllerEvent copy = renotify((ControllerEvent.IncidentEvent) event, index, k);
      produced.addAll(controller.handle(copy, trigger(copy), now).records());
    }
    return label;
  }

  private static ControllerEvent.IncidentEvent renotify(
      ControllerEvent.IncidentEvent e, int index, int copy) {
    return new ControllerEvent.IncidentEvent(
        "sim-" + index + "-" + copy,
        e.region(),
        e.incidentId(),
        e.policy(),
        e.startedAt(),
        e.endedAt());
  }

  private static AuditRecord.Trigger trigger(ControllerEvent e) {
    Optional<String> incident = Optional.empty();
    Optional<String> policy = Optional.empty();
    Optional<String> build = Optional.empty();
    Optional<String> actor = Optional.empty();
    if (e instanceof ControllerEvent.IncidentEvent i) {
      incident = Optional.of(i.incidentId());
      policy = Optional.of(i.policy());
    } else if (e instanceof ControllerEvent.BuildEvent b) {
      build = Optional.of(b.buildId());
    } else if (e instanceof ControllerEvent.CommandEvent c) {
      actor = Optional.of(c.actor());
    }
    return new AuditRecord.Trigger(e.type(), e.eventId(), incident, policy, build, actor);
  }

  private List<String> notes(List<AuditRecord> produced) {
    List<String> notes = new ArrayList<>();
    for (AuditRecord r : produced) {
      if (r.kind() == AuditRecord.Kind.CHANGE && r.outcome() == AuditRecord.Outcome.APPLIED) {
        for (AuditRecord.RegionChange c : r.regions()) {
          if (!c.before().equals(c.after())) {
            notes.add(
                c.region()
                    + ": "
                    + c.action()
                    + " "
                    + c.before()
                    + " -> "
                    + c.after()
                    + " - "
                    + c.reason());
          }
        }
      }
    }
    for (AuditRecord r : produced) {
      switch (r.kind()) {
        case HOLD -> notes.add("hold [" + r.rule().orElse("") + "] " + r.message());
        case PAGE -> notes.add("PAGE " + r.message());
        case EXPIRED -> notes.add("expired: " + r.message());
        case IGNORED, REJECTED -> notes.add(r.kind().wire() + ": " + r.message());
        default -> {}
      }
    }
    return notes;
  }

  private void header() {
    out.printf(
        "scenario %s: %s%n",
        scenario.name(), scenario.description().isEmpty() ? "" : scenario.description());
    out.printf(
        "mode %s, %d regions, expected %.0f RPS, tick every %s%n%n",
        scenario.topology().mode(),
        scenario.topology().regions().size(),
        scenario.topology().expectedRps(),
        human(scenario.tickEvery()));
    StringBuilder h = new StringBuilder(String.format("%-7s %-56s", "time", "event"));
    for (Region r : scenario.topology().regionNames()) {
      h.append(String.format(" %13s", r));
    }
    out.println(h);
  }

  private Row row(Duration offset, String event, LbConfig config, List<String> notes) {
    StringBuilder line =
        new StringBuilder(String.format("%-7s %-56s", clockText(offset), truncate(event, 56)));
    for (Region r : scenario.topology().regionNames()) {
      line.append(String.format(" %13s", config.setting(r).display()));
    }
    out.println(line.toString().stripTrailing());
    for (String n : notes) {
      out.println("        " + n);
    }
    return new Row(offset, event, config, List.copyOf(notes));
  }

  static String clockText(Duration d) {
    long s = d.getSeconds();
    return String.format("+%02d:%02d", s / 60, s % 60);
  }

  private static String human(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 3) + "...";
  }
}

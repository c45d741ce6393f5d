package dev.failover.cli;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.port.AuditSink;
import dev.failover.core.sim.Scenario;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a scenario on a virtual clock against the in-memory load balancer. Every event is encoded
 * as the real service would publish it (Monitoring notification 1.2, the Cloud Build resource, an
 * operator command), wrapped in a Pub/Sub envelope with base64 data, and handed to the same {@link
 * Intake} handlers that the Cloud Functions call; the controller also ticks every {@code
 * tick_every}. Prints a timeline row whenever an event arrives, the load balancer changes, or a
 * hold, page, expiry or refusal is audited.
 */
final class Simulation {

  /** What a run produced, for callers and tests. */
  record Outcome(List<Row> rows, List<AuditRecord> records, LbConfig finalConfig, int writes) {}

  /** One timeline row. */
  record Row(Duration offset, String event, LbConfig config, List<String> notes) {}

  /** A message as it would arrive on one of the topics. */
  private record Delivery(Intake.Stream stream, String messageId, String envelope) {}

  private static final String SUBSCRIPTION = "projects/demo-project/subscriptions/simulator";

  private final Scenario scenario;
  private final AuditSink sink;
  private final PrintStream out;
  private final List<AuditRecord> records = new ArrayList<>();

  private final boolean colour;

  Simulation(Scenario scenario, AuditSink sink, PrintStream out) {
    this(scenario, sink, out, false);
  }

  Simulation(Scenario scenario, AuditSink sink, PrintStream out, boolean colour) {
    this.scenario = scenario;
    this.sink = sink;
    this.out = out;
    this.colour = colour;
  }

  Outcome run() {
    Env env =
        Env.embedded(
            scenario.topology(),
            scenario.policy(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.of(scenario.topology().resource())),
            Duration.ofHours(1));
    AuditSink both =
        r -> {
          records.add(r);
          sink.write(r);
        };
    EmbeddedHarness harness = new EmbeddedHarness(env, scenario.start(), both);
    InMemoryLoadBalancer lb = harness.loadBalancer;
    List<Row> rows = new ArrayList<>();
    header();
    rows.add(row(Duration.ZERO, "start", lb.config(), List.of()));

    List<Scenario.Step> steps = scenario.steps();
    List<List<Delivery>> sent = new ArrayList<>();
    Map<String, Instant> openedAt = new HashMap<>();
    int next = 0;
    for (Duration t = Duration.ZERO;
        t.compareTo(scenario.duration()) <= 0;
        t = t.plus(scenario.tickEvery())) {
      while (next < steps.size() && steps.get(next).at().compareTo(t) <= 0) {
        rows.add(play(steps.get(next++), harness, sent, openedAt));
      }
      tick(t, harness).ifPresent(rows::add);
    }
    return new Outcome(rows, List.copyOf(records), lb.config(), lb.writes().size());
  }

  /** Delivers one scenario step (a redelivery sends an earlier step's messages again). */
  private Row play(
      Scenario.Step s,
      EmbeddedHarness harness,
      List<List<Delivery>> sent,
      Map<String, Instant> openedAt) {
    Instant now = scenario.start().plus(s.at());
    harness.clock.set(now);
    int mark = records.size();
    String label;
    List<Delivery> deliveries;
    if (s instanceof Scenario.HealthStep h) {
      harness.health.report(h.region(), h.status(), now);
      deliveries = List.of();
      label = "health " + h.region() + " " + h.status();
    } else if (s instanceof Scenario.DeliveryStep d) {
      deliveries = sent.get(d.index());
      label =
          deliveries.isEmpty()
              ? "redelivery of a health report (nothing to deliver)"
              : "redelivery of message " + deliveries.get(0).messageId();
    } else if (s instanceof Scenario.LateStep late) {
      // source time and publish time in the past; delivered now
      Instant published = scenario.start().plus(late.sent().at());
      deliveries = encode(late.sent(), sent.size(), published, openedAt);
      label = label(late.sent()) + " (published " + clockText(late.sent().at()) + ")";
    } else {
      deliveries = encode(s, sent.size(), now, openedAt);
      label = label(s);
    }
    sent.add(deliveries);
    for (Delivery d : deliveries) {
      harness.intake.handle(
          d.stream(), d.envelope().getBytes(StandardCharsets.UTF_8), d.messageId());
    }
    return row(
        s.at(), label, harness.loadBalancer.config(), notes(records.subList(mark, records.size())));
  }

  /** The tick at {@code t}; a row when it wrote or audited something. */
  private Optional<Row> tick(Duration t, EmbeddedHarness harness) {
    Instant now = scenario.start().plus(t);
    harness.clock.set(now);
    int mark = records.size();
    String tickId = "tick-" + t.getSeconds();
    Intake.Outcome o =
        harness.intake.handle(
            Intake.Stream.TICK,
            PubsubMessage.envelope(tickId, now, Map.of(), "{}", SUBSCRIPTION)
                .getBytes(StandardCharsets.UTF_8),
            tickId);
    List<AuditRecord> produced = records.subList(mark, records.size());
    if (o.wrote() || !produced.isEmpty()) {
      return Optional.of(row(t, "tick", harness.loadBalancer.config(), notes(produced)));
    }
    return Optional.empty();
  }

  private List<Delivery> encode(
      Scenario.Step s, int index, Instant now, Map<String, Instant> openedAt) {
    String id = "sim-" + index;
    if (s instanceof Scenario.IncidentStep i) {
      return incident(i, id, now, openedAt);
    }
    if (s instanceof Scenario.BuildStep b) {
      Payloads.BuildMessage m =
          Payloads.cloudBuild(
              scenario.topology().project(),
              b.buildId(),
              b.status(),
              scenario.topology().resource(),
              b.region(),
              now,
              CloudBuilds.Routing.defaults(Optional.empty()));
      return List.of(
          new Delivery(
              Intake.Stream.BUILDS,
              id,
              PubsubMessage.envelope(id, now, m.attributes(), m.data(), SUBSCRIPTION)));
    }
    if (s instanceof Scenario.CommandStep c) {
      String data =
          OperatorCommands.encode(
              c.action(),
              c.region(),
              c.reason(),
              c.actor(),
              c.ttl(),
              c.breakGlass(),
              c.issuedAt().map(o -> scenario.start().plus(o)).orElse(now),
              c.target());
      // as operators send them: through the command endpoint (break-glass through its own),
      // which authenticated the scenario's operator
      Map<String, String> verified =
          Map.of(
              OperatorCommands.PRINCIPAL_ATTRIBUTE,
              c.actor(),
              OperatorCommands.DOOR_ATTRIBUTE,
              (c.breakGlass()
                      ? OperatorCommands.Door.BREAK_GLASS_ENDPOINT
                      : OperatorCommands.Door.ENDPOINT)
                  .wire());
      return List.of(
          new Delivery(
              Intake.Stream.VERIFIED_COMMANDS,
              id,
              PubsubMessage.envelope(id, now, verified, data, SUBSCRIPTION)));
    }
    throw new IllegalStateException("unknown step " + s);
  }

  /** An incident step's notification, as many copies as it asks for (a storm). */
  private List<Delivery> incident(
      Scenario.IncidentStep i, String id, Instant now, Map<String, Instant> openedAt) {
    Instant started =
        i.startedAt()
            .map(o -> scenario.start().plus(o))
            .orElseGet(() -> i.open() ? now : openedAt.getOrDefault(i.incidentId(), now));
    openedAt.putIfAbsent(i.incidentId(), started);
    String data =
        Payloads.monitoringIncident(
            scenario.topology(),
            i.incidentId(),
            i.policy(),
            i.region(),
            started,
            i.open() ? Optional.empty() : Optional.of(now));
    List<Delivery> out = new ArrayList<>();
    for (int k = 0; k < i.copies(); k++) {
      String mid = k == 0 ? id : id + "-" + k;
      out.add(
          new Delivery(
              Intake.Stream.ALERTS,
              mid,
              PubsubMessage.envelope(mid, now, Map.of(), data, SUBSCRIPTION)));
    }
    return out;
  }

  private static String label(Scenario.Step s) {
    if (s instanceof Scenario.IncidentStep i) {
      return "alert "
          + (i.open() ? "open " : "closed ")
          + i.region()
          + " "
          + i.incidentId()
          + (i.copies() > 1 ? " x" + i.copies() : "");
    }
    if (s instanceof Scenario.BuildStep b) {
      return "build " + b.buildId() + " " + b.status() + " " + b.region();
    }
    Scenario.CommandStep c = (Scenario.CommandStep) s;
    return "command "
        + c.action().wire()
        + " "
        + c.region()
        + c.target().map(t -> " " + t).orElse("")
        + c.ttl().map(t -> " " + human(t)).orElse("")
        + (c.breakGlass() ? " break-glass" : "")
        + " by "
        + c.actor()
        + c.issuedAt().map(o -> " (issued at +" + clockText(o) + ")").orElse("");
  }

  private static List<String> notes(List<AuditRecord> produced) {
    List<String> notes = new ArrayList<>();
    for (AuditRecord r : produced) {
      switch (r.kind()) {
        case CHANGE -> {
          if (r.outcome() == AuditRecord.Outcome.APPLIED) {
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
        case HOLD -> notes.add("hold [" + r.rule().orElse("") + "] " + r.message());
        case PAGE -> notes.add("PAGE " + r.message());
        case EXPIRED -> notes.add("expired: " + r.message());
        case IGNORED, REJECTED -> notes.add(r.kind().wire() + ": " + r.message());
        case DRILL -> {
          if (r.outcome() != AuditRecord.Outcome.APPLIED) {
            notes.add(r.message()); // a refusal; applied steps show as the change above
          }
        }
        case DRIFT, VERIFIED -> notes.add(r.kind().wire() + ": " + r.message());
        default -> {}
      }
    }
    return collapsed(notes);
  }

  /**
   * Repeated notes shown once with their count ({@code (x299)}): a storm of renotifications is one
   * line in the timeline, each still one record in the audit file.
   */
  static List<String> collapsed(List<String> notes) {
    java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    notes.forEach(n -> counts.merge(n, 1, Integer::sum));
    List<String> out = new ArrayList<>();
    counts.forEach((n, c) -> out.add(c == 1 ? n : n + " (x" + c + ")"));
    return out;
  }

  private void header() {
    out.printf("scenario %s: %s%n", scenario.name(), scenario.description());
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

  /** The config of the row before, to see when the users' regions change. */
  private LbConfig shown;

  private Row row(Duration offset, String event, LbConfig config, List<String> changes) {
    List<String> notes = new ArrayList<>(changes);
    if (scenario.topology().mode() == dev.failover.core.domain.Mode.URL_MAP_SUBSETS
        && shown != null
        && !config.equals(shown)) {
      notes.addAll(usersServed(config));
    }
    shown = config;
    StringBuilder line =
        new StringBuilder(String.format("%-7s %-56s", clockText(offset), truncate(event, 56)));
    for (Region r : scenario.topology().regionNames()) {
      line.append(String.format(" %13s", config.setting(r).display()));
    }
    out.println(line.toString().stripTrailing());
    for (String n : notes) {
      out.println("        " + paint(n));
    }
    return new Row(offset, event, config, List.copyOf(notes));
  }

  /**
   * Where the users of each region not served wholly at home are served, by the nearest-region
   * model of the headroom rule (e.g. {@code users of us-central1: 10% us-central1, 90%
   * europe-west1}).
   */
  private List<String> usersServed(LbConfig config) {
    Map<Region, Integer> levels = new HashMap<>();
    config.settings().forEach((r, st) -> levels.put(r, ((Setting.Share) st).level()));
    List<String> lines = new ArrayList<>();
    dev.failover.core.domain.Geography.servedBy(scenario.topology(), levels)
        .forEach(
            (users, at) -> {
              if (at.getOrDefault(users, 0) == Topology.FULL) {
                return;
              }
              StringBuilder b = new StringBuilder("users of " + users + ":");
              String sep = " ";
              for (Map.Entry<Region, Integer> e : at.entrySet()) {
                b.append(sep).append(new Setting.Share(e.getValue()).display());
                b.append(' ').append(e.getKey());
                sep = ", ";
              }
              lines.add(b.toString());
            });
    return lines.isEmpty() ? List.of("users: every region's users are served at home") : lines;
  }

  /** Drains red, ramps and restores green, holds yellow, pages bold: only on a terminal. */
  private String paint(String note) {
    if (!colour) {
      return note;
    }
    String code =
        note.startsWith("PAGE")
            ? "1;31"
            : note.startsWith("hold")
                ? "33"
                : note.contains(": drain ") || note.contains(": partial_drain ")
                    ? "31"
                    : note.contains(": ramp ") || note.contains(": serve ") ? "32" : null;
    return code == null ? note : "\u001b[" + code + "m" + note + "\u001b[0m";
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

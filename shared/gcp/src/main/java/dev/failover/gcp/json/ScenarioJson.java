package dev.failover.gcp.json;

import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Text;
import dev.failover.core.sim.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a simulation scenario. Shape (snake_case; durations ISO-8601, offsets from the start):
 *
 * <pre>{@code
 * {"name": "...", "description": "...", "start": "2026-11-01T12:00:00Z",
 *  "tick_every": "PT1M", "duration": "PT45M",
 *  "topology": {...}, "policy": {...},
 *  "events": [
 *    {"at": "PT2M", "health":   {"region": "us-central1", "status": "UNHEALTHY"}},
 *    {"at": "PT3M", "incident": {"region": "us-central1", "id": "0.abc", "policy": "5xx ratio",
 *                                "state": "open", "copies": 1}},
 *    {"at": "PT4M", "build":    {"region": "us-central1", "id": "b-1", "status": "WORKING"}},
 *    {"at": "PT5M", "command":  {"action": "drain", "region": "us-central1", "reason": "...",
 *                                "ttl": "PT30M", "requested_by": "alice", "break_glass": false,
 *                                "issued_at": "PT1M"}},
 *    {"at": "PT6M", "redeliver": {"index": 1}},
 *    {"at": "PT3H", "published": "PT20M",
 *                   "incident": {"region": "us-central1", "id": "0.abc", "state": "closed"}},
 *    {"at": "PT3H", "command":  {"action": "forget-build", "region": "us-central1",
 *                                "build_id": "b-1", "reason": "..."}}
 *  ]}
 * }</pre>
 *
 * <p>A command's {@code issued_at} (an offset, default: when published) lets a scenario deliver a
 * command after a newer one, as Pub/Sub does after a failed delivery. {@code published} (an offset,
 * default: {@code at}; incident, build and command events) is when the source sent the message: its
 * own time and the Pub/Sub publish time; the message is delivered at {@code at}, so a scenario can
 * express late and out-of-order delivery. {@code incident_id} and {@code build_id} name what a
 * {@code forget-incident} or {@code forget-build} command forgets.
 */
public final class ScenarioJson {
  private ScenarioJson() {}

  public static Scenario parse(String text) {
    Strict o = Strict.parse(text, "scenario");
    String name = o.string("name");
    String description = o.optString("description").orElse("");
    Instant start =
        o.field("start", () -> Instant.parse(o.optString("start").orElse("2026-11-01T12:00:00Z")));
    Duration tick = o.optDuration("tick_every").orElse(Duration.ofMinutes(1));
    Duration duration = o.duration("duration");
    var topology = ConfigJson.topology(o.object("topology"));
    Policy policy = o.optObject("policy").map(ConfigJson::policy).orElse(Policy.defaults());
    List<Strict> events = o.objects("events");
    List<Scenario.Step> steps = new ArrayList<>();
    List<Scenario.Step> inFileOrder = new ArrayList<>();
    for (Strict e : events) {
      Scenario.Step s = step(e, inFileOrder);
      inFileOrder.add(s);
      steps.add(s);
    }
    o.noOtherFields();
    return o.field(
        "events",
        () -> new Scenario(name, description, topology, policy, start, tick, duration, steps));
  }

  private static Scenario.Step step(Strict e, List<Scenario.Step> earlier) {
    Duration delivered = e.duration("at");
    Optional<Duration> published = e.optDuration("published");
    Duration at = published.orElse(delivered);
    Scenario.Step s;
    if (e.has("health")) {
      Strict h = e.object("health");
      Region r = region(h);
      Health.Status status = enumValue(h, "status", Health.Status.class);
      h.noOtherFields();
      s = new Scenario.HealthStep(at, r, status);
    } else if (e.has("incident")) {
      s = incident(at, e.object("incident"));
    } else if (e.has("build")) {
      Strict b = e.object("build");
      Region r = region(b);
      String id = b.string("id");
      BuildStatus status = enumValue(b, "status", BuildStatus.class);
      b.noOtherFields();
      s = new Scenario.BuildStep(at, r, id, status);
    } else if (e.has("command")) {
      s = command(at, e.object("command"));
    } else if (e.has("redeliver")) {
      Strict d = e.object("redeliver");
      int index = d.integer("index");
      d.noOtherFields();
      if (index < 0 || index >= earlier.size()) {
        throw new Strict.InvalidJsonException(
            d.path("index") + " must name an earlier event (0.." + (earlier.size() - 1) + ")");
      }
      s = new Scenario.DeliveryStep(at, earlier.get(index).region(), index);
    } else {
      throw new Strict.InvalidJsonException(
          e.path("at").replace(".at", "")
              + " needs one of health, incident, build, command, redeliver");
    }
    e.noOtherFields();
    if (published.isEmpty()) {
      return s;
    }
    Scenario.Step sent = s;
    return e.field("published", () -> new Scenario.LateStep(delivered, sent));
  }

  private static Scenario.Step incident(Duration at, Strict i) {
    Region r = region(i);
    String id = i.string("id");
    String policy = i.optString("policy").orElse("alert policy");
    String state = i.string("state");
    if (!state.equals("open") && !state.equals("closed")) {
      throw new Strict.InvalidJsonException(
          i.path("state") + " must be open or closed, got '" + Text.printable(state) + "'");
    }
    Optional<Duration> startedAt = i.optDuration("started_at");
    int copies = i.optLong("copies").map(Long::intValue).orElse(1);
    if (copies < 1 || copies > 10_000) {
      throw new Strict.InvalidJsonException(i.path("copies") + " must be in 1..10000");
    }
    i.noOtherFields();
    return new Scenario.IncidentStep(at, r, id, policy, state.equals("open"), startedAt, copies);
  }

  private static Scenario.Step command(Duration at, Strict c) {
    String actionText = c.string("action");
    CommandEvent.Action action =
        CommandEvent.Action.fromWire(actionText)
            .orElseThrow(
                () ->
                    new Strict.InvalidJsonException(
                        c.path("action")
                            + " must be one of "
                            + CommandEvent.Action.wireList()
                            + ", got '"
                            + Text.printable(actionText)
                            + "'"));
    Region r = region(c);
    String reason = c.string("reason");
    Optional<Duration> ttl = c.optDuration("ttl");
    String actor = c.optString("requested_by").orElse("operator@example.com");
    boolean breakGlass = c.optBool("break_glass").orElse(false);
    Optional<Duration> issuedAt = c.optDuration("issued_at");
    Optional<String> target = c.optString("incident_id").or(() -> c.optString("build_id"));
    c.noOtherFields();
    return new Scenario.CommandStep(
        at, r, action, actor, reason, ttl, breakGlass, issuedAt, target);
  }

  private static Region region(Strict o) {
    return o.field("region", () -> Region.of(o.string("region")));
  }

  private static <E extends Enum<E>> E enumValue(Strict o, String field, Class<E> type) {
    String v = o.string(field);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException ex) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name());
      }
      throw new Strict.InvalidJsonException(
          o.path(field) + " must be one of " + names + ", got '" + Text.printable(v) + "'");
    }
  }
}

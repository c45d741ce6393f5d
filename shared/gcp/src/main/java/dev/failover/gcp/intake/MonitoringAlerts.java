package dev.failover.gcp.intake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent.IncidentEvent;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Text;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.json.Strict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Cloud Monitoring Pub/Sub notifications, schema version 1.2: {@code {"incident": {...},
 * "version": "1.2"}}. Unknown fields are ignored (the schema has many); the fields the controller
 * uses are checked strictly.
 *
 * <p>The region comes from, in order: {@code incident.policy_user_labels.region}, {@code
 * incident.resource.labels.location} or {@code .zone} (a zone such as {@code us-central1-c} counts
 * as its region), {@code incident.metric.labels.region} or {@code .location}, and the configured
 * map from policy name to region. The first that names a region of the topology wins; an alert that
 * names none is ignored, never guessed.
 *
 * <p>{@code incident.state} decides open or closed (in any case): an open incident that carries an
 * {@code ended_at} (public copies of the schema's example do) is open. The console's "send test
 * notification" ({@code "version": "test"}) is recognised and ignored with rule {@code
 * test_notification}: it says the channel works.
 */
public final class MonitoringAlerts {
  public static final String VERSION = "1.2";

  private final Topology topology;
  private final Map<String, Region> regionByPolicy;

  public MonitoringAlerts(Topology topology, Map<String, Region> regionByPolicy) {
    this.topology = topology;
    this.regionByPolicy = Map.copyOf(regionByPolicy);
  }

  /** The version of the console's test notifications, which are not incidents. */
  static final String TEST_VERSION = "test";

  public Inbound parse(PubsubMessage m) {
    Trigger bare = Trigger.of("alert", m.messageId());
    Strict root;
    try {
      root = Strict.parse(m.data(), "the alert notification");
    } catch (Strict.InvalidJsonException e) {
      return new Inbound.Rejected(e.getMessage(), bare);
    }
    try {
      return incident(m, root, bare);
    } catch (IllegalArgumentException e) {
      return new Inbound.Rejected(e.getMessage(), bare);
    }
  }

  /** The incident of a 1.2 notification, checked; throws on a missing or invalid field. */
  private Inbound incident(PubsubMessage m, Strict root, Trigger bare) {
    String version = root.optString("version").orElseThrow(() -> root.missing("version"));
    if (TEST_VERSION.equals(version)) {
      // the console's "send test notification": the channel works; nothing to act on
      return new Inbound.Ignored(
          "test notification from Cloud Monitoring (version \"test\"): the notification channel"
              + " to this controller works; nothing changed",
          bare,
          Optional.of("test_notification"));
    }
    if (!VERSION.equals(version)) {
      return new Inbound.Rejected(
          "version must be \"1.2\" (Monitoring notification schema 1.2), got '"
              + Text.printable(version)
              + "'",
          bare);
    }
    Strict incident = root.object("incident");
    String id = incident.string("incident_id");
    String policy = incident.optString("policy_name").orElse("(unnamed policy)");
    Trigger trigger =
        new Trigger(
            "alert",
            m.messageId(),
            Optional.of(Text.printable(id)),
            Optional.of(Text.printable(policy)),
            Optional.empty(),
            Optional.empty());
    String state = incident.string("state").toLowerCase(Locale.ROOT);
    if (!state.equals("open") && !state.equals("closed")) {
      return new Inbound.Rejected(
          "incident.state must be open or closed, got '" + Text.printable(state) + "'", trigger);
    }
    Instant startedAt =
        epochSeconds(incident, "started_at").orElseThrow(() -> incident.missing("started_at"));
    // state decides: public copies of the 1.2 example carry an ended_at on an open incident
    Optional<Instant> endedAt =
        state.equals("open") ? Optional.empty() : epochSeconds(incident, "ended_at");
    if (state.equals("closed") && endedAt.isEmpty()) {
      return new Inbound.Rejected("incident.ended_at is required when state is closed", trigger);
    }
    Optional<Region> region = region(incident, policy);
    if (region.isEmpty()) {
      return new Inbound.Ignored(
          "incident "
              + Text.printable(id)
              + " ("
              + Text.printable(policy)
              + ") names no region of this load balancer ("
              + topology.regionNames()
              + "); label the policy with user_labels.region",
          trigger);
    }
    return new Inbound.Accepted(
        new IncidentEvent(m.messageId(), region.get(), id, policy, startedAt, endedAt),
        trigger.withIncidentStartedAt(startedAt));
  }

  private static Optional<Instant> epochSeconds(Strict o, String field) {
    Optional<Long> v = o.optLong(field);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    long s = v.get();
    // 2001-09-09 .. 2286-11-20: anything else is not a Monitoring timestamp
    if (s < 1_000_000_000L || s > 9_999_999_999L) {
      throw new Strict.InvalidJsonException(o.path(field) + " must be epoch seconds, got " + s);
    }
    return Optional.of(Instant.ofEpochSecond(s));
  }

  private Optional<Region> region(Strict incident, String policy) {
    List<Optional<String>> candidates = new ArrayList<>();
    candidates.add(label(incident.raw(), "policy_user_labels", "region"));
    candidates.add(nestedLabel(incident.raw(), "resource", "location"));
    candidates.add(nestedLabel(incident.raw(), "resource", "zone"));
    candidates.add(nestedLabel(incident.raw(), "metric", "region"));
    candidates.add(nestedLabel(incident.raw(), "metric", "location"));
    for (Optional<String> c : candidates) {
      Optional<Region> r = c.flatMap(this::known);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.ofNullable(regionByPolicy.get(policy))
        .filter(r -> topology.find(r).isPresent());
  }

  private Optional<Region> known(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (Region r : topology.regionNames()) {
      if (r.name().equals(n) || n.matches(java.util.regex.Pattern.quote(r.name()) + "-[a-z]")) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> label(JsonObject o, String map, String key) {
    JsonElement m = o.get(map);
    if (m == null || !m.isJsonObject()) {
      return Optional.empty();
    }
    JsonElement v = m.getAsJsonObject().get(key);
    return v != null && v.isJsonPrimitive() ? Optional.of(v.getAsString()) : Optional.empty();
  }

  private static Optional<String> nestedLabel(JsonObject o, String object, String key) {
    JsonElement e = o.get(object);
    return e != null && e.isJsonObject()
        ? label(e.getAsJsonObject(), "labels", key)
        : Optional.empty();
  }
}

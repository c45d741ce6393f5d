package dev.failover.gcp.intake;

import com.google.gson.JsonElement;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent.BuildEvent;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Text;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.json.Strict;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Cloud Build messages from the {@code cloud-builds} topic: attributes {@code buildId} and
 * {@code status}, data = the Build resource as JSON. A build concerns this controller when its
 * substitution {@code serviceKey} (default {@code _SERVICE}) equals the configured service (when
 * one is configured), and its region comes from the substitution {@code regionKey} (default {@code
 * _REGION}) or a tag {@code region-<name>}. Other builds are ignored.
 */
public final class CloudBuilds {

  /** How builds are related to this service and its regions. */
  public record Routing(Optional<String> service, String serviceKey, String regionKey) {
    public static Routing defaults(Optional<String> service) {
      return new Routing(service, "_SERVICE", "_REGION");
    }
  }

  private final Topology topology;
  private final Routing routing;

  public CloudBuilds(Topology topology, Routing routing) {
    this.topology = topology;
    this.routing = routing;
  }

  public Inbound parse(PubsubMessage m) {
    Trigger bare = Trigger.of("build", m.messageId());
    Strict build;
    try {
      build = Strict.parse(m.data(), "the build message");
    } catch (Strict.InvalidJsonException e) {
      return new Inbound.Rejected(e.getMessage(), bare);
    }
    try {
      return parse(m, build);
    } catch (IllegalArgumentException e) {
      return new Inbound.Rejected(e.getMessage(), bare);
    }
  }

  /** The build's id, status, region and time, checked; throws on a missing or invalid field. */
  private Inbound parse(PubsubMessage m, Strict build) {
    String id =
        build
            .optString("id")
            .or(() -> Optional.ofNullable(m.attributes().get("buildId")))
            .orElseThrow(() -> build.missing("id"));
    Trigger trigger =
        new Trigger(
            "build",
            m.messageId(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(Text.printable(id)),
            Optional.empty());
    String attrId = m.attributes().get("buildId");
    if (attrId != null && !attrId.equals(id)) {
      return new Inbound.Rejected(
          "attribute buildId '" + Text.printable(attrId) + "' differs from the data's id", trigger);
    }
    String statusText =
        build
            .optString("status")
            .or(() -> Optional.ofNullable(m.attributes().get("status")))
            .orElseThrow(() -> build.missing("status"));
    BuildStatus status;
    try {
      status = BuildStatus.valueOf(statusText);
    } catch (IllegalArgumentException e) {
      return new Inbound.Rejected(
          "status must be a Cloud Build status such as WORKING or SUCCESS, got '"
              + Text.printable(statusText)
              + "'",
          trigger);
    }
    Map<String, String> subs = stringMap(build, "substitutions");
    Optional<Inbound> other = otherService(id, subs, trigger);
    if (other.isPresent()) {
      return other.get();
    }
    Optional<Region> region = region(build, subs);
    if (region.isEmpty()) {
      return new Inbound.Ignored(
          "build "
              + Text.printable(id)
              + " names no region of this load balancer (substitution "
              + routing.regionKey()
              + " or tag region-<name>)",
          trigger);
    }
    Instant at =
        time(build, status).or(m::publishTime).orElseThrow(() -> build.missing("createTime"));
    return new Inbound.Accepted(
        new BuildEvent(m.messageId(), region.get(), id, status, at), trigger);
  }

  /** Ignored when the build deploys another service than the one configured. */
  private Optional<Inbound> otherService(String id, Map<String, String> subs, Trigger trigger) {
    if (routing.service().isEmpty()) {
      return Optional.empty();
    }
    String service = subs.get(routing.serviceKey());
    if (routing.service().get().equals(service)) {
      return Optional.empty();
    }
    return Optional.of(
        new Inbound.Ignored(
            "build "
                + Text.printable(id)
                + " does not deploy "
                + routing.service().get()
                + " (substitution "
                + routing.serviceKey()
                + " is "
                + (service == null ? "absent" : "'" + Text.printable(service) + "'")
                + ")",
            trigger));
  }

  private Optional<Region> region(Strict build, Map<String, String> subs) {
    String fromSubs = subs.get(routing.regionKey());
    if (fromSubs != null) {
      return known(fromSubs);
    }
    for (JsonElement tag : build.array("tags")) {
      if (tag.isJsonPrimitive() && tag.getAsString().startsWith("region-")) {
        Optional<Region> r = known(tag.getAsString().substring("region-".length()));
        if (r.isPresent()) {
          return r;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Region> known(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return topology.regionNames().stream().filter(r -> r.name().equals(n)).findFirst();
  }

  private static Optional<Instant> time(Strict build, BuildStatus status) {
    String field =
        status.terminal()
            ? "finishTime"
            : status == BuildStatus.WORKING ? "startTime" : "createTime";
    Optional<String> t = build.optString(field);
    if (t.isEmpty() && !field.equals("createTime")) {
      t = build.optString("createTime");
    }
    if (t.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(t.get()));
    } catch (DateTimeParseException e) {
      throw new Strict.InvalidJsonException(
          field + " must be an RFC 3339 time, got '" + Text.printable(t.get()) + "'");
    }
  }

  private static Map<String, String> stringMap(Strict o, String field) {
    Map<String, String> out = new java.util.TreeMap<>();
    Optional<Strict> m = o.optObject(field);
    if (m.isEmpty()) {
      return out;
    }
    for (Map.Entry<String, JsonElement> e : m.get().raw().entrySet()) {
      if (e.getValue().isJsonPrimitive()) {
        out.put(e.getKey(), e.getValue().getAsString());
      }
    }
    return out;
  }
}

package dev.failover.gcp.intake;

import com.google.gson.JsonElement;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent.BuildEvent;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Text;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.json.Strict;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Cloud Build messages from the {@code cloud-builds} topic: attributes {@code buildId} and
 * {@code status}, data = the Build resource as JSON.
 *
 * <p>A build concerns this controller when the first of its service substitutions present (by
 * default {@code _SERVICE}, then {@code _SERVICE_NAME}, which the triggers Cloud Run's console
 * makes use) equals the configured service (when one is configured). Its regions are every region
 * of the load balancer the build names: in a region substitution (by default {@code _REGION}, then
 * {@code _DEPLOY_REGION}, the console's), in a tag {@code region-<name>}, or in a deploy step
 * ({@code gcloud run deploy ...} or {@code gcloud run services update ...} with {@code --region R},
 * substitutions resolved). A build that names several regions (a pipeline deploying them in turn)
 * becomes one event per region, each marked as a shared deploy. Other builds are ignored, saying
 * where a region was looked for.
 */
public final class CloudBuilds {

  /**
   * How builds are related to this service and its regions: the substitutions that may name the
   * service and the region, each tried in order.
   */
  public record Routing(
      Optional<String> service, List<String> serviceKeys, List<String> regionKeys) {
    public Routing {
      Objects.requireNonNull(service, "service");
      serviceKeys = List.copyOf(serviceKeys);
      regionKeys = List.copyOf(regionKeys);
      if (serviceKeys.isEmpty() || regionKeys.isEmpty()) {
        throw new IllegalArgumentException("at least one service and one region substitution");
      }
    }

    public Routing(Optional<String> service, String serviceKey, String regionKey) {
      this(service, List.of(serviceKey), List.of(regionKey));
    }

    /** Our own and the Cloud Run console's substitutions. */
    public static Routing defaults(Optional<String> service) {
      return new Routing(
          service, List.of("_SERVICE", "_SERVICE_NAME"), List.of("_REGION", "_DEPLOY_REGION"));
    }

    /** The service substitution a build made here carries. */
    public String serviceKey() {
      return serviceKeys.get(0);
    }

    /** The region substitution a build made here carries. */
    public String regionKey() {
      return regionKeys.get(0);
    }
  }

  /**
   * {@code run deploy SERVICE} or {@code run services update SERVICE}, then a {@code --region}
   * among its flags (up to the end of that command).
   */
  private static final Pattern DEPLOY =
      Pattern.compile(
          "\\brun\\s+(?:deploy|services\\s+update)\\s+([a-z][-a-z0-9]*)\\b"
              + "(?:(?![;&|\\n]).)*?--region(?:=|\\s+)([^\\s;&|'\"]+)");

  /** One deploy a step makes: the service and the region. */
  private record Deploy(String service, String region) {}

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
    List<Deploy> deploys = deploys(build, subs);
    Optional<Inbound> other = otherService(id, subs, deploys, trigger);
    if (other.isPresent()) {
      return other.get();
    }
    List<Region> regions = regions(build, subs, deploys);
    if (regions.isEmpty()) {
      return new Inbound.Ignored(
          "build "
              + Text.printable(id)
              + " names no region of this load balancer (substitution "
              + String.join(" or ", routing.regionKeys())
              + ", tag region-<name>, or a deploy step's --region)",
          trigger);
    }
    Instant at =
        time(build, status).or(m::publishTime).orElseThrow(() -> build.missing("createTime"));
    Optional<Duration> timeout = timeout(build);
    boolean shared = regions.size() > 1;
    List<dev.failover.core.domain.ControllerEvent> events = new ArrayList<>();
    for (Region r : regions) {
      // one event per region; a single-region build keeps the message id as its event id
      String eventId = shared ? m.messageId() + "/" + r.name() : m.messageId();
      events.add(new BuildEvent(eventId, r, id, status, at, timeout, shared));
    }
    return new Inbound.Accepted(events, trigger);
  }

  /**
   * Ignored when the build deploys another service than the one configured: judged by the first
   * service substitution present, else by the services its deploy steps name.
   */
  private Optional<Inbound> otherService(
      String id, Map<String, String> subs, List<Deploy> deploys, Trigger trigger) {
    if (routing.service().isEmpty()) {
      return Optional.empty();
    }
    String wanted = routing.service().get();
    Optional<String> key = routing.serviceKeys().stream().filter(subs::containsKey).findFirst();
    if (key.isPresent()
        ? wanted.equals(subs.get(key.get()))
        : deploys.stream().anyMatch(d -> d.service().equals(wanted))) {
      return Optional.empty();
    }
    String what;
    if (key.isPresent()) {
      what = "substitution " + key.get() + " is '" + Text.printable(subs.get(key.get())) + "'";
    } else if (!deploys.isEmpty()) {
      what =
          "its deploy steps deploy "
              + deploys.stream().map(Deploy::service).distinct().map(Text::printable).toList();
    } else {
      what =
          "substitutions "
              + String.join(" and ", routing.serviceKeys())
              + " absent, and no deploy step";
    }
    return Optional.of(
        new Inbound.Ignored(
            "build " + Text.printable(id) + " does not deploy " + wanted + " (" + what + ")",
            trigger));
  }

  /**
   * The deploys the build's steps make ({@code gcloud run deploy|services update ... --region}).
   */
  private static List<Deploy> deploys(Strict build, Map<String, String> subs) {
    List<Deploy> out = new ArrayList<>();
    for (JsonElement step : build.array("steps")) {
      if (!step.isJsonObject()) {
        continue;
      }
      Matcher d = DEPLOY.matcher(commandLine(step.getAsJsonObject(), subs));
      while (d.find()) {
        out.add(new Deploy(d.group(1), d.group(2)));
      }
    }
    return out;
  }

  /**
   * The regions of the load balancer the build names, in this order: the region substitutions, the
   * tags {@code region-<name>}, the deploy steps; each once.
   */
  private List<Region> regions(Strict build, Map<String, String> subs, List<Deploy> deploys) {
    Set<Region> found = new LinkedHashSet<>();
    for (String key : routing.regionKeys()) {
      String v = subs.get(key);
      if (v != null) {
        known(v).ifPresent(found::add);
      }
    }
    for (JsonElement tag : build.array("tags")) {
      if (tag.isJsonPrimitive() && tag.getAsString().startsWith("region-")) {
        known(tag.getAsString().substring("region-".length())).ifPresent(found::add);
      }
    }
    for (Deploy d : deploys) {
      if (routing.service().isEmpty() || routing.service().get().equals(d.service())) {
        known(d.region()).ifPresent(found::add);
      }
    }
    return List.copyOf(found);
  }

  /**
   * A step as one line: its entrypoint, its args and its script, substitutions ({@code $_X}, {@code
   * ${_X}}) replaced by their values.
   */
  private static String commandLine(com.google.gson.JsonObject step, Map<String, String> subs) {
    StringBuilder b = new StringBuilder();
    JsonElement entry = step.get("entrypoint");
    if (entry != null && entry.isJsonPrimitive()) {
      b.append(entry.getAsString()).append(' ');
    }
    JsonElement args = step.get("args");
    if (args != null && args.isJsonArray()) {
      for (JsonElement a : args.getAsJsonArray()) {
        if (a.isJsonPrimitive()) {
          b.append(a.getAsString()).append(' ');
        }
      }
    }
    JsonElement script = step.get("script");
    if (script != null && script.isJsonPrimitive()) {
      b.append(script.getAsString());
    }
    String line = b.toString();
    for (Map.Entry<String, String> e : subs.entrySet()) {
      line =
          line.replace("${" + e.getKey() + "}", e.getValue())
              .replace("$" + e.getKey(), e.getValue());
    }
    return line;
  }

  /** The build's {@code timeout} ("600s", as the Build resource writes durations), if given. */
  private static Optional<Duration> timeout(Strict build) {
    Optional<String> t = build.optString("timeout");
    if (t.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = Pattern.compile("(\\d{1,7})(?:\\.\\d{1,9})?s").matcher(t.get());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new Strict.InvalidJsonException(
          "timeout must be a positive duration in seconds such as 600s, got '"
              + Text.printable(t.get())
              + "'");
    }
    return Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1))));
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

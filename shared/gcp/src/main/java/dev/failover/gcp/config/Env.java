package dev.failover.gcp.config;

import com.google.gson.JsonElement;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.json.ConfigJson;
import dev.failover.gcp.json.Strict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The controller's configuration, read from environment variables and validated at start. Every
 * problem is reported at once, each naming its variable. The README's table documents each
 * variable.
 *
 * @param adapters {@code google} (Compute, Firestore, Monitoring) or {@code embedded} (local
 *     files); defaults to {@code google} on Cloud Functions ({@code K_SERVICE} is set), else {@code
 *     embedded}
 * @param oversight drift and propagation settings, from the same FAILOVER_POLICY object
 * @param events where change notifications go: {@code none}, {@code file:PATH} (NDJSON) or a
 *     Pub/Sub topic id ({@code projects/P/topics/T})
 */
public record Env(
    Topology topology,
    Policy policy,
    Map<String, Region> regionByPolicy,
    CloudBuilds.Routing buildRouting,
    Duration maxEventAge,
    Adapters adapters,
    Google google,
    Embedded embedded,
    String audit,
    Oversight oversight,
    String events) {

  /**
   * Every environment variable the controller reads (terraform's function environment is checked
   * against it).
   */
  public static final java.util.Set<String> VARIABLES =
      java.util.Set.of(
          "FAILOVER_TOPOLOGY",
          "FAILOVER_TOPOLOGY_FILE",
          "FAILOVER_POLICY",
          "FAILOVER_ALERT_REGION_BY_POLICY",
          "FAILOVER_BUILD_SERVICE",
          "FAILOVER_BUILD_SERVICE_KEY",
          "FAILOVER_BUILD_REGION_KEY",
          "FAILOVER_MAX_EVENT_AGE",
          "FAILOVER_ADAPTERS",
          "FAILOVER_PATH_MATCHERS",
          "FAILOVER_UPTIME_CHECKS",
          "FAILOVER_HEALTH_MAX_5XX_RATIO",
          "FAILOVER_HEALTH_MIN_REQUESTS",
          "FAILOVER_HEALTH_MAX_P95_MS",
          "FAILOVER_HEALTH_SERVICE",
          "FAILOVER_COMPUTE_ENDPOINT",
          "FAILOVER_FIRESTORE_DATABASE",
          "FAILOVER_LEDGER_TTL",
          "FAILOVER_STATE_FILE",
          "FAILOVER_LB_FILE",
          "FAILOVER_HEALTH_FILE",
          "FAILOVER_AUDIT",
          "FAILOVER_EVENTS",
          "K_SERVICE",
          "FIRESTORE_EMULATOR_HOST");

  public enum Adapters {
    GOOGLE,
    EMBEDDED
  }

  /** Settings of the Google Cloud adapters. */
  public record Google(
      Optional<String> computeEndpoint,
      Set<String> pathMatchers,
      Optional<String> firestoreDatabase,
      Duration ledgerTtl,
      String healthService,
      Map<Region, String> uptimeChecks,
      double max5xxRatio,
      long minRequests,
      Optional<Double> maxP95Millis) {}

  /** Settings of the embedded adapters: where the files live. */
  public record Embedded(Path stateFile, Path loadBalancerFile, Optional<Path> healthFile) {}

  /** Thrown when the environment is invalid; the message lists every problem. */
  public static final class InvalidEnvironmentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidEnvironmentException(String message) {
      super(message);
    }
  }

  /** An embedded configuration with defaults, for tests and the simulator. */
  public static Env embedded(
      Topology topology,
      Policy policy,
      Map<String, Region> regionByPolicy,
      CloudBuilds.Routing buildRouting,
      Duration maxEventAge) {
    return new Env(
        topology,
        policy,
        regionByPolicy,
        buildRouting,
        maxEventAge,
        Adapters.EMBEDDED,
        defaultGoogle(topology),
        new Embedded(
            Path.of("out", "state.json"), Path.of("out", "load-balancer.json"), Optional.empty()),
        "stdout",
        Oversight.defaults(),
        "none");
  }

  private static Google defaultGoogle(Topology topology) {
    return new Google(
        Optional.empty(),
        Set.of(),
        Optional.empty(),
        Duration.ofDays(7),
        topology.resource(),
        Map.of(),
        0.05,
        5,
        Optional.empty());
  }

  public static Env from(Map<String, String> env) {
    Problems p = new Problems();
    Topology topology = null;
    String topologyText = env.get("FAILOVER_TOPOLOGY");
    String topologyFile = env.get("FAILOVER_TOPOLOGY_FILE");
    if (topologyText == null && topologyFile != null) {
      try {
        topologyText = Files.readString(Path.of(topologyFile), StandardCharsets.UTF_8);
      } catch (IOException e) {
        p.add("FAILOVER_TOPOLOGY_FILE", "cannot read " + topologyFile + ": " + e.getMessage());
      }
    }
    if (topologyText == null) {
      if (topologyFile == null) {
        p.add(
            "FAILOVER_TOPOLOGY", "required (the topology JSON; or FAILOVER_TOPOLOGY_FILE, a path)");
      }
    } else {
      try {
        topology = ConfigJson.topology(Strict.parse(topologyText, "FAILOVER_TOPOLOGY"));
      } catch (IllegalArgumentException e) {
        p.add("FAILOVER_TOPOLOGY", e.getMessage());
      }
    }
    Policy policy = Policy.defaults();
    Oversight oversight = Oversight.defaults();
    if (env.containsKey("FAILOVER_POLICY")) {
      try {
        ConfigJson.Controls c =
            ConfigJson.controls(Strict.parse(env.get("FAILOVER_POLICY"), "FAILOVER_POLICY"));
        policy = c.policy();
        oversight = c.oversight();
      } catch (IllegalArgumentException e) {
        p.add("FAILOVER_POLICY", e.getMessage());
      }
    }
    Map<String, Region> byPolicy =
        regionMap(env, "FAILOVER_ALERT_REGION_BY_POLICY", topology, p, "policy");
    Optional<String> service =
        Optional.ofNullable(env.get("FAILOVER_BUILD_SERVICE")).filter(s -> !s.isBlank());
    String serviceKey = env.getOrDefault("FAILOVER_BUILD_SERVICE_KEY", "_SERVICE");
    String regionKey = env.getOrDefault("FAILOVER_BUILD_REGION_KEY", "_REGION");
    for (String[] kv :
        new String[][] {
          {"FAILOVER_BUILD_SERVICE_KEY", serviceKey}, {"FAILOVER_BUILD_REGION_KEY", regionKey}
        }) {
      if (!kv[1].matches("_[A-Z0-9_]+")) {
        p.add(
            kv[0],
            "a user substitution looks like _REGION (underscore, capitals), got '" + kv[1] + "'");
      }
    }
    Duration maxAge = duration(env, "FAILOVER_MAX_EVENT_AGE", Duration.ofHours(1), p);

    String adaptersText =
        env.getOrDefault("FAILOVER_ADAPTERS", env.containsKey("K_SERVICE") ? "google" : "embedded");
    Adapters adapters = Adapters.EMBEDDED;
    if (adaptersText.equals("google")) {
      adapters = Adapters.GOOGLE;
    } else if (!adaptersText.equals("embedded")) {
      p.add("FAILOVER_ADAPTERS", "google or embedded, got '" + adaptersText + "'");
    }

    Set<String> pathMatchers = new LinkedHashSet<>();
    Arrays.stream(env.getOrDefault("FAILOVER_PATH_MATCHERS", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(pathMatchers::add);
    Map<Region, String> uptime = uptimeChecks(env, topology, p);
    double max5xx = number(env, "FAILOVER_HEALTH_MAX_5XX_RATIO", 0.05, 0, 1, p);
    long minRequests = (long) number(env, "FAILOVER_HEALTH_MIN_REQUESTS", 5, 1, 1e9, p);
    Optional<Double> maxP95 =
        env.containsKey("FAILOVER_HEALTH_MAX_P95_MS")
            ? Optional.of(number(env, "FAILOVER_HEALTH_MAX_P95_MS", 0, 1, 1e7, p))
            : Optional.empty();
    String healthService =
        env.getOrDefault(
            "FAILOVER_HEALTH_SERVICE", service.orElse(topology == null ? "" : topology.resource()));
    Google google =
        new Google(
            Optional.ofNullable(env.get("FAILOVER_COMPUTE_ENDPOINT")),
            pathMatchers,
            Optional.ofNullable(env.get("FAILOVER_FIRESTORE_DATABASE")),
            duration(env, "FAILOVER_LEDGER_TTL", Duration.ofDays(7), p),
            healthService,
            uptime,
            max5xx,
            minRequests,
            maxP95);
    Embedded embedded =
        new Embedded(
            Path.of(env.getOrDefault("FAILOVER_STATE_FILE", "out/state.json")),
            Path.of(env.getOrDefault("FAILOVER_LB_FILE", "out/load-balancer.json")),
            Optional.ofNullable(env.get("FAILOVER_HEALTH_FILE")).map(Path::of));

    String audit = env.getOrDefault("FAILOVER_AUDIT", "stdout");
    if (!audit.equals("stdout") && !audit.startsWith("file:")) {
      p.add("FAILOVER_AUDIT", "stdout or file:PATH, got '" + audit + "'");
    }
    String events = env.getOrDefault("FAILOVER_EVENTS", "none");
    if (!events.equals("none")
        && !events.startsWith("file:")
        && !events.matches(
            "projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9._~%+]{2,254}")) {
      p.add(
          "FAILOVER_EVENTS",
          "none, file:PATH or a topic id projects/PROJECT/topics/TOPIC, got '" + events + "'");
    }
    p.throwIfAny();
    return new Env(
        topology,
        policy,
        byPolicy,
        new CloudBuilds.Routing(service, serviceKey, regionKey),
        maxAge,
        adapters,
        google,
        embedded,
        audit,
        oversight,
        events);
  }

  private static final class Problems {
    private final List<String> list = new ArrayList<>();

    void add(String variable, String problem) {
      list.add(variable + ": " + problem);
    }

    void throwIfAny() {
      if (!list.isEmpty()) {
        throw new InvalidEnvironmentException(
            "invalid configuration:\n  " + String.join("\n  ", list));
      }
    }
  }

  private static Duration duration(
      Map<String, String> env, String name, Duration fallback, Problems p) {
    if (!env.containsKey(name)) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(env.get(name));
      if (d.isNegative() || d.isZero()) {
        p.add(name, "must be positive, got " + d);
      }
      return d;
    } catch (DateTimeParseException e) {
      p.add(name, "an ISO-8601 duration such as PT1H, got '" + env.get(name) + "'");
      return fallback;
    }
  }

  private static double number(
      Map<String, String> env, String name, double fallback, double min, double max, Problems p) {
    if (!env.containsKey(name)) {
      return fallback;
    }
    try {
      double v = Double.parseDouble(env.get(name));
      if (!(v >= min && v <= max)) {
        p.add(name, "must be in " + min + ".." + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      p.add(name, "a number, got '" + env.get(name) + "'");
      return fallback;
    }
  }

  /** {@code {"us-central1": "uptime-check-id", ...}}: one uptime check per region. */
  private static Map<Region, String> uptimeChecks(
      Map<String, String> env, Topology topology, Problems p) {
    Map<Region, String> out = new TreeMap<>();
    String name = "FAILOVER_UPTIME_CHECKS";
    if (!env.containsKey(name)) {
      return out;
    }
    try {
      Strict o = Strict.parse(env.get(name), name);
      for (String key : o.raw().keySet()) {
        Region r = Region.of(key);
        if (topology != null && topology.find(r).isEmpty()) {
          throw new IllegalArgumentException(r + " is not in the topology");
        }
        out.put(r, o.string(key));
      }
    } catch (IllegalArgumentException e) {
      p.add(name, e.getMessage());
    }
    return out;
  }

  /** A JSON object of names to regions of the topology. */
  private static Map<String, Region> regionMap(
      Map<String, String> env, String name, Topology topology, Problems p, String what) {
    Map<String, Region> out = new TreeMap<>();
    if (!env.containsKey(name)) {
      return out;
    }
    try {
      Strict o = Strict.parse(env.get(name), name);
      for (Map.Entry<String, JsonElement> e : o.raw().entrySet()) {
        if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
          throw new IllegalArgumentException(
              "the region of " + what + " '" + e.getKey() + "' must be a string");
        }
        Region r = Region.of(e.getValue().getAsString());
        if (topology != null && topology.find(r).isEmpty()) {
          throw new IllegalArgumentException(
              what + " '" + e.getKey() + "' maps to " + r + ", which is not in the topology");
        }
        out.put(e.getKey(), r);
      }
    } catch (IllegalArgumentException e) {
      p.add(name, e.getMessage());
    }
    return out;
  }
}

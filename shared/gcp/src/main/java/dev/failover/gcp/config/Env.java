package dev.failover.gcp.config;

import com.google.gson.JsonElement;
import dev.failover.core.app.ControllerSettings;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Text;
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
          "FAILOVER_RECONCILE_BUDGET",
          "FAILOVER_ADAPTERS",
          "FAILOVER_PATH_MATCHERS",
          "FAILOVER_UPTIME_CHECKS",
          "FAILOVER_HEALTH_MAX_5XX_RATIO",
          "FAILOVER_HEALTH_MIN_REQUESTS",
          "FAILOVER_UPTIME_FAILING_LOCATIONS",
          "FAILOVER_HEALTH_MAX_P95_MS",
          "FAILOVER_HEALTH_SERVICE",
          "FAILOVER_COMPUTE_ENDPOINT",
          "FAILOVER_FIRESTORE_DATABASE",
          "FAILOVER_LEDGER_TTL",
          "FAILOVER_STATE_FILE",
          "FAILOVER_LB_FILE",
          "FAILOVER_HEALTH_FILE",
          "FAILOVER_AUDIT",
          "FAILOVER_BIGQUERY_ENDPOINT",
          "FAILOVER_EVENTS",
          "FAILOVER_VERIFIED_COMMANDS_TOPIC",
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
      Optional<Double> maxP95Millis,
      Duration reconcileBudget,
      int uptimeFailingLocations) {}

  /** Settings of the embedded adapters: where the files live. */
  public record Embedded(Path stateFile, Path loadBalancerFile, Optional<Path> healthFile) {}

  /** Thrown when the environment is invalid; the message lists every problem. */
  public static final class InvalidEnvironmentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidEnvironmentException(String message) {
      super(message);
    }
  }

  /** What an unset variable means: the defaults, in one place. */
  static final class Defaults {
    private Defaults() {}

    static final Duration MAX_EVENT_AGE = Duration.ofHours(1);
    static final Duration RECONCILE_BUDGET = ControllerSettings.DEFAULT_BUDGET;
    static final String BUILD_SERVICE_KEY =
        String.join(",", CloudBuilds.Routing.defaults(Optional.empty()).serviceKeys());
    static final String BUILD_REGION_KEY =
        String.join(",", CloudBuilds.Routing.defaults(Optional.empty()).regionKeys());
    static final Duration LEDGER_TTL = Duration.ofDays(7);
    static final double MAX_5XX_RATIO = 0.05;
    static final long MIN_REQUESTS = 5;
    static final int UPTIME_FAILING_LOCATIONS = 2;
    static final String STATE_FILE = "out/state.json";
    static final String LB_FILE = "out/load-balancer.json";
    static final String AUDIT = "stdout";
    static final String EVENTS = "none";
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
        google(Map.of(), topology, Optional.empty(), new Problems()),
        embedded(Map.of()),
        Defaults.AUDIT,
        Oversight.defaults(),
        Defaults.EVENTS);
  }

  /** Reads and validates the environment; every problem is named in one exception. */
  public static Env from(Map<String, String> env) {
    Problems p = new Problems();
    Topology topology = topology(env, p);
    ConfigJson.Controls controls = controls(env, p);
    Map<String, Region> byPolicy =
        regionMap(env, "FAILOVER_ALERT_REGION_BY_POLICY", topology, p, "policy");
    CloudBuilds.Routing routing = buildRouting(env, p);
    Duration maxAge = duration(env, "FAILOVER_MAX_EVENT_AGE", Defaults.MAX_EVENT_AGE, p);
    Adapters adapters = adapters(env, p);
    Google google = google(env, topology, routing.service(), p);
    String audit = audit(env, p);
    String events = events(env, p);
    p.throwIfAny();
    return new Env(
        topology,
        controls.policy(),
        byPolicy,
        routing,
        maxAge,
        adapters,
        google,
        embedded(env),
        audit,
        controls.oversight(),
        events);
  }

  /** FAILOVER_TOPOLOGY, or the file FAILOVER_TOPOLOGY_FILE names; null (and a problem) if none. */
  private static Topology topology(Map<String, String> env, Problems p) {
    String text = env.get("FAILOVER_TOPOLOGY");
    String file = env.get("FAILOVER_TOPOLOGY_FILE");
    if (text == null && file != null) {
      try {
        text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        p.add("FAILOVER_TOPOLOGY_FILE", "cannot read " + file + ": " + e.getMessage());
        return null;
      }
    }
    if (text == null) {
      p.add("FAILOVER_TOPOLOGY", "required (the topology JSON; or FAILOVER_TOPOLOGY_FILE, a path)");
      return null;
    }
    try {
      return ConfigJson.topology(Strict.parse(text, "FAILOVER_TOPOLOGY"));
    } catch (IllegalArgumentException e) {
      p.add("FAILOVER_TOPOLOGY", e.getMessage());
      return null;
    }
  }

  /** FAILOVER_POLICY: the policy and the oversight settings, defaults where unset. */
  private static ConfigJson.Controls controls(Map<String, String> env, Problems p) {
    ConfigJson.Controls defaults = new ConfigJson.Controls(Policy.defaults(), Oversight.defaults());
    if (!env.containsKey("FAILOVER_POLICY")) {
      return defaults;
    }
    try {
      return ConfigJson.controls(Strict.parse(env.get("FAILOVER_POLICY"), "FAILOVER_POLICY"));
    } catch (IllegalArgumentException e) {
      p.add("FAILOVER_POLICY", e.getMessage());
      return defaults;
    }
  }

  /** Which builds concern the service, and which substitutions name its service and region. */
  private static CloudBuilds.Routing buildRouting(Map<String, String> env, Problems p) {
    Optional<String> service =
        Optional.ofNullable(env.get("FAILOVER_BUILD_SERVICE")).filter(s -> !s.isBlank());
    List<String> serviceKeys =
        substitutions(env, "FAILOVER_BUILD_SERVICE_KEY", Defaults.BUILD_SERVICE_KEY, p);
    List<String> regionKeys =
        substitutions(env, "FAILOVER_BUILD_REGION_KEY", Defaults.BUILD_REGION_KEY, p);
    return new CloudBuilds.Routing(service, serviceKeys, regionKeys);
  }

  /** A comma-separated list of user substitutions, tried in order. */
  private static List<String> substitutions(
      Map<String, String> env, String name, String fallback, Problems p) {
    List<String> keys = new java.util.ArrayList<>();
    for (String k : env.getOrDefault(name, fallback).split(",", -1)) {
      String key = k.strip();
      if (!key.matches("_[A-Z0-9_]+")) {
        p.add(
            name,
            "a comma-separated list of user substitutions such as _REGION,_DEPLOY_REGION"
                + " (underscore, capitals), got '"
                + Text.printable(key)
                + "'");
        return List.of("_INVALID");
      }
      keys.add(key);
    }
    return keys;
  }

  /** FAILOVER_ADAPTERS; google on Cloud Functions (K_SERVICE is set), else embedded. */
  private static Adapters adapters(Map<String, String> env, Problems p) {
    String text =
        env.getOrDefault("FAILOVER_ADAPTERS", env.containsKey("K_SERVICE") ? "google" : "embedded");
    if (text.equals("google")) {
      return Adapters.GOOGLE;
    }
    if (!text.equals("embedded")) {
      p.add("FAILOVER_ADAPTERS", "google or embedded, got '" + text + "'");
    }
    return Adapters.EMBEDDED;
  }

  /** The Google adapters' settings; health is read for the build service, else the resource. */
  private static Google google(
      Map<String, String> env, Topology topology, Optional<String> service, Problems p) {
    Set<String> pathMatchers = new LinkedHashSet<>();
    Arrays.stream(env.getOrDefault("FAILOVER_PATH_MATCHERS", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(pathMatchers::add);
    Optional<Double> maxP95 =
        env.containsKey("FAILOVER_HEALTH_MAX_P95_MS")
            ? Optional.of(number(env, "FAILOVER_HEALTH_MAX_P95_MS", 0, 1, 1e7, p))
            : Optional.empty();
    String healthService =
        env.getOrDefault(
            "FAILOVER_HEALTH_SERVICE", service.orElse(topology == null ? "" : topology.resource()));
    return new Google(
        Optional.ofNullable(env.get("FAILOVER_COMPUTE_ENDPOINT")),
        pathMatchers,
        Optional.ofNullable(env.get("FAILOVER_FIRESTORE_DATABASE")),
        duration(env, "FAILOVER_LEDGER_TTL", Defaults.LEDGER_TTL, p),
        healthService,
        uptimeChecks(env, topology, p),
        number(env, "FAILOVER_HEALTH_MAX_5XX_RATIO", Defaults.MAX_5XX_RATIO, 0, 1, p),
        (long) number(env, "FAILOVER_HEALTH_MIN_REQUESTS", Defaults.MIN_REQUESTS, 1, 1e9, p),
        maxP95,
        reconcileBudget(env, p),
        (int)
            number(
                env,
                "FAILOVER_UPTIME_FAILING_LOCATIONS",
                Defaults.UPTIME_FAILING_LOCATIONS,
                1,
                20,
                p));
  }

  /** FAILOVER_RECONCILE_BUDGET: PT5S..PT9M (default PT60S, half the functions' timeout). */
  private static Duration reconcileBudget(Map<String, String> env, Problems p) {
    Duration d = duration(env, "FAILOVER_RECONCILE_BUDGET", Defaults.RECONCILE_BUDGET, p);
    if (!ControllerSettings.budgetAllowed(d)) {
      p.add(
          "FAILOVER_RECONCILE_BUDGET",
          "between "
              + ControllerSettings.MIN_BUDGET
              + " and "
              + ControllerSettings.MAX_BUDGET
              + ", got "
              + d);
      return Defaults.RECONCILE_BUDGET;
    }
    return d;
  }

  private static Embedded embedded(Map<String, String> env) {
    return new Embedded(
        Path.of(env.getOrDefault("FAILOVER_STATE_FILE", Defaults.STATE_FILE)),
        Path.of(env.getOrDefault("FAILOVER_LB_FILE", Defaults.LB_FILE)),
        Optional.ofNullable(env.get("FAILOVER_HEALTH_FILE")).map(Path::of));
  }

  private static String audit(Map<String, String> env, Problems p) {
    String audit = env.getOrDefault("FAILOVER_AUDIT", Defaults.AUDIT);
    if (!audit.equals("stdout")
        && !audit.startsWith("file:")
        && !audit.matches(
            "bigquery:projects/[a-z][-a-z0-9.:]{4,61}[a-z0-9]/datasets/[A-Za-z0-9_]{1,1024}"
                + "/tables/[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}\\p{Zs}]{1,1024}")) {
      p.add(
          "FAILOVER_AUDIT",
          "stdout, file:PATH or bigquery:projects/PROJECT/datasets/DATASET/tables/TABLE, got '"
              + Text.printable(audit)
              + "'");
    }
    return audit;
  }

  private static String events(Map<String, String> env, Problems p) {
    String events = env.getOrDefault("FAILOVER_EVENTS", Defaults.EVENTS);
    if (!events.equals("none")
        && !events.startsWith("file:")
        && !events.matches(
            "projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][-A-Za-z0-9._~%+]{2,254}")) {
      p.add(
          "FAILOVER_EVENTS",
          "none, file:PATH or a topic id projects/PROJECT/topics/TOPIC, got '" + events + "'");
    }
    return events;
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

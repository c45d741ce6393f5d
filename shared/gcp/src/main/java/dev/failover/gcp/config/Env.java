package dev.failover.gcp.config;

import com.google.gson.JsonElement;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The controller's configuration, read from environment variables and validated at start. Every
 * problem is reported at once, each naming its variable.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>FAILOVER_TOPOLOGY</td><td>topology JSON (or FAILOVER_TOPOLOGY_FILE, a path)</td></tr>
 *   <tr><td>FAILOVER_POLICY</td><td>policy JSON; defaults for what it leaves out</td></tr>
 *   <tr><td>FAILOVER_ALERT_REGION_BY_POLICY</td><td>JSON object: alert policy name → region</td></tr>
 *   <tr><td>FAILOVER_BUILD_SERVICE</td><td>the service whose builds count (substitution value)</td></tr>
 *   <tr><td>FAILOVER_BUILD_SERVICE_KEY</td><td>substitution naming the service (_SERVICE)</td></tr>
 *   <tr><td>FAILOVER_BUILD_REGION_KEY</td><td>substitution naming the region (_REGION)</td></tr>
 *   <tr><td>FAILOVER_MAX_EVENT_AGE</td><td>older events are dropped (PT1H)</td></tr>
 *   <tr><td>FAILOVER_STATE</td><td>where memory lives: memory (default)</td></tr>
 *   <tr><td>FAILOVER_AUDIT</td><td>stdout (Cloud Logging lines, default) or file:PATH (NDJSON)</td></tr>
 * </table>
 */
public record Env(
    Topology topology,
    Policy policy,
    Map<String, Region> regionByPolicy,
    CloudBuilds.Routing buildRouting,
    Duration maxEventAge,
    String state,
    String audit) {

  /** Thrown when the environment is invalid; the message lists every problem. */
  public static final class InvalidEnvironmentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidEnvironmentException(String message) {
      super(message);
    }
  }

  public static Env from(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Topology topology = null;
    String topologyText = env.get("FAILOVER_TOPOLOGY");
    String topologyFile = env.get("FAILOVER_TOPOLOGY_FILE");
    if (topologyText == null && topologyFile != null) {
      try {
        topologyText = Files.readString(Path.of(topologyFile), StandardCharsets.UTF_8);
      } catch (IOException e) {
        problems.add("FAILOVER_TOPOLOGY_FILE: cannot read " + topologyFile + ": " + e.getMessage());
      }
    }
    if (topologyText == null) {
      if (topologyFile == null) {
        problems.add(
            "FAILOVER_TOPOLOGY: required (the topology JSON; or FAILOVER_TOPOLOGY_FILE, a path)");
      }
    } else {
      try {
        topology = ConfigJson.topology(Strict.parse(topologyText, "FAILOVER_TOPOLOGY"));
      } catch (IllegalArgumentException e) {
        problems.add("FAILOVER_TOPOLOGY: " + e.getMessage());
      }
    }
    Policy policy = Policy.defaults();
    if (env.containsKey("FAILOVER_POLICY")) {
      try {
        policy = ConfigJson.policy(Strict.parse(env.get("FAILOVER_POLICY"), "FAILOVER_POLICY"));
      } catch (IllegalArgumentException e) {
        problems.add("FAILOVER_POLICY: " + e.getMessage());
      }
    }
    Map<String, Region> byPolicy = new TreeMap<>();
    if (env.containsKey("FAILOVER_ALERT_REGION_BY_POLICY")) {
      try {
        Strict o =
            Strict.parse(
                env.get("FAILOVER_ALERT_REGION_BY_POLICY"), "FAILOVER_ALERT_REGION_BY_POLICY");
        for (Map.Entry<String, JsonElement> e : o.raw().entrySet()) {
          if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(
                "the region of policy '" + e.getKey() + "' must be a string");
          }
          Region r = Region.of(e.getValue().getAsString());
          if (topology != null && topology.find(r).isEmpty()) {
            throw new IllegalArgumentException(
                "policy '" + e.getKey() + "' maps to " + r + ", which is not in the topology");
          }
          byPolicy.put(e.getKey(), r);
        }
      } catch (IllegalArgumentException e) {
        problems.add("FAILOVER_ALERT_REGION_BY_POLICY: " + e.getMessage());
      }
    }
    Optional<String> service =
        Optional.ofNullable(env.get("FAILOVER_BUILD_SERVICE")).filter(s -> !s.isBlank());
    String serviceKey = env.getOrDefault("FAILOVER_BUILD_SERVICE_KEY", "_SERVICE");
    String regionKey = env.getOrDefault("FAILOVER_BUILD_REGION_KEY", "_REGION");
    for (String[] kv :
        new String[][] {
          {"FAILOVER_BUILD_SERVICE_KEY", serviceKey}, {"FAILOVER_BUILD_REGION_KEY", regionKey}
        }) {
      if (!kv[1].matches("_[A-Z0-9_]+")) {
        problems.add(
            kv[0]
                + ": a user substitution looks like _REGION (underscore, capitals), got '"
                + kv[1]
                + "'");
      }
    }
    Duration maxAge = Duration.ofHours(1);
    if (env.containsKey("FAILOVER_MAX_EVENT_AGE")) {
      try {
        maxAge = Duration.parse(env.get("FAILOVER_MAX_EVENT_AGE"));
        if (maxAge.isNegative() || maxAge.isZero()) {
          problems.add("FAILOVER_MAX_EVENT_AGE: must be positive, got " + maxAge);
        }
      } catch (DateTimeParseException e) {
        problems.add(
            "FAILOVER_MAX_EVENT_AGE: an ISO-8601 duration such as PT1H, got '"
                + env.get("FAILOVER_MAX_EVENT_AGE")
                + "'");
      }
    }
    String state = env.getOrDefault("FAILOVER_STATE", "memory");
    if (!state.equals("memory")) {
      problems.add("FAILOVER_STATE: only 'memory' is available in this build, got '" + state + "'");
    }
    String audit = env.getOrDefault("FAILOVER_AUDIT", "stdout");
    if (!audit.equals("stdout") && !audit.startsWith("file:")) {
      problems.add("FAILOVER_AUDIT: stdout or file:PATH, got '" + audit + "'");
    }
    if (!problems.isEmpty()) {
      throw new InvalidEnvironmentException(
          "invalid configuration:\n  " + String.join("\n  ", problems));
    }
    return new Env(
        topology,
        policy,
        byPolicy,
        new CloudBuilds.Routing(service, serviceKey, regionKey),
        maxAge,
        state,
        audit);
  }
}

package dev.failover.gcp.json;

import com.google.gson.JsonElement;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Oversight;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Subset;
import dev.failover.core.domain.Text;
import dev.failover.core.domain.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the topology and the policy from JSON (the same text the functions read from their
 * environment and the simulator from a scenario). Field names are snake_case; durations are
 * ISO-8601; ramp steps are percentages.
 */
public final class ConfigJson {
  private ConfigJson() {}

  public static Topology topology(Strict o) {
    String modeText = o.string("mode");
    Mode mode;
    try {
      mode = Mode.valueOf(modeText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Strict.InvalidJsonException(
          o.path("mode")
              + " must be one of "
              + java.util.Arrays.toString(Mode.values())
              + ", got '"
              + dev.failover.core.domain.Text.printable(modeText)
              + "'");
    }
    String project = o.string("project");
    String resource = o.string("resource");
    double expected = o.optNumber("expected_rps").orElse(0.0);
    List<RegionSpec> regions = new ArrayList<>();
    for (Strict r : o.objects("regions")) {
      Region region = r.field("region", () -> Region.of(r.string("region")));
      String backend = r.string("backend");
      int baseWeight = r.optWholeNumber("base_weight").map(Long::intValue).orElse(100);
      double baseScaler = r.optNumber("base_scaler").orElse(1.0);
      double capacity = r.number("capacity_rps");
      double users = r.optNumber("users_rps").orElse(0.0);
      List<Region> spill = regionNames(r, "spill_to");
      regions.add(
          r.field(
              "region",
              () ->
                  new RegionSpec(
                      region,
                      backend,
                      baseWeight,
                      (int) Math.round(baseScaler * 1000),
                      capacity,
                      users,
                      spill)));
      r.noOtherFields();
    }
    List<Subset> subsets = subsets(o);
    o.noOtherFields();
    // the regions first, so that their errors name that field
    Mode plain = mode == Mode.URL_MAP_SUBSETS ? Mode.URL_MAP_WEIGHTS : mode;
    o.field("regions", () -> new Topology(plain, project, resource, regions, expected));
    return o.field(
        "subsets", () -> new Topology(mode, project, resource, regions, expected, subsets));
  }

  /** An array of region names, each checked where it stands. */
  private static List<Region> regionNames(Strict o, String field) {
    List<Region> out = new ArrayList<>();
    List<com.google.gson.JsonElement> items = o.array(field);
    for (int i = 0; i < items.size(); i++) {
      com.google.gson.JsonElement e = items.get(i);
      String at = o.path(field) + "[" + i + "]";
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw new Strict.InvalidJsonException(at + " must be a region name");
      }
      try {
        out.add(Region.of(e.getAsString()));
      } catch (IllegalArgumentException bad) {
        throw new Strict.InvalidJsonException(at + ": " + bad.getMessage());
      }
    }
    return out;
  }

  /** {@code subsets}: the subset backend services of mode URL_MAP_SUBSETS. */
  private static List<Subset> subsets(Strict o) {
    List<Subset> subsets = new ArrayList<>();
    for (Strict x : o.objects("subsets")) {
      String name = x.string("name");
      String backend = x.string("backend");
      java.util.Set<Region> held = new java.util.TreeSet<>(regionNames(x, "regions"));
      subsets.add(x.field("regions", () -> new Subset(name, backend, held)));
      x.noOtherFields();
    }
    return subsets;
  }

  /** The policy file: the planner's rules and the controller's oversight, in one object. */
  public record Controls(Policy policy, Oversight oversight) {}

  public static Policy policy(Strict o) {
    return controls(o).policy();
  }

  public static Controls controls(Strict o) {
    Oversight od = Oversight.defaults();
    String driftText = o.optString("drift").orElse(od.drift().wire());
    Oversight.Drift drift =
        switch (driftText) {
          case "adopt" -> Oversight.Drift.ADOPT;
          case "revert" -> Oversight.Drift.REVERT;
          default ->
              throw new Strict.InvalidJsonException(
                  o.path("drift")
                      + " must be adopt or revert, got '"
                      + Text.printable(driftText)
                      + "'");
        };
    var driftTtl = o.optDuration("drift_pin_ttl").orElse(od.driftPinTtl());
    double verifyBelow = o.optNumber("verify_below_rps").orElse(od.verifyBelowRps());
    var verifyWithin = o.optDuration("verify_within").orElse(od.verifyWithin());
    Policy d = Policy.defaults();
    int minServing =
        o.optWholeNumber("min_serving_regions").map(Long::intValue).orElse(d.minServingRegions());
    double maxDrained = o.optNumber("max_drained_fraction").orElse(d.maxDrainedFraction());
    double headroom = o.optNumber("headroom").orElse(d.headroom());
    var restoreAfter = o.optDuration("restore_after").orElse(d.restoreAfter());
    List<Integer> steps = new ArrayList<>();
    List<JsonElement> raw = o.array("ramp_steps");
    for (int i = 0; i < raw.size(); i++) {
      JsonElement e = raw.get(i);
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw new Strict.InvalidJsonException(
            o.path("ramp_steps") + "[" + i + "] must be a percentage");
      }
      steps.add((int) Math.round(e.getAsDouble() * 10));
    }
    var dwell = o.optDuration("step_dwell").orElse(d.stepDwell());
    var flap = o.optDuration("flap_window").orElse(d.flapWindow());
    var maxHold = o.optDuration("max_restore_hold").orElse(d.maxRestoreHold());
    boolean dod = o.optBool("drain_on_deploy").orElse(d.drainOnDeploy());
    var staleAfter = o.optDuration("incident_stale_after").orElse(d.incidentStaleAfter());
    var deployTimeout = o.optDuration("deploy_timeout");
    o.noOtherFields();
    List<Integer> ramp = steps.isEmpty() ? d.rampSteps() : steps;
    Policy policy =
        o.field(
            "policy",
            () ->
                new Policy(
                    minServing,
                    maxDrained,
                    headroom,
                    restoreAfter,
                    ramp,
                    dwell,
                    flap,
                    maxHold,
                    dod,
                    staleAfter,
                    deployTimeout));
    Oversight oversight =
        o.field("policy", () -> new Oversight(drift, driftTtl, verifyBelow, verifyWithin));
    return new Controls(policy, oversight);
  }
}

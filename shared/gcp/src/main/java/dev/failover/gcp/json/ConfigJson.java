package dev.failover.gcp.json;

import com.google.gson.JsonElement;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
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
              + " must be URL_MAP_WEIGHTS, BACKEND_MEMBERSHIP or CAPACITY_SCALER, got '"
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
      int baseWeight = r.optLong("base_weight").map(Long::intValue).orElse(100);
      double baseScaler = r.optNumber("base_scaler").orElse(1.0);
      double capacity = r.number("capacity_rps");
      regions.add(
          r.field(
              "region",
              () ->
                  new RegionSpec(
                      region, backend, baseWeight, (int) Math.round(baseScaler * 1000), capacity)));
      r.noOtherFields();
    }
    o.noOtherFields();
    return o.field("regions", () -> new Topology(mode, project, resource, regions, expected));
  }

  public static Policy policy(Strict o) {
    Policy d = Policy.defaults();
    int minServing =
        o.optLong("min_serving_regions").map(Long::intValue).orElse(d.minServingRegions());
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
    o.noOtherFields();
    List<Integer> ramp = steps.isEmpty() ? d.rampSteps() : steps;
    return o.field(
        "policy",
        () ->
            new Policy(
                minServing, maxDrained, headroom, restoreAfter, ramp, dwell, flap, maxHold, dod));
  }
}

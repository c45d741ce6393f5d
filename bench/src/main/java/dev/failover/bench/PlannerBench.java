package dev.failover.bench;

import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Situation;
import dev.failover.core.domain.Topology;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.Planner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One planning decision ({@link Planner#plan}) for a load balancer of {@code regions} regions with
 * {@code incidents} open incidents spread over them (each wanted-out region goes through the safety
 * rules), every region healthy. Sample time, so the report has median and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlannerBench {
  @Param({"3", "10", "30", "100"})
  int regions;

  @Param({"0", "10", "50"})
  int incidents;

  Situation situation;
  LbConfig observed;
  Topology topology;
  Map<Region, Health> health;
  final Policy policy = Policy.defaults();
  final Instant now = Instant.parse("2026-11-01T12:05:00Z");

  static String name(int i) {
    return "bench-" + (char) ('a' + i / 26) + (char) ('a' + i % 26) + "1";
  }

  @Setup
  public void setUp() {
    List<RegionSpec> specs = new ArrayList<>();
    health = new HashMap<>();
    for (int i = 0; i < regions; i++) {
      Region r = Region.of(name(i));
      specs.add(RegionSpec.of(r, "backend-" + i, 100, 1000));
      health.put(r, new Health(Health.Status.HEALTHY, now.minusSeconds(3600)));
    }
    topology = new Topology(Mode.URL_MAP_WEIGHTS, "bench-project", "bench", specs, 500.0 * regions);
    observed = topology.baseConfig();
    ControllerMemory m = ControllerMemory.empty();
    for (int k = 0; k < incidents; k++) {
      Region r = Region.of(name(k % regions));
      m =
          m.record(
                  new ControllerEvent.IncidentEvent(
                      "m" + k, r, "inc-" + k, "p", now.minusSeconds(60 + k), Optional.empty()))
              .memory();
    }
    situation = m.situation();
  }

  @Benchmark
  public Plan plan() {
    return Planner.plan(situation, observed, topology, policy, health, now);
  }
}

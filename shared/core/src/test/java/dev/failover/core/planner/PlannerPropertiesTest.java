package dev.failover.core.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent.Action;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of the planner over random histories of incidents (opens, closes, renotifications,
 * late and out-of-order deliveries), builds, operator commands, health reports and clock advances,
 * in all three modes. Every step plans, checks the invariants, and applies the plan as a perfect
 * load balancer would.
 */
class PlannerPropertiesTest {

  static final List<Region> REGIONS =
      List.of(
          Region.of("us-central1"),
          Region.of("europe-west1"),
          Region.of("asia-east1"),
          Region.of("us-east4"));
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

  /** One step of a history. */
  sealed interface Op permits Open, Close, Redeliver, Build, Command, Report, Advance {}

  record Open(int region, int incident, int lagSeconds) implements Op {}

  record Close(int region, int incident, int lagSeconds) implements Op {}

  record Redeliver(int index) implements Op {}

  record Build(int region, int build, BuildStatus status) implements Op {}

  record Command(int region, Action action, int ttlMinutes, boolean breakGlass) implements Op {}

  record Report(int region, Health.Status status) implements Op {}

  record Advance(int seconds) implements Op {}

  record Scenario(
      Mode mode,
      int regionCount,
      int minServing,
      boolean drainOnDeploy,
      double expectedRps,
      List<Integer> capacities,
      List<Integer> weights,
      List<Op> ops) {}

  @Property(tries = 10_000)
  void invariantsHoldOverRandomHistories(@ForAll("scenarios") Scenario s) {
    new Harness(s).run();
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Integer> regionCount = Arbitraries.integers().between(1, 4);
    return regionCount.flatMap(
        n ->
            Combinators.combine(
                    Arbitraries.of(Mode.class),
                    Arbitraries.integers().between(1, n),
                    Arbitraries.of(true, false),
                    Arbitraries.integers().between(0, 4000).map(Integer::doubleValue),
                    Arbitraries.integers().between(200, 2000).list().ofSize(n),
                    Arbitraries.integers().between(1, 1000).list().ofSize(n),
                    ops(n).list().ofMinSize(1).ofMaxSize(60))
                .as(
                    (mode, minServing, dod, rps, caps, weights, ops) ->
                        new Scenario(mode, n, minServing, dod, rps, caps, weights, ops)));
  }

  private Arbitrary<Op> ops(int n) {
    Arbitrary<Integer> region = Arbitraries.integers().between(0, n - 1);
    Arbitrary<Integer> incident = Arbitraries.integers().between(0, 3);
    Arbitrary<Integer> lag = Arbitraries.integers().between(0, 600);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Combinators.combine(region, incident, lag).as(Open::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(region, incident, lag).as(Close::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 100).map(Redeliver::new)),
        net.jqwik.api.Tuple.of(
            2,
            Combinators.combine(
                    region, Arbitraries.integers().between(0, 2), Arbitraries.of(BuildStatus.class))
                .as(Build::new)),
        net.jqwik.api.Tuple.of(
            2,
            Combinators.combine(
                    region,
                    Arbitraries.of(Action.class),
                    Arbitraries.integers().between(1, 240),
                    Arbitraries.frequency(
                        net.jqwik.api.Tuple.of(1, true), net.jqwik.api.Tuple.of(9, false)))
                .as(Command::new)),
        net.jqwik.api.Tuple.of(
            5,
            Combinators.combine(
                    region,
                    Arbitraries.frequency(
                        net.jqwik.api.Tuple.of(6, Health.Status.HEALTHY),
                        net.jqwik.api.Tuple.of(3, Health.Status.UNHEALTHY),
                        net.jqwik.api.Tuple.of(1, Health.Status.NO_DATA)))
                .as(Report::new)),
        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(1, 900).map(Advance::new)));
  }

  /** Runs one scenario: records, plans, checks, applies. */
  static final class Harness {
    private final Scenario s;
    private final Topology topology;
    private final Policy policy;
    private final List<Region> regions;
    private final Map<Region, Health> health = new TreeMap<>();
    private final List<ControllerEvent> delivered = new ArrayList<>();
    private ControllerMemory memory = ControllerMemory.empty();
    private LbConfig observed;
    private Instant now = START;
    private boolean breakGlassEver;
    private int nextId;

    Harness(Scenario s) {
      this.s = s;
      this.regions = REGIONS.subList(0, s.regionCount());
      List<RegionSpec> specs = new ArrayList<>();
      for (int i = 0; i < s.regionCount(); i++) {
        Region r = regions.get(i);
        specs.add(
            new RegionSpec(
                r,
                "backend-" + r,
                s.weights().get(i),
                Math.max(100, s.weights().get(i)),
                s.capacities().get(i)));
      }
      this.topology = new Topology(s.mode(), "demo-project", "app", specs, s.expectedRps());
      this.policy =
          Policy.defaults()
              .withMinServingRegions(s.minServing())
              .withDrainOnDeploy(s.drainOnDeploy());
      this.observed = topology.baseConfig();
      regions.forEach(r -> health.put(r, new Health(Health.Status.HEALTHY, START)));
    }

    void run() {
      for (Op op : s.ops()) {
        apply(op);
        step();
      }
    }

    private void apply(Op op) {
      if (op instanceof Advance a) {
        now = now.plusSeconds(a.seconds());
      } else if (op instanceof Report rep) {
        Region r = regions.get(rep.region());
        if (health.get(r).status() != rep.status()) {
          health.put(r, new Health(rep.status(), now));
        }
      } else if (op instanceof Open o) {
        deliver(
            new ControllerEvent.IncidentEvent(
                id(),
                regions.get(o.region()),
                "inc-" + o.region() + "-" + o.incident(),
                "policy-" + o.incident(),
                now.minusSeconds(o.lagSeconds()),
                Optional.empty()));
      } else if (op instanceof Close c) {
        Region r = regions.get(c.region());
        String incidentId = "inc-" + c.region() + "-" + c.incident();
        Incident known = memory.region(r).incidents().get(incidentId);
        Instant ended = now.minusSeconds(c.lagSeconds());
        Instant started = known != null ? known.startedAt() : ended.minusSeconds(60);
        if (ended.isBefore(started)) {
          ended = started;
        }
        deliver(
            new ControllerEvent.IncidentEvent(
                id(), r, incidentId, "policy-" + c.incident(), started, Optional.of(ended)));
      } else if (op instanceof Redeliver d) {
        if (!delivered.isEmpty()) {
          ControllerEvent e = delivered.get(d.index() % delivered.size());
          ControllerMemory before = memory;
          ControllerMemory.Recorded again = memory.record(e);
          // the same delivery twice equals once, even after the memory moved on
          assertEquals(before, again.memory());
          assertEquals(ControllerMemory.Effect.DUPLICATE, again.effect());
        }
      } else if (op instanceof Build b) {
        deliver(
            new ControllerEvent.BuildEvent(
                id(), regions.get(b.region()), "build-" + b.build(), b.status(), now));
      } else if (op instanceof Command c) {
        boolean bg = c.breakGlass() && c.action().needsTtl() && c.action() != Action.DRILL;
        deliver(
            new ControllerEvent.CommandEvent(
                id(),
                regions.get(c.region()),
                c.action(),
                "oncall@example.com",
                "property test",
                c.action().needsTtl()
                    ? Optional.of(Duration.ofMinutes(c.ttlMinutes()))
                    : Optional.empty(),
                bg,
                now));
      }
    }

    private void deliver(ControllerEvent e) {
      ControllerMemory.Recorded r = memory.record(e);
      memory = r.memory();
      delivered.add(e);
      // recording it again is a no-op
      ControllerMemory.Recorded twice = memory.record(e);
      assertEquals(memory, twice.memory());
      if (e instanceof ControllerEvent.CommandEvent c
          && c.breakGlass()
          && c.action() == Action.DRAIN) {
        breakGlassEver = true;
      }
    }

    private String id() {
      return "m-" + (nextId++);
    }

    private void step() {
      Plan plan = Planner.plan(memory.situation(), observed, topology, policy, health, now);
      // deterministic
      assertEquals(plan, Planner.plan(memory.situation(), observed, topology, policy, health, now));
      check(plan);
      observed = plan.target();
      ControllerMemory next = memory;
      for (Map.Entry<Region, RegionState> e : plan.nextStates().entrySet()) {
        next = next.with(e.getKey(), next.region(e.getKey()).withState(e.getValue()));
      }
      memory = next;
    }

    /** Capacity drained at these levels: Σ capacity × (1 − level). */
    private double drained(java.util.function.ToIntFunction<Region> level) {
      double d = 0;
      for (RegionSpec spec : topology.regions()) {
        d += spec.capacityRps() * (Topology.FULL - level.applyAsInt(spec.region())) / Topology.FULL;
      }
      return d;
    }

    private void check(Plan plan) {
      LbConfig target = plan.target();
      assertEquals(topology.mode(), target.mode());
      // every setting is the mode's setting for the planned level
      for (Region r : regions) {
        int level = plan.nextStates().get(r).level();
        assertEquals(topology.settingFor(r, level), target.setting(r), "setting of " + r);
        assertEquals(level, plan.decision(r).levelAfter());
        Setting st = target.setting(r);
        assertEquals(topology.mode(), st.mode());
      }
      long serving = target.servingCount();
      assertTrue(serving >= 1, "never zero serving regions");
      // the README's rules: never below minServingRegions, never past maxDrainedFraction. While a
      // break-glass pin is active they are off; after it, a drain it left beyond the budget decays
      // through the restore hold and ramp, so the check is that no plan makes either worse
      boolean breakGlassNow =
          regions.stream()
              .anyMatch(
                  r ->
                      memory
                          .region(r)
                          .pin()
                          .filter(p -> p.activeAt(now) && p.breakGlass())
                          .isPresent());
      if (!breakGlassNow) {
        long servingBefore =
            regions.stream().filter(r -> memory.region(r).state().level() > 0).count();
        assertTrue(
            serving >= policy.minServingRegions() || serving >= servingBefore,
            "serving "
                + serving
                + " < minServingRegions "
                + policy.minServingRegions()
                + " and fewer than before ("
                + servingBefore
                + ")");
        double drained = drained(r -> plan.nextStates().get(r).level());
        double drainedBefore = drained(r -> memory.region(r).state().level());
        double budget = policy.maxDrainedFraction() * topology.totalCapacityRps() + 1e-6;
        assertTrue(
            drained <= budget || drained <= drainedBefore + 1e-6,
            "drained " + drained + " of " + topology.totalCapacityRps() + ", was " + drainedBefore);
        if (!breakGlassEver) {
          assertTrue(drained <= budget, "drained " + drained + " with no break-glass ever");
          assertTrue(serving >= policy.minServingRegions(), "serving " + serving + " < min");
        }
      }
      // a drill does not count while another region is wanted out for a reason of its own
      boolean otherOut =
          regions.stream()
              .anyMatch(
                  r ->
                      Verdict.of(memory.region(r), policy, now)
                          .out()
                          .filter(w -> w.source() != Want.Source.DRILL)
                          .isPresent());
      boolean allOut =
          regions.stream()
              .allMatch(
                  r ->
                      Verdict.of(memory.region(r), policy, now)
                          .out()
                          .filter(w -> w.source() != Want.Source.DRILL || !otherOut)
                          .isPresent());
      for (Region r : regions) {
        boolean drilling =
            Verdict.of(memory.region(r), policy, now)
                .out()
                .filter(w -> w.source() == Want.Source.DRILL)
                .isPresent();
        if (drilling && otherOut) {
          assertTrue(plan.drillsAborted().contains(r), "drill in " + r + " aborted");
          Verdict over =
              Verdict.drillOver(memory.region(r), policy, memory.region(r).pin().orElseThrow());
          if (over.out().isEmpty()) {
            assertEquals(Topology.FULL, plan.decision(r).levelAfter(), r + " restored at once");
          }
        }
        if (plan.decision(r).rule().filter(x -> x == Rule.DRILL).isPresent()) {
          assertTrue(
              drilling && !otherOut, r + " drained for a drill only while nothing else is out");
        }
      }
      if (allOut && !breakGlassNow) {
        assertEquals(observed, target, "frozen: nothing changes while every region is wanted out");
        assertTrue(plan.page().isPresent());
      }
      for (Region r : regions) {
        checkTransition(
            r,
            memory.region(r).state(),
            plan.nextStates().get(r),
            plan.drillsAborted().contains(r));
      }
    }

    private void checkTransition(
        Region r, RegionState before, RegionState after, boolean drillAborted) {
      Verdict v = Verdict.of(memory.region(r), policy, now);
      // force-serve pins, and drills that ended or were aborted, restore at once
      boolean forced = v.forcedIn() || drillAborted;
      boolean restoring =
          before.phase() == RegionState.Phase.OUT && after.phase() != RegionState.Phase.OUT;
      if (restoring && !forced) {
        assertTrue(v.out().isEmpty(), r + " restored while wanted out");
        Duration hold = policy.restoreHold(before.flapCount());
        assertTrue(!now.isBefore(before.since().plus(hold)), r + " restored before its hold");
        Health h = health.get(r);
        assertTrue(h.healthy(), r + " restored without a healthy observation");
        assertTrue(
            !now.isBefore(h.since().plus(hold)), r + " restored before healthy for the hold");
        int expectedStep = firstStepAbove(before.level());
        if (topology.mode().supportsPartialLevels()) {
          assertEquals(
              policy.rampSteps().get(expectedStep).intValue(),
              after.level(),
              r + " skipped a ramp step");
        } else {
          assertEquals(Topology.FULL, after.level());
        }
      }
      if (before.phase() == RegionState.Phase.RAMPING
          && after.level() > before.level()
          && !forced) {
        assertEquals(
            policy.rampSteps().get(before.rampStep() + 1).intValue(),
            after.level(),
            r + " skipped a ramp step");
        assertTrue(
            !now.isBefore(before.since().plus(policy.stepDwell())),
            r + " stepped before the dwell");
        assertTrue(health.get(r).healthy(), r + " stepped without a healthy check");
      }
      if (after.level() > before.level() && !forced) {
        assertTrue(v.out().isEmpty(), r + " raised while wanted out");
      }
      if (after.phase() == RegionState.Phase.OUT && before.phase() == RegionState.Phase.OUT) {
        assertEquals(before.since(), after.since(), "drain time of " + r + " is kept while out");
      }
      if (memory
          .region(r)
          .pin()
          .filter(p -> p.activeAt(now) && p.kind() == Pin.Kind.SERVE)
          .isPresent()) {
        assertEquals(Topology.FULL, after.level(), r + " has a force-serve pin");
      }
    }

    private int firstStepAbove(int level) {
      for (int i = 0; i < policy.rampSteps().size(); i++) {
        if (policy.rampSteps().get(i) > level) {
          return i;
        }
      }
      return policy.rampSteps().size() - 1;
    }
  }
}

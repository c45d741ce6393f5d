package dev.failover.core.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

  /** An operator command issued {@code issuedLagMinutes} before it is delivered (reordering). */
  record Command(
      int region, Action action, int ttlMinutes, boolean breakGlass, int issuedLagMinutes)
      implements Op {}

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
                        net.jqwik.api.Tuple.of(1, true), net.jqwik.api.Tuple.of(9, false)),
                    Arbitraries.frequency(
                        net.jqwik.api.Tuple.of(3, 0),
                        net.jqwik.api.Tuple.of(1, 1),
                        net.jqwik.api.Tuple.of(1, 20)))
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

  /**
   * "Wanted out", written from the README's rules and not from the planner's code: a drill pin
   * first (wanted out while it runs; once over, restored at once unless a signal wants the region
   * out), then an unexpired force-serve pin (kept in whatever else says) or drain pin, then a build
   * deploying its region alone with drainOnDeploy, until its start plus the deploy timeout (the
   * policy's, else the build's, else 30 minutes; not once forgotten; a failed build never), then an
   * open incident.
   */
  static final class Rules {
    enum Want {
      NONE,
      FORCED_IN,
      DRILL_OVER,
      DRILL,
      MANUAL,
      BUILD,
      ALERT;

      boolean out() {
        return this == DRILL || outForReal();
      }

      /** Out for a reason other than a drill. */
      boolean outForReal() {
        return this == MANUAL || this == BUILD || this == ALERT;
      }
    }

    static Want want(dev.failover.core.domain.RegionMemory m, Policy policy, Instant now) {
      Optional<Pin> pin = m.pin();
      if (pin.isPresent() && pin.get().kind() == Pin.Kind.DRILL) {
        if (pin.get().activeAt(now)) {
          return Want.DRILL;
        }
        Want rest = signals(m, policy, now);
        return rest == Want.NONE ? Want.DRILL_OVER : rest;
      }
      if (pin.isPresent() && pin.get().activeAt(now)) {
        return pin.get().kind() == Pin.Kind.SERVE ? Want.FORCED_IN : Want.MANUAL;
      }
      return signals(m, policy, now);
    }

    /** Builds and incidents alone. */
    static Want signals(dev.failover.core.domain.RegionMemory m, Policy policy, Instant now) {
      boolean buildOut =
          m.build()
              .filter(b -> !b.forgotten() && !b.sharedDeploy())
              .filter(b -> policy.drainOnDeploy() && b.status() == BuildStatus.WORKING)
              .filter(
                  b ->
                      now.isBefore(
                          b.at()
                              .plus(
                                  policy
                                      .deployTimeout()
                                      .or(b::timeout)
                                      .orElse(java.time.Duration.ofMinutes(30)))))
              .isPresent();
      if (buildOut) {
        return Want.BUILD;
      }
      return m.incidents().values().stream().anyMatch(Incident::isOpen) ? Want.ALERT : Want.NONE;
    }
  }

  /**
   * Liveness: after any history, once no pin is left and health has been HEALTHY for the longest
   * restore hold plus the whole ramp, every region that nothing wants out serves at full.
   */
  @Property(tries = 2_000)
  void aRegionNothingWantsOut_isBackAtFullAfterTheHoldAndTheRamp(@ForAll("scenarios") Scenario s) {
    Harness h = new Harness(s);
    h.run();
    h.settle();
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
      if (s.mode() == Mode.URL_MAP_SUBSETS) {
        // even-numbered regions say where their users go (the next regions, in order); the
        // others leave it to the worst case
        for (int i = 0; i < specs.size(); i += 2) {
          List<Region> spill = new ArrayList<>();
          for (int k = 1; k < specs.size(); k++) {
            spill.add(specs.get((i + k) % specs.size()).region());
          }
          specs.set(i, specs.get(i).withGeography(0, spill));
        }
      }
      this.topology =
          s.mode() == Mode.URL_MAP_SUBSETS
              ? withEverySubset(specs, s.expectedRps())
              : new Topology(s.mode(), "demo-project", "app", specs, s.expectedRps());
      this.policy =
          Policy.defaults()
              .withMinServingRegions(s.minServing())
              .withDrainOnDeploy(s.drainOnDeploy());
      this.observed = topology.baseConfig();
      regions.forEach(r -> health.put(r, new Health(Health.Status.HEALTHY, START)));
    }

    /** Mode URL_MAP_SUBSETS with a subset for every non-empty set of regions. */
    private static Topology withEverySubset(List<RegionSpec> specs, double expectedRps) {
      List<dev.failover.core.domain.Subset> subsets = new ArrayList<>();
      for (int set = 1; set < (1 << specs.size()); set++) {
        java.util.Set<Region> held = new java.util.TreeSet<>();
        for (int i = 0; i < specs.size(); i++) {
          if ((set & (1 << i)) != 0) {
            held.add(specs.get(i).region());
          }
        }
        subsets.add(new dev.failover.core.domain.Subset("s" + set, "bs-" + set, held));
      }
      return new Topology(Mode.URL_MAP_SUBSETS, "demo-project", "app", specs, expectedRps, subsets);
    }

    void run() {
      for (Op op : s.ops()) {
        apply(op);
        step();
      }
    }

    /**
     * Lets every pin run out (the longest ttl is 240 minutes), reports every region HEALTHY, and
     * plans every minute for the longest restore hold plus every ramp step's dwell and a margin.
     */
    void settle() {
      now = now.plus(Duration.ofMinutes(241));
      regions.forEach(r -> health.put(r, new Health(Health.Status.HEALTHY, now)));
      Duration ramp = policy.stepDwell().multipliedBy(policy.rampSteps().size());
      Instant end = now.plus(policy.maxRestoreHold()).plus(ramp).plus(Duration.ofMinutes(5));
      while (now.isBefore(end)) {
        step();
        now = now.plusSeconds(60);
      }
      step();
      for (Region r : regions) {
        Rules.Want w = Rules.want(memory.region(r), policy, now);
        if (!w.out()) {
          assertEquals(
              Topology.FULL,
              memory.region(r).state().level(),
              r + " (" + w + ") not back at full after the hold and the ramp");
        }
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
        Optional<String> target =
            c.action() == Action.FORGET_INCIDENT
                ? Optional.of("inc-" + c.region() + "-" + c.ttlMinutes() % 4)
                : c.action() == Action.FORGET_BUILD
                    ? Optional.of("build-" + c.ttlMinutes() % 3)
                    : Optional.empty();
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
                now.minus(Duration.ofMinutes(c.issuedLagMinutes())),
                target));
      }
    }

    private void deliver(ControllerEvent e) {
      ControllerMemory before = memory;
      ControllerMemory.Recorded r = memory.record(e);
      memory = r.memory();
      delivered.add(e);
      // recording it again is a no-op
      ControllerMemory.Recorded twice = memory.record(e);
      assertEquals(memory, twice.memory());
      // the operator's last word wins: a pin command issued before the newest one recorded for
      // its region changes nothing, however late it arrives
      if (e instanceof ControllerEvent.CommandEvent c
          && c.target().isEmpty()
          && before
              .region(c.region())
              .lastCommand()
              .filter(last -> last.at().isAfter(c.at()))
              .isPresent()) {
        assertEquals(before.situation(), memory.situation(), "an older command undid a newer");
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
      if (topology.mode() == Mode.URL_MAP_SUBSETS) {
        // every target can be written, and reads back as planned
        Map<Region, Integer> levels = new java.util.HashMap<>();
        regions.forEach(r -> levels.put(r, plan.nextStates().get(r).level()));
        var w =
            assertInstanceOf(
                dev.failover.core.domain.SubsetWeights.Weights.class,
                dev.failover.core.domain.SubsetWeights.weights(topology.subsets(), levels));
        assertEquals(
            Optional.of(levels),
            dev.failover.core.domain.SubsetWeights.levels(
                    topology.subsets(), regions, w.byBackend())
                .map(java.util.HashMap::new));
      }
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
        // the README's rules: never below minServingRegions, never past maxDrainedFraction, never
        // a survivor past capacity × headroom. Histories start within them and no plan may leave
        // them; a break-glass drain may, while it is active; once it has expired the checks apply
        // again: no plan makes a broken rule worse, so the excess only decays (hold, ramp)
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
        checkHeadroom(plan);
      }
      // a drill does not count while another region is wanted out for a reason of its own
      boolean otherOut =
          regions.stream().anyMatch(r -> Rules.want(memory.region(r), policy, now).outForReal());
      boolean allOut =
          regions.stream()
              .allMatch(
                  r -> {
                    Rules.Want w = Rules.want(memory.region(r), policy, now);
                    return w.outForReal() || (w == Rules.Want.DRILL && !otherOut);
                  });
      for (Region r : regions) {
        boolean drilling = Rules.want(memory.region(r), policy, now) == Rules.Want.DRILL;
        if (drilling && otherOut) {
          assertTrue(plan.drillsAborted().contains(r), "drill in " + r + " aborted");
          if (Rules.signals(memory.region(r), policy, now) == Rules.Want.NONE) {
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

    /**
     * Headroom, from the README: traffic splits in proportion to effective weights base × level; no
     * plan takes a serving region's share of expectedRps past capacity × headroom, unless it was
     * there already and the plan does not raise it.
     */
    private void checkHeadroom(Plan plan) {
      Map<Region, Double> before = loads(r -> memory.region(r).state().level());
      Map<Region, Double> after = loads(r -> plan.nextStates().get(r).level());
      for (RegionSpec spec : topology.regions()) {
        Region r = spec.region();
        int levelAfter = plan.nextStates().get(r).level();
        if (levelAfter == 0 || levelAfter > memory.region(r).state().level()) {
          // drained, or restoring: the rule protects the survivors of drains, and a region
          // coming back takes its own share (a hold would push that share onto the others)
          continue;
        }
        double limit = spec.capacityRps() * policy.headroom();
        assertTrue(
            after.get(r) <= limit + 1e-6 || after.get(r) <= before.get(r) + 1e-6,
            r
                + " takes "
                + after.get(r)
                + " rps, over "
                + limit
                + " and more than "
                + before.get(r)
                + "; states "
                + memory.situation().regions().values().stream().map(m -> m.state()).toList()
                + " plan "
                + plan.decisions()
                + " topology "
                + topology);
      }
    }

    private Map<Region, Double> loads(java.util.function.ToIntFunction<Region> level) {
      if (topology.mode() == Mode.URL_MAP_SUBSETS) {
        return nearestLoads(level);
      }
      double sum = 0;
      Map<Region, Double> effective = new TreeMap<>();
      for (RegionSpec spec : topology.regions()) {
        double e = (double) spec.baseWeight() * level.applyAsInt(spec.region()) / Topology.FULL;
        effective.put(spec.region(), e);
        sum += e;
      }
      Map<Region, Double> loads = new TreeMap<>();
      for (Map.Entry<Region, Double> e : effective.entrySet()) {
        loads.put(e.getKey(), sum == 0 ? 0 : s.expectedRps() * e.getValue() / sum);
      }
      return loads;
    }

    /**
     * From the README, for weights over region subsets: a region keeps the share "level" of its own
     * users; the rest go whole to the first serving region of its spill_to, or, without one, to the
     * serving region with the least spare capacity (capacity minus the load of its own users; ties
     * by name).
     */
    private Map<Region, Double> nearestLoads(java.util.function.ToIntFunction<Region> level) {
      double bases = topology.regions().stream().mapToDouble(RegionSpec::baseWeight).sum();
      Map<Region, Double> users = new TreeMap<>();
      Map<Region, Double> own = new TreeMap<>();
      for (RegionSpec spec : topology.regions()) {
        double u =
            spec.usersRps() > 0 ? spec.usersRps() : s.expectedRps() * spec.baseWeight() / bases;
        users.put(spec.region(), u);
        own.put(spec.region(), u * level.applyAsInt(spec.region()) / 1000.0);
      }
      Map<Region, Double> loads = new TreeMap<>(own);
      for (RegionSpec spec : topology.regions()) {
        Region i = spec.region();
        double away = users.get(i) * (1000 - level.applyAsInt(i)) / 1000.0;
        if (away <= 0) {
          continue;
        }
        Optional<Region> to =
            spec.spillTo().stream().filter(j -> level.applyAsInt(j) > 0).findFirst();
        if (to.isEmpty()) {
          to =
              topology.regions().stream()
                  .filter(o -> !o.region().equals(i) && level.applyAsInt(o.region()) > 0)
                  .min(
                      java.util.Comparator.comparingDouble(
                              (RegionSpec o) -> o.capacityRps() - own.get(o.region()))
                          .thenComparing(RegionSpec::region))
                  .map(RegionSpec::region);
        }
        to.ifPresent(j -> loads.merge(j, away, Double::sum));
      }
      return loads;
    }

    private void checkTransition(
        Region r, RegionState before, RegionState after, boolean drillAborted) {
      Rules.Want v = Rules.want(memory.region(r), policy, now);
      // force-serve pins, and drills that ended or were aborted, restore at once
      boolean forced = v == Rules.Want.FORCED_IN || v == Rules.Want.DRILL_OVER || drillAborted;
      boolean restoring =
          before.phase() == RegionState.Phase.OUT && after.phase() != RegionState.Phase.OUT;
      if (restoring && !forced) {
        assertTrue(!v.out(), r + " restored while wanted out");
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
        assertTrue(!v.out(), r + " raised while wanted out");
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

package dev.failover.core.planner;

import dev.failover.core.domain.BuildState;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns what the controller knows into the load-balancer config it wants. One pure function, {@link
 * #plan}: no I/O, no clock reads (time is a parameter), deterministic.
 *
 * <h2>Wanted out</h2>
 *
 * A region is <em>wanted out</em> while it has an unexpired manual drain pin, a failed build
 * (FAILURE, INTERNAL_ERROR, TIMEOUT, CANCELLED, EXPIRED; or WORKING when {@code drainOnDeploy}: a
 * queued build may wait long before it deploys), or an open incident. An unexpired force-serve pin
 * keeps it in whatever else says. Precedence: manual &gt; build &gt; alert. A region that turns
 * unhealthy during its restore ramp is wanted out again (a relapse).
 *
 * <h2>Drains and the safety rules</h2>
 *
 * Candidates are taken in order: break-glass pins first, then manual, build, alert, relapse; within
 * a source the earliest first (the earliest incident is the worst). Each candidate is checked
 * against the levels already planned:
 *
 * <ol>
 *   <li>{@link Rule#ALL_REGIONS_SICK}: when every region is wanted out, the controller freezes —
 *       nothing changes — and the plan carries a page-worthy reason.
 *   <li>{@link Rule#MIN_SERVING_REGIONS}: at least {@code minServingRegions} other regions must
 *       keep serving, else hold.
 *   <li>{@link Rule#MAX_DRAINED_FRACTION}: the drained share of total declared capacity (Σ capacity
 *       × (1 − level)) may not pass {@code maxDrainedFraction}, else hold.
 *   <li>{@link Rule#HEADROOM}: traffic splits in proportion to effective weights {@code e = base ×
 *       level}; every other serving region j must keep {@code expectedRps × e_j / Σe ≤ capacity_j ×
 *       headroom}. With W the other regions' effective weight, the candidate c must keep {@code
 *       level_c ≥ max_j (expectedRps × e_j / (headroom × capacity_j) − W) / base_c}. Zero or less:
 *       drain fully; between zero and the current level: drain partially (modes with partial
 *       levels); otherwise hold.
 *   <li>{@link Rule#BREAK_GLASS}: a break-glass drain skips 1–4 but never takes the last serving
 *       region off ({@link Rule#LAST_REGION}); the platform rejects that config anyway.
 * </ol>
 *
 * <h2>Restore</h2>
 *
 * A region that nothing wants out is restored once health has said HEALTHY, without a break, for
 * the restore hold, counted from the later of the drain and the start of the healthy run. NO_DATA
 * is never healthy. The hold is {@code restoreAfter × 2^flaps}, capped at {@code maxRestoreHold},
 * where flaps counts the drains in a row that came within {@code flapWindow} of the previous
 * restore ({@link Rule#FLAP_DAMPING}). The restore ramps through {@code rampSteps} (from the first
 * step above the current level), each held for {@code stepDwell} and taken only on a HEALTHY check;
 * NO_DATA pauses the ramp, UNHEALTHY drains at once (subject to the safety rules). {@link
 * Mode#BACKEND_MEMBERSHIP} has no partial levels: it restores in one step after the hold.
 *
 * <h2>Drills</h2>
 *
 * A drill pin makes its region wanted out like a manual drain, last in candidate order and under
 * every safety rule ({@link Rule#DRILL}). While any other region is wanted out for a reason of its
 * own, every drill is aborted ({@link Rule#DRILL_ABORTED}, listed in {@link Plan#drillsAborted}):
 * its region is restored at once, like a force-serve, unless something else wants it out. A drill
 * that has ended ({@link Rule#DRILL_END}) restores its region the same way: the region was healthy
 * when the drill began and, drained, it has no traffic to prove its health with.
 *
 * <h2>Output</h2>
 *
 * The plan holds the target config (every region at its planned level), a decision with a reason
 * for every region, the rule that shaped it, and the region states to remember. A target equal to
 * the observed config is a no-op.
 */
public final class Planner {

  private static final double EPSILON = 1e-9;

  private Planner() {}

  /** Why a region is wanted out. Sources in precedence order. */
  enum Source {
    MANUAL,
    BUILD,
    ALERT,
    RELAPSE,
    DRILL
  }

  record Want(Source source, String reason, Instant since, boolean breakGlass) {}

  /** The verdict on one region: wanted out, kept in by a pin, or neither. */
  record Verdict(Optional<Want> out, Optional<Pin> forcedIn, Optional<Instant> pinExpiry) {}

  /**
   * Plans the load-balancer config.
   *
   * @param memory the controller's memory
   * @param observed the config the load balancer has now; must name exactly the topology's regions
   * @param topology the load balancer and its regions
   * @param policy the rules' knobs
   * @param health per region; a region without an entry has no data
   * @param now the time of the decision
   */
  public static Plan plan(
      ControllerMemory memory,
      LbConfig observed,
      Topology topology,
      Policy policy,
      Map<Region, Health> health,
      Instant now) {
    if (observed.mode() != topology.mode()) {
      throw new IllegalArgumentException(
          "observed config is " + observed.mode() + " but the topology is " + topology.mode());
    }
    if (!observed.settings().keySet().equals(new HashSet<>(topology.regionNames()))) {
      throw new IllegalArgumentException(
          "observed config names regions "
              + observed.settings().keySet()
              + " but the topology names "
              + topology.regionNames());
    }
    return new Run(memory, observed, topology, policy, health, now).plan();
  }

  /** The verdict on one region's memory at {@code now}. */
  static Verdict verdict(RegionMemory m, Policy policy, Instant now) {
    Optional<Pin> drill = m.pin().filter(p -> p.kind() == Pin.Kind.DRILL);
    if (drill.isPresent()) {
      Pin p = drill.get();
      if (p.activeAt(now)) {
        return new Verdict(
            Optional.of(
                new Want(
                    Source.DRILL,
                    "drill by " + p.actor() + " until " + time(p.expiresAt()) + ": " + p.reason(),
                    p.createdAt(),
                    false)),
            Optional.empty(),
            Optional.of(p.expiresAt()));
      }
      return drillOver(m, policy, p);
    }
    Optional<Pin> pin = m.pin().filter(p -> p.activeAt(now));
    Optional<Instant> expiry = pin.map(Pin::expiresAt);
    if (pin.isPresent() && pin.get().kind() == Pin.Kind.SERVE) {
      return new Verdict(Optional.empty(), pin, expiry);
    }
    if (pin.isPresent()) {
      Pin p = pin.get();
      return new Verdict(
          Optional.of(
              new Want(
                  Source.MANUAL,
                  (p.breakGlass() ? "break-glass manual drain by " : "manual drain by ")
                      + p.actor()
                      + " until "
                      + time(p.expiresAt())
                      + ": "
                      + p.reason(),
                  p.createdAt(),
                  p.breakGlass())),
          Optional.empty(),
          expiry);
    }
    return unpinned(m, policy);
  }

  /** After a drill (ended or aborted): restore at once unless something else wants it out. */
  static Verdict drillOver(RegionMemory m, Policy policy, Pin drill) {
    Verdict rest = unpinned(m, policy);
    return rest.out().isPresent()
        ? rest
        : new Verdict(Optional.empty(), Optional.of(drill), Optional.empty());
  }

  /** The verdict from builds and incidents alone. */
  private static Verdict unpinned(RegionMemory m, Policy policy) {
    if (m.build().isPresent()) {
      BuildState b = m.build().get();
      if (b.status().failed()) {
        return wantOut(Source.BUILD, "build " + b.buildId() + " ended " + b.status(), b.at());
      }
      if (policy.drainOnDeploy() && b.status() == dev.failover.core.domain.BuildStatus.WORKING) {
        return wantOut(Source.BUILD, "build " + b.buildId() + " is deploying", b.at());
      }
    }
    Optional<Incident> earliest =
        m.incidents().values().stream()
            .filter(Incident::isOpen)
            .min(Comparator.comparing(Incident::startedAt).thenComparing(Incident::id));
    if (earliest.isPresent()) {
      Incident i = earliest.get();
      long open = m.incidents().values().stream().filter(Incident::isOpen).count();
      return wantOut(
          Source.ALERT,
          "incident "
              + i.id()
              + " ("
              + i.policy()
              + ") open since "
              + time(i.startedAt())
              + (open > 1 ? " and " + (open - 1) + " more" : ""),
          i.startedAt());
    }
    return new Verdict(Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static Verdict wantOut(Source source, String reason, Instant since) {
    return new Verdict(
        Optional.of(new Want(source, reason, since, false)), Optional.empty(), Optional.empty());
  }

  /** One planning run; mutable scratch state, never shared. */
  private static final class Run {
    private final ControllerMemory memory;
    private final LbConfig observed;
    private final Topology topology;
    private final Policy policy;
    private final Map<Region, Health> health;
    private final Instant now;

    private final Map<Region, Integer> level = new java.util.HashMap<>();
    private final Map<Region, RegionState> next = new java.util.HashMap<>();
    private final Map<Region, Draft> drafts = new java.util.HashMap<>();
    private final Map<Region, Verdict> verdicts = new java.util.HashMap<>();
    private final List<Region> drillsAborted = new ArrayList<>();
    private Optional<String> abortReason = Optional.empty();

    /** The topology's regions by name, looked up once per run instead of scanned per call. */
    private final Map<Region, RegionSpec> specs = new java.util.HashMap<>();

    // Running totals over `level`, kept by setLevel, so that a drain check reads them instead of
    // summing over every region; only the headroom check still scans the survivors.
    private int servingCount;
    private double drainedCapacity; // Σ capacity × (FULL − level) / FULL
    private double effectiveSum; // Σ base × level / FULL
    private double totalCapacity;

    /** A decision being drafted. */
    private record Draft(
        Action action,
        String reason,
        Optional<Rule> rule,
        Optional<String> wantedOut,
        Optional<Instant> nextActionAt) {}

    Run(
        ControllerMemory memory,
        LbConfig observed,
        Topology topology,
        Policy policy,
        Map<Region, Health> health,
        Instant now) {
      this.memory = memory;
      this.observed = observed;
      this.topology = topology;
      this.policy = policy;
      this.health = health;
      this.now = now;
    }

    Plan plan() {
      List<Region> regions = topology.regionNames();
      topology.regions().forEach(spec -> specs.put(spec.region(), spec));
      totalCapacity = topology.totalCapacityRps();
      for (Region r : regions) {
        RegionState st = memory.region(r).state();
        setLevel(r, st.level());
        next.put(r, st);
        verdicts.put(r, verdict(memory.region(r), policy, now));
      }
      abortDrills(regions);
      boolean allOut = regions.stream().allMatch(r -> verdicts.get(r).out().isPresent());

      List<Candidate> candidates = new ArrayList<>();
      for (Region r : regions) {
        Verdict v = verdicts.get(r);
        if (v.out().isPresent()) {
          Want w = v.out().get();
          if (level.get(r) > 0) {
            candidates.add(new Candidate(r, w, v.pinExpiry()));
          } else {
            decide(
                r,
                Action.KEEP,
                "drained: " + w.reason(),
                Optional.empty(),
                Optional.of(w.reason()),
                v.pinExpiry());
          }
        } else {
          restoreOrKeep(r, v).ifPresent(candidates::add);
        }
      }

      candidates.sort(
          Comparator.comparing((Candidate c) -> !c.want().breakGlass())
              .thenComparing(c -> c.want().source())
              .thenComparing(c -> c.want().since())
              .thenComparing(Candidate::region));
      for (Candidate c : candidates) {
        drain(c, allOut);
      }

      Optional<String> page = Optional.empty();
      if (allOut) {
        page =
            Optional.of(
                "all "
                    + regions.size()
                    + " regions are wanted out; the controller froze and changes nothing until"
                    + " one recovers or an operator acts (break-glass)");
      }

      LbConfig target = topology.configFor(level);
      List<RegionDecision> decisions = new ArrayList<>();
      for (Region r : regions) {
        Draft d = drafts.get(r);
        decisions.add(
            new RegionDecision(
                r,
                observed.setting(r),
                target.setting(r),
                level.get(r),
                d.action(),
                d.reason(),
                d.rule(),
                d.wantedOut(),
                d.nextActionAt()));
      }
      return new Plan(now, observed, target, decisions, page, next, drillsAborted);
    }

    /** While another region is wanted out for a reason of its own, no drill goes on. */
    private void abortDrills(List<Region> regions) {
      for (Region other : regions) {
        Optional<Want> w = verdicts.get(other).out();
        if (w.isPresent() && w.get().source() != Source.DRILL) {
          abortReason = Optional.of(other + " is wanted out: " + w.get().reason());
          break;
        }
      }
      if (abortReason.isEmpty()) {
        return;
      }
      for (Region r : regions) {
        Optional<Want> w = verdicts.get(r).out();
        if (w.isPresent() && w.get().source() == Source.DRILL) {
          RegionMemory m = memory.region(r);
          verdicts.put(r, drillOver(m, policy, m.pin().orElseThrow()));
          drillsAborted.add(r);
        }
      }
    }

    private record Candidate(Region region, Want want, Optional<Instant> pinExpiry) {}

    private void decide(
        Region r,
        Action action,
        String reason,
        Optional<Rule> rule,
        Optional<String> wantedOut,
        Optional<Instant> nextActionAt) {
      drafts.put(r, new Draft(action, reason, rule, wantedOut, nextActionAt));
    }

    /** Restores, ramps or keeps a region that nothing wants out; returns a relapse candidate. */
    private Optional<Candidate> restoreOrKeep(Region r, Verdict v) {
      RegionState st = next.get(r);
      Health h = health.getOrDefault(r, Health.noData(Instant.EPOCH));
      if (v.forcedIn().isPresent() && v.forcedIn().get().kind() == Pin.Kind.DRILL) {
        Pin p = v.forcedIn().get();
        boolean aborted = drillsAborted.contains(r);
        String why =
            aborted
                ? "drill by " + p.actor() + " aborted (" + abortReason.orElse("") + ")"
                : "drill by " + p.actor() + " ended at " + time(p.expiresAt());
        Optional<Rule> rule = Optional.of(aborted ? Rule.DRILL_ABORTED : Rule.DRILL_END);
        if (st.phase() == RegionState.Phase.SERVING) {
          decide(r, Action.KEEP, "serving; " + why, rule, Optional.empty(), Optional.empty());
        } else {
          serve(r, st);
          decide(
              r,
              Action.SERVE,
              why + "; restored at once",
              rule,
              Optional.empty(),
              Optional.empty());
        }
        return Optional.empty();
      }
      if (v.forcedIn().isPresent()) {
        Pin p = v.forcedIn().get();
        String why =
            "force-serve pin by " + p.actor() + " until " + time(p.expiresAt()) + ": " + p.reason();
        if (st.phase() == RegionState.Phase.SERVING) {
          decide(
              r, Action.KEEP, why, Optional.of(Rule.FORCE_SERVE), Optional.empty(), v.pinExpiry());
        } else {
          serve(r, st);
          decide(
              r, Action.SERVE, why, Optional.of(Rule.FORCE_SERVE), Optional.empty(), v.pinExpiry());
        }
        return Optional.empty();
      }
      switch (st.phase()) {
        case SERVING ->
            decide(
                r,
                Action.KEEP,
                "serving; nothing wants it out",
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        case OUT -> restore(r, st, h);
        case RAMPING -> {
          return ramp(r, st, h);
        }
      }
      return Optional.empty();
    }

    private void restore(Region r, RegionState st, Health h) {
      if (!h.healthy()) {
        Rule rule = h.status() == Health.Status.NO_DATA ? Rule.NO_HEALTH_DATA : Rule.UNHEALTHY;
        decide(
            r,
            Action.HOLD,
            "nothing wants it out, but health is " + h.status() + "; waiting for HEALTHY",
            Optional.of(rule),
            Optional.empty(),
            Optional.empty());
        return;
      }
      Duration hold = policy.restoreHold(st.flapCount());
      Instant healthyFrom = h.since().isAfter(st.since()) ? h.since() : st.since();
      Instant restoreAt = healthyFrom.plus(hold);
      if (now.isBefore(restoreAt)) {
        Rule rule = st.flapCount() > 0 ? Rule.FLAP_DAMPING : Rule.RESTORE_HOLD;
        decide(
            r,
            Action.HOLD,
            "healthy since "
                + time(healthyFrom)
                + "; restore hold "
                + minutes(hold)
                + (st.flapCount() > 0 ? " (doubled " + st.flapCount() + "x for flapping)" : "")
                + " ends "
                + time(restoreAt),
            Optional.of(rule),
            Optional.empty(),
            Optional.of(restoreAt));
        return;
      }
      if (!topology.mode().supportsPartialLevels()) {
        serve(r, st);
        decide(
            r,
            Action.SERVE,
            "healthy for " + minutes(hold) + "; restored in one step (" + topology.mode() + ")",
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
        return;
      }
      int step = firstStepAbove(st.level());
      stepTo(r, st, step, "healthy for " + minutes(hold) + "; restore begins");
    }

    private Optional<Candidate> ramp(Region r, RegionState st, Health h) {
      int current = policy.rampSteps().get(st.rampStep());
      if (h.status() == Health.Status.UNHEALTHY) {
        return Optional.of(
            new Candidate(
                r,
                new Want(
                    Source.RELAPSE,
                    "unhealthy since " + time(h.since()) + " during the restore ramp (relapse)",
                    h.since(),
                    false),
                Optional.empty()));
      }
      if (h.status() == Health.Status.NO_DATA) {
        decide(
            r,
            Action.HOLD,
            "ramp paused at " + percent(current) + ": no health data",
            Optional.of(Rule.NO_HEALTH_DATA),
            Optional.empty(),
            Optional.empty());
        return Optional.empty();
      }
      Instant nextStepAt = st.since().plus(policy.stepDwell());
      if (now.isBefore(nextStepAt)) {
        decide(
            r,
            Action.KEEP,
            "ramp step "
                + (st.rampStep() + 1)
                + " of "
                + policy.rampSteps().size()
                + " at "
                + percent(current)
                + " until "
                + time(nextStepAt),
            Optional.of(Rule.RAMP_DWELL),
            Optional.empty(),
            Optional.of(nextStepAt));
        return Optional.empty();
      }
      stepTo(
          r,
          st,
          st.rampStep() + 1,
          "healthy after " + minutes(policy.stepDwell()) + " at " + percent(current));
      return Optional.empty();
    }

    private void stepTo(Region r, RegionState st, int step, String why) {
      int target = policy.rampSteps().get(step);
      if (target == Topology.FULL) {
        serve(r, st);
        decide(
            r,
            Action.SERVE,
            why + "; back to 100%",
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
      } else {
        setLevel(r, target);
        next.put(r, st.ramping(step, target, now));
        decide(
            r,
            Action.RAMP,
            why
                + "; ramp step "
                + (step + 1)
                + " of "
                + policy.rampSteps().size()
                + " at "
                + percent(target),
            Optional.empty(),
            Optional.empty(),
            Optional.of(now.plus(policy.stepDwell())));
      }
    }

    private void serve(Region r, RegionState st) {
      setLevel(r, Topology.FULL);
      next.put(r, st.serving(now));
    }

    private int firstStepAbove(int currentLevel) {
      List<Integer> steps = policy.rampSteps();
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i) > currentLevel) {
          return i;
        }
      }
      return steps.size() - 1;
    }

    private void drain(Candidate c, boolean allOut) {
      Region r = c.region();
      Want w = c.want();
      Optional<String> wanted = Optional.of(w.reason());
      int current = level.get(r);
      long othersServing = servingCount - (current > 0 ? 1 : 0);
      if (w.breakGlass()) {
        if (othersServing < 1) {
          hold(
              c,
              Rule.LAST_REGION,
              "it is the last serving region; even break-glass cannot remove it");
        } else {
          setOut(r, 0);
          decide(r, Action.DRAIN, w.reason(), Optional.of(Rule.BREAK_GLASS), wanted, c.pinExpiry());
        }
        return;
      }
      if (allOut) {
        hold(c, Rule.ALL_REGIONS_SICK, "every region is wanted out; frozen");
        return;
      }
      if (othersServing < policy.minServingRegions()) {
        hold(
            c,
            Rule.MIN_SERVING_REGIONS,
            "only "
                + othersServing
                + " other region(s) serve; minServingRegions is "
                + policy.minServingRegions());
        return;
      }
      double total = totalCapacity;
      RegionSpec spec = specs.get(r);
      double drainedOthers =
          drainedCapacity - spec.capacityRps() * (Topology.FULL - current) / Topology.FULL;
      double drainedAfter = drainedOthers + spec.capacityRps();
      if (drainedAfter > policy.maxDrainedFraction() * total + EPSILON) {
        hold(
            c,
            Rule.MAX_DRAINED_FRACTION,
            String.format(
                java.util.Locale.ROOT,
                "draining it would leave %.0f%% of capacity drained; maxDrainedFraction is %.0f%%",
                100 * drainedAfter / total,
                100 * policy.maxDrainedFraction()));
        return;
      }
      int minLevel = headroomMinLevel(r);
      if (minLevel <= 0) {
        setOut(r, 0);
        Optional<Rule> rule =
            w.source() == Source.DRILL ? Optional.of(Rule.DRILL) : Optional.empty();
        decide(r, Action.DRAIN, w.reason(), rule, wanted, c.pinExpiry());
      } else if (topology.mode().supportsPartialLevels() && minLevel < current) {
        setOut(r, minLevel);
        decide(
            r,
            Action.PARTIAL_DRAIN,
            w.reason()
                + "; drained only to "
                + percent(minLevel)
                + " so that the other regions stay under "
                + percent((int) Math.round(policy.headroom() * Topology.FULL))
                + " of their capacity",
            Optional.of(Rule.HEADROOM),
            wanted,
            c.pinExpiry());
      } else {
        hold(
            c,
            Rule.HEADROOM,
            "the other regions would pass "
                + percent((int) Math.round(policy.headroom() * Topology.FULL))
                + " of their declared capacity");
      }
    }

    private void hold(Candidate c, Rule rule, String why) {
      decide(
          c.region(),
          Action.HOLD,
          c.want().reason() + "; held: " + why,
          Optional.of(rule),
          Optional.of(c.want().reason()),
          c.pinExpiry());
    }

    /**
     * The least level (thousandths, rounded up) region {@code r} must keep so that every other
     * serving region stays within headroom; 0 or less means a full drain is safe.
     */
    private int headroomMinLevel(Region r) {
      double expected = topology.expectedRps();
      if (expected <= 0) {
        return 0;
      }
      RegionSpec spec = specs.get(r);
      double others = effectiveSum - effective(spec);
      // the most loaded survivor j (largest e_j / capacity_j) binds first
      double maxRatio = -1;
      for (RegionSpec s : topology.regions()) {
        double e = effective(s);
        if (!s.region().equals(r) && e > 0) {
          maxRatio = Math.max(maxRatio, e / s.capacityRps());
        }
      }
      if (maxRatio < 0) {
        return Topology.FULL + 1;
      }
      double need = expected * maxRatio / policy.headroom() - others;
      double fraction = need / spec.baseWeight();
      if (fraction <= EPSILON) {
        return 0;
      }
      return (int) Math.min(Topology.FULL + 1, Math.ceil(fraction * Topology.FULL - EPSILON));
    }

    private void setLevel(Region r, int newLevel) {
      RegionSpec spec = specs.get(r);
      Integer old = level.put(r, newLevel);
      if (old != null) {
        account(spec, old, -1);
      }
      account(spec, newLevel, 1);
    }

    private void account(RegionSpec spec, int lvl, int sign) {
      if (lvl > 0) {
        servingCount += sign;
      }
      drainedCapacity += sign * spec.capacityRps() * (Topology.FULL - lvl) / Topology.FULL;
      effectiveSum += sign * (double) spec.baseWeight() * lvl / Topology.FULL;
    }

    private double effective(RegionSpec s) {
      return (double) s.baseWeight() * level.get(s.region()) / Topology.FULL;
    }

    private void setOut(Region r, int newLevel) {
      RegionState st = next.get(r);
      int flaps = st.flapCount();
      if (st.phase() != RegionState.Phase.OUT) {
        boolean flapped =
            st.lastRestoreAt().isPresent()
                && !now.isAfter(st.lastRestoreAt().get().plus(policy.flapWindow()));
        flaps = flapped ? st.flapCount() + 1 : 0;
      }
      setLevel(r, newLevel);
      next.put(r, st.out(newLevel, now, flaps));
    }
  }

  /**
   * {@code t.toString()} (ISO-8601, UTC), written by hand for whole seconds in years 1000..9999:
   * reasons name times, and the JDK's formatter was a fifth of a plan's time.
   */
  static String time(Instant t) {
    long epoch = t.getEpochSecond();
    if (t.getNano() != 0 || epoch < -30610224000L || epoch >= 253402300800L) {
      return t.toString();
    }
    long day = Math.floorDiv(epoch, 86400);
    int secs = (int) Math.floorMod(epoch, 86400);
    java.time.LocalDate d = java.time.LocalDate.ofEpochDay(day);
    char[] c = "0000-00-00T00:00:00Z".toCharArray();
    digits(c, 0, d.getYear(), 4);
    digits(c, 5, d.getMonthValue(), 2);
    digits(c, 8, d.getDayOfMonth(), 2);
    digits(c, 11, secs / 3600, 2);
    digits(c, 14, secs / 60 % 60, 2);
    digits(c, 17, secs % 60, 2);
    return new String(c);
  }

  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  static String percent(int level) {
    return (level % 10 == 0
            ? Integer.toString(level / 10)
            : String.format(java.util.Locale.ROOT, "%.1f", level / 10.0))
        + "%";
  }

  static String minutes(Duration d) {
    long s = d.getSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}

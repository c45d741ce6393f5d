package dev.failover.core.planner;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Situation;
import dev.failover.core.domain.SubsetWeights;
import dev.failover.core.domain.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * A region is <em>wanted out</em> while it has an unexpired manual drain pin, a build deploying it
 * (see below), or an open incident (an operator's {@code forget-incident} closes it). An unexpired
 * force-serve pin keeps it in whatever else says. Precedence: manual &gt; build &gt; alert. A
 * region that turns unhealthy during its restore ramp is wanted out again (a relapse).
 *
 * <p>Builds: a build wants its region out only while it is WORKING, with {@code drainOnDeploy},
 * deploying that region alone, until its deadline (its start plus the policy's {@code
 * deployTimeout}, else the build's own {@code timeout}, else 30 minutes; then audited {@code
 * expired}, rule {@code deploy_timeout}), and not once an operator forgot it. Whatever status a
 * build ends with (SUCCESS, FAILURE, INTERNAL_ERROR, TIMEOUT, CANCELLED, EXPIRED), a region drained
 * for its deploy comes back only through health: the restore hold, then the ramp, never straight to
 * full. A failed build never drains a serving region: a failed Cloud Run deploy leaves the previous
 * revision serving, and draining for it would remove healthy capacity (the controller audits it as
 * {@code ignored}, rule {@code build_failed}). A build that deploys several regions (a pipeline)
 * never drains for its deploy: its notifications do not say which region it deploys now; pipelines
 * send drain and restore commands around each region's deploy instead.
 *
 * <h2>Drains and the safety rules</h2>
 *
 * Candidates are taken in order: break-glass pins first, then manual, build, alert, relapse, drill
 * ({@link Want#DRAIN_ORDER}); within a source the earliest first (the earliest incident is the
 * worst). Each candidate is checked against the levels already planned, one check per rule in this
 * order ({@link SafetyRules}):
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
 *       levels); otherwise hold. In {@link Mode#URL_MAP_SUBSETS} users are served by their nearest
 *       serving region, not split by weight: a region keeps the share {@code level} of its own
 *       users and the rest land on the first serving region of its {@code spill_to} (without one:
 *       on the serving region with the least spare capacity), {@link
 *       dev.failover.core.domain.Geography}; the least level that keeps every other serving region
 *       within capacity × headroom (or no worse than it was) is found by bisection.
 *   <li>{@link Rule#BREAK_GLASS}: a break-glass drain skips 1–4 but never takes the last serving
 *       region off ({@link Rule#LAST_REGION}); the platform rejects that config anyway.
 * </ol>
 *
 * <p>In {@link Mode#URL_MAP_SUBSETS} every change, a drain that passed the rules or a restore step,
 * is also checked against the subsets that exist ({@link SubsetWeights}): a change whose levels
 * need a subset backend service the topology lacks is held ({@link Rule#SUBSET_MISSING}), never
 * approximated. Changes are checked in the order they are planned (restore steps, then drains in
 * candidate order).
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
 * Mode#BACKEND_MEMBERSHIP} has no partial levels: it restores in one step after the hold. The rules
 * of the way back are in {@link Restore}; the verdict on each region before the rules in {@link
 * Verdict}.
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
 * the observed config is a no-op. Reasons are values ({@link Reason}); the planner writes no text,
 * and a reason becomes words only where a person reads it (an audit record, {@code failoverctl}).
 */
public final class Planner {

  private Planner() {}

  /**
   * Plans the load-balancer config.
   *
   * @param situation what the controller knows of each region: incidents, builds, pins, states
   * @param observed the config the load balancer has now; must name exactly the topology's regions
   * @param topology the load balancer and its regions
   * @param policy the rules' knobs
   * @param health per region; a region without an entry has no data
   * @param now the time of the decision
   */
  public static Plan plan(
      Situation situation,
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
    return new Run(situation, observed, topology, policy, health, now).plan();
  }

  /**
   * True when a plan at {@code now} can depend on health: a region is drained or ramping (its
   * restore, ramp or relapse reads health), or an incident has been open past {@code
   * incidentStaleAfter} (the stale-incident check reads it). A serving region's decision never
   * does, so a reconcile that can only drain serving regions reads no health at all: Monitoring,
   * slow or down, can never delay a drain.
   */
  public static boolean readsHealth(
      Situation situation, Topology topology, Policy policy, Instant now) {
    for (Region r : topology.regionNames()) {
      var m = situation.region(r);
      if (m.state().phase() != RegionState.Phase.SERVING) {
        return true;
      }
      if (m.incidents().values().stream()
          .anyMatch(i -> i.staleAt(now, policy.incidentStaleAfter()))) {
        return true;
      }
    }
    return false;
  }

  /** One planning run; mutable scratch state, never shared. */
  private static final class Run {
    private final Situation situation;
    private final LbConfig observed;
    private final Topology topology;
    private final Policy policy;
    private final Map<Region, Health> health;
    private final Instant now;

    private final Levels levels;
    private final Map<Region, RegionState> next = new HashMap<>();
    private final Map<Region, Draft> drafts = new HashMap<>();
    private final Map<Region, Verdict> verdicts = new HashMap<>();
    private final List<Region> drillsAborted = new ArrayList<>();
    private Optional<Reason> abortReason = Optional.empty();

    /** A decision being drafted. */
    private record Draft(
        Action action,
        Reason reason,
        Optional<Rule> rule,
        Optional<Reason> wantedOut,
        Optional<Instant> nextActionAt) {}

    Run(
        Situation situation,
        LbConfig observed,
        Topology topology,
        Policy policy,
        Map<Region, Health> health,
        Instant now) {
      this.situation = situation;
      this.observed = observed;
      this.topology = topology;
      this.policy = policy;
      this.health = health;
      this.now = now;
      this.levels = new Levels(topology);
    }

    Plan plan() {
      List<Region> regions = topology.regionNames();
      for (Region r : regions) {
        RegionState st = situation.region(r).state();
        levels.set(r, st.level());
        next.put(r, st);
        verdicts.put(r, Verdict.of(situation.region(r), policy, now));
      }
      abortDrills(regions);
      boolean allOut = regions.stream().allMatch(r -> verdicts.get(r).out().isPresent());
      List<SafetyRules.Candidate> candidates = new ArrayList<>();
      for (Region r : regions) {
        decideOrNominate(r).ifPresent(candidates::add);
      }
      candidates.sort(
          Comparator.comparing(SafetyRules.Candidate::want, Want.DRAIN_ORDER)
              .thenComparing(SafetyRules.Candidate::region));
      for (SafetyRules.Candidate c : candidates) {
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
      LbConfig target = topology.configFor(levels.asMap());
      return new Plan(now, observed, target, decisions(regions, target), page, next, drillsAborted);
    }

    private List<RegionDecision> decisions(List<Region> regions, LbConfig target) {
      List<RegionDecision> decisions = new ArrayList<>();
      for (Region r : regions) {
        Draft d = drafts.get(r);
        decisions.add(
            new RegionDecision(
                r,
                observed.setting(r),
                target.setting(r),
                levels.of(r),
                d.action(),
                d.reason(),
                d.rule(),
                d.wantedOut(),
                d.nextActionAt()));
      }
      return decisions;
    }

    /** While another region is wanted out for a reason of its own, no drill goes on. */
    private void abortDrills(List<Region> regions) {
      for (Region other : regions) {
        Optional<Want> w = verdicts.get(other).out();
        if (w.isPresent() && w.get().source() != Want.Source.DRILL) {
          abortReason = Optional.of(new Reason.OtherWantedOut(other, w.get().reason()));
          break;
        }
      }
      if (abortReason.isEmpty()) {
        return;
      }
      for (Region r : regions) {
        Optional<Want> w = verdicts.get(r).out();
        if (w.isPresent() && w.get().source() == Want.Source.DRILL) {
          RegionMemory m = situation.region(r);
          verdicts.put(r, Verdict.drillOver(m, policy, m.pin().orElseThrow(), now));
          drillsAborted.add(r);
        }
      }
    }

    /**
     * Decides a region that needs no safety check (already drained, or on its way back), or
     * nominates it for a drain (wanted out, or a relapse during its ramp).
     */
    private Optional<SafetyRules.Candidate> decideOrNominate(Region r) {
      Verdict v = verdicts.get(r);
      RegionState st = next.get(r);
      if (v instanceof Verdict.WantedOut out) {
        Want w = out.want();
        if (levels.of(r) > 0) {
          return Optional.of(new SafetyRules.Candidate(r, w, out.pinExpiry()));
        }
        Reason reason = new Reason.Drained(w.reason());
        decide(r, Action.KEEP, reason, Optional.empty(), Optional.of(w.reason()), out.pinExpiry());
        return Optional.empty();
      }
      Health h = health.getOrDefault(r, Health.noData(Instant.EPOCH));
      if (v instanceof Verdict.Free
          && st.phase() == RegionState.Phase.RAMPING
          && h.status() == Health.Status.UNHEALTHY) {
        Want relapse =
            new Want(Want.Source.RELAPSE, new Reason.Relapse(h.since()), h.since(), false);
        return Optional.of(new SafetyRules.Candidate(r, relapse, Optional.empty()));
      }
      take(r, st, restoreStep(r, v, st, h));
      return Optional.empty();
    }

    private Restore.Step restoreStep(Region r, Verdict v, RegionState st, Health h) {
      if (v instanceof Verdict.DrillOver d) {
        Optional<Reason> aborted = drillsAborted.contains(r) ? abortReason : Optional.empty();
        return Restore.drillOver(st, d.drill(), aborted, now);
      }
      if (v instanceof Verdict.ForceServe f) {
        return Restore.forceServe(st, f.pin(), now);
      }
      return switch (st.phase()) {
        case SERVING -> Restore.keep();
        case OUT -> Restore.fromOut(st, h, policy, topology.mode(), now);
        case RAMPING -> Restore.ramp(st, h, policy, now);
      };
    }

    private void take(Region r, RegionState st, Restore.Step step) {
      if (step.to().isPresent()) {
        Optional<Reason> missing = missingSubset(r, step.to().get().level());
        if (missing.isPresent()) {
          decide(
              r,
              Action.HOLD,
              missing.get(),
              Optional.of(Rule.SUBSET_MISSING),
              Optional.empty(),
              Optional.empty());
          return;
        }
      }
      step.to()
          .ifPresent(
              to -> {
                levels.set(r, to.level());
                next.put(r, to);
              });
      decide(r, step.action(), step.reason(), step.rule(), Optional.empty(), step.nextActionAt());
    }

    /**
     * Why {@code r} cannot move to {@code level}, with the levels planned so far, in a mode whose
     * levels are written as weights over region subsets; empty when it can (or in other modes).
     */
    private Optional<Reason> missingSubset(Region r, int level) {
      if (topology.mode() != Mode.URL_MAP_SUBSETS) {
        return Optional.empty();
      }
      Map<Region, Integer> after = new HashMap<>(levels.asMap());
      after.put(r, level);
      if (SubsetWeights.weights(topology.subsets(), after) instanceof SubsetWeights.Missing m) {
        return Optional.of(new Reason.SubsetMissing(m.regions(), m.why()));
      }
      return Optional.empty();
    }

    private void drain(SafetyRules.Candidate c, boolean allOut) {
      Region r = c.region();
      Optional<Reason> wanted = Optional.of(c.want().reason());
      SafetyRules.Outcome outcome = SafetyRules.check(c, allOut, levels, policy);
      if (outcome instanceof SafetyRules.Drain d) {
        Optional<Reason> missing = missingSubset(r, d.level());
        if (missing.isPresent()) {
          outcome = new SafetyRules.Hold(Rule.SUBSET_MISSING, missing.get());
        }
      }
      if (outcome instanceof SafetyRules.Drain d) {
        setOut(r, d.level());
        decide(r, d.action(), d.reason(), d.rule(), wanted, c.pinExpiry());
      } else if (outcome instanceof SafetyRules.Hold h) {
        Reason reason = new Reason.Held(c.want().reason(), h.why());
        decide(r, Action.HOLD, reason, Optional.of(h.rule()), wanted, c.pinExpiry());
      }
    }

    private void decide(
        Region r,
        Action action,
        Reason reason,
        Optional<Rule> rule,
        Optional<Reason> wantedOut,
        Optional<Instant> nextActionAt) {
      drafts.put(r, new Draft(action, reason, rule, wantedOut, nextActionAt));
    }

    /** Drains to {@code newLevel}, counting a flap when it comes soon after the last restore. */
    private void setOut(Region r, int newLevel) {
      RegionState st = next.get(r);
      int flaps = st.flapCount();
      if (st.phase() != RegionState.Phase.OUT) {
        boolean flapped =
            st.lastRestoreAt().isPresent()
                && !now.isAfter(st.lastRestoreAt().get().plus(policy.flapWindow()));
        flaps = flapped ? st.flapCount() + 1 : 0;
      }
      levels.set(r, newLevel);
      next.put(r, st.out(newLevel, now, flaps));
    }
  }
}

package dev.failover.core.planner;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Why the planner decided what it did for a region, as a value: the planner builds these and never
 * text; {@link #text} writes one for people at the edge (audit records, {@code failoverctl}).
 * Composite reasons (a hold, a drained region, a ramp step) wrap the reason they qualify.
 */
public sealed interface Reason {

  /** The reason in words an operator can act on. */
  String text();

  // ---- why a region is wanted out

  /** A drill pin: the region is drained for practice until the pin ends. */
  record Drill(String actor, Instant until, String why) implements Reason {
    public String text() {
      return "drill by " + actor + " until " + until + ": " + why;
    }
  }

  /** An operator's drain pin. */
  record ManualDrain(String actor, Instant until, String why, boolean breakGlass)
      implements Reason {
    public String text() {
      return (breakGlass ? "break-glass manual drain by " : "manual drain by ")
          + actor
          + " until "
          + until
          + ": "
          + why;
    }
  }

  /** A build deploying to the region, with {@code drainOnDeploy}, at most until {@code until}. */
  record BuildDeploying(String buildId, Instant until) implements Reason {
    public String text() {
      return "build " + buildId + " is deploying (at most until " + until + ")";
    }
  }

  /** The earliest open incident, and how many more are open. */
  record IncidentOpen(String id, String policy, Instant since, long more) implements Reason {
    public String text() {
      return "incident "
          + id
          + " ("
          + policy
          + ") open since "
          + since
          + (more > 0 ? " and " + more + " more" : "");
    }
  }

  /** Unhealthy again during the restore ramp. */
  record Relapse(Instant since) implements Reason {
    public String text() {
      return "unhealthy since " + since + " during the restore ramp (relapse)";
    }
  }

  /** Another region wanted out for a reason of its own (why a drill was aborted). */
  record OtherWantedOut(Region other, Reason want) implements Reason {
    public String text() {
      return other + " is wanted out: " + want.text();
    }
  }

  // ---- drains and the safety rules

  /** Already drained, and still wanted out. */
  record Drained(Reason want) implements Reason {
    public String text() {
      return "drained: " + want.text();
    }
  }

  /** Wanted out, but a safety rule holds the drain. */
  record Held(Reason want, Reason rule) implements Reason {
    public String text() {
      return want.text() + "; held: " + rule.text();
    }
  }

  /** Drained only part way, so that the other regions stay within headroom. */
  record PartialDrain(Reason want, int level, int headroom) implements Reason {
    public String text() {
      return want.text()
          + "; drained only to "
          + percent(level)
          + " so that the other regions stay under "
          + percent(headroom)
          + " of their capacity";
    }
  }

  /** Break-glass cannot remove the last serving region. */
  record LastRegion() implements Reason {
    public String text() {
      return "it is the last serving region; even break-glass cannot remove it";
    }
  }

  /** Every region is wanted out: frozen. */
  record AllRegionsSick() implements Reason {
    public String text() {
      return "every region is wanted out; frozen";
    }
  }

  /** Too few other regions serve. */
  record TooFewServing(long others, int minServing) implements Reason {
    public String text() {
      return "only " + others + " other region(s) serve; minServingRegions is " + minServing;
    }
  }

  /** The drained share of capacity would pass the maximum (both in percent). */
  record TooMuchDrained(double drainedPercent, double maxPercent) implements Reason {
    public String text() {
      return String.format(
          Locale.ROOT,
          "draining it would leave %.0f%% of capacity drained; maxDrainedFraction is %.0f%%",
          drainedPercent,
          maxPercent);
    }
  }

  /** The other regions would pass their headroom. */
  record NoHeadroom(int headroom) implements Reason {
    public String text() {
      return "the other regions would pass " + percent(headroom) + " of their declared capacity";
    }
  }

  // ---- the way back

  /** A drill ended (its time ran out, or an operator restored the region). */
  record DrillEnded(String actor, Instant at) implements Reason {
    public String text() {
      return "drill by " + actor + " ended at " + at;
    }
  }

  /** A drill aborted because another region is wanted out. */
  record DrillAborted(String actor, Reason because) implements Reason {
    public String text() {
      return "drill by " + actor + " aborted (" + because.text() + ")";
    }
  }

  /** Serving already, for this reason. */
  record StillServing(Reason why) implements Reason {
    public String text() {
      return "serving; " + why.text();
    }
  }

  /** Restored at once, for this reason. */
  record RestoredAtOnce(Reason why) implements Reason {
    public String text() {
      return why.text() + "; restored at once";
    }
  }

  /** An operator's force-serve pin. */
  record ForceServe(String actor, Instant until, String why) implements Reason {
    public String text() {
      return "force-serve pin by " + actor + " until " + until + ": " + why;
    }
  }

  /** Serving, and nothing wants it out. */
  record NothingWantsItOut() implements Reason {
    public String text() {
      return "serving; nothing wants it out";
    }
  }

  /** Drained, nothing wants it out, but health is not HEALTHY. */
  record WaitingForHealthy(Health.Status status) implements Reason {
    public String text() {
      return "nothing wants it out, but health is " + status + "; waiting for HEALTHY";
    }
  }

  /** Healthy, waiting out the restore hold (doubled per flap). */
  record RestoreHold(Instant healthySince, Duration hold, int flaps, Instant ends)
      implements Reason {
    public String text() {
      return "healthy since "
          + healthySince
          + "; restore hold "
          + minutes(hold)
          + (flaps > 0 ? " (doubled " + flaps + "x for flapping)" : "")
          + " ends "
          + ends;
    }
  }

  /** Healthy for the hold, in a mode without partial levels. */
  record RestoredInOneStep(Duration hold, Mode mode) implements Reason {
    public String text() {
      return "healthy for " + minutes(hold) + "; restored in one step (" + mode + ")";
    }
  }

  /** Healthy for the hold: the ramp begins. */
  record RestoreBegins(Duration hold) implements Reason {
    public String text() {
      return "healthy for " + minutes(hold) + "; restore begins";
    }
  }

  /** Healthy for a dwell at a ramp step. */
  record HealthyAt(Duration dwell, int level) implements Reason {
    public String text() {
      return "healthy after " + minutes(dwell) + " at " + percent(level);
    }
  }

  /** The change needs a subset backend service the load balancer does not have. */
  record SubsetMissing(java.util.Set<Region> regions, String why) implements Reason {
    public String text() {
      return "cannot be written as subset weights: "
          + why
          + (why.startsWith("no subset backend service")
              ? "; deploy that subset (raise max_regions_out)"
              : "");
    }
  }

  /** Ramping on, to the next step. */
  record RampStep(Reason why, int step, int steps, int level) implements Reason {
    public String text() {
      return why.text() + "; ramp step " + step + " of " + steps + " at " + percent(level);
    }
  }

  /** Ramping on, to full. */
  record BackToFull(Reason why) implements Reason {
    public String text() {
      return why.text() + "; back to 100%";
    }
  }

  /** The ramp waits out its dwell. */
  record RampDwell(int step, int steps, int level, Instant until) implements Reason {
    public String text() {
      return "ramp step " + step + " of " + steps + " at " + percent(level) + " until " + until;
    }
  }

  /** The ramp waits for health data. */
  record RampPaused(int level) implements Reason {
    public String text() {
      return "ramp paused at " + percent(level) + ": no health data";
    }
  }

  /** A level in thousandths as a percentage: 1000 is {@code 100%}, 125 is {@code 12.5%}. */
  static String percent(int level) {
    return (level % 10 == 0
            ? Integer.toString(level / 10)
            : String.format(Locale.ROOT, "%.1f", level / 10.0))
        + "%";
  }

  /** Whole minutes as {@code N min}, else seconds. */
  static String minutes(Duration d) {
    long s = d.getSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}

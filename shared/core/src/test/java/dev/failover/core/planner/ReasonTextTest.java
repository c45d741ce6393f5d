package dev.failover.core.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text each reason gives people (audit records, the timeline, {@code failoverctl status}), word
 * for word: what an operator reads is the contract, so every wording is pinned here.
 */
class ReasonTextTest {
  private static final Instant T = Instant.parse("2026-11-01T12:00:00Z");
  private static final Reason INCIDENT = new Reason.IncidentOpen("0.a", "5xx", T, 0);

  @Test
  void wantedOut() {
    assertEquals(
        List.of(
            "drill by ann until 2026-11-01T12:00:00Z: q4",
            "manual drain by ann until 2026-11-01T12:00:00Z: db",
            "break-glass manual drain by ann until 2026-11-01T12:00:00Z: db",
            "build b-1 is deploying (at most until 2026-11-01T12:00:00Z)",
            "incident 0.a (5xx) open since 2026-11-01T12:00:00Z",
            "incident 0.a (5xx) open since 2026-11-01T12:00:00Z and 2 more",
            "unhealthy since 2026-11-01T12:00:00Z during the restore ramp (relapse)",
            "us-central1 is wanted out: incident 0.a (5xx) open since 2026-11-01T12:00:00Z"),
        List.of(
                new Reason.Drill("ann", T, "q4"),
                new Reason.ManualDrain("ann", T, "db", false),
                new Reason.ManualDrain("ann", T, "db", true),
                new Reason.BuildDeploying("b-1", T),
                INCIDENT,
                new Reason.IncidentOpen("0.a", "5xx", T, 2),
                new Reason.Relapse(T),
                new Reason.OtherWantedOut(Region.of("us-central1"), INCIDENT))
            .stream()
            .map(Reason::text)
            .toList());
  }

  @Test
  void drainsAndHolds() {
    assertEquals(
        List.of(
            "drained: incident 0.a (5xx) open since 2026-11-01T12:00:00Z",
            "incident 0.a (5xx) open since 2026-11-01T12:00:00Z; held: every region is wanted out;"
                + " frozen",
            "incident 0.a (5xx) open since 2026-11-01T12:00:00Z; drained only to 12.5% so that the"
                + " other regions stay under 80% of their capacity",
            "it is the last serving region; even break-glass cannot remove it",
            "only 1 other region(s) serve; minServingRegions is 2",
            "draining it would leave 67% of capacity drained; maxDrainedFraction is 50%",
            "the other regions would pass 80% of their declared capacity"),
        List.of(
                new Reason.Drained(INCIDENT),
                new Reason.Held(INCIDENT, new Reason.AllRegionsSick()),
                new Reason.PartialDrain(INCIDENT, 125, 800),
                new Reason.LastRegion(),
                new Reason.TooFewServing(1, 2),
                new Reason.TooMuchDrained(66.7, 50),
                new Reason.NoHeadroom(800))
            .stream()
            .map(Reason::text)
            .toList());
  }

  @Test
  void restores() {
    Duration fiveMin = Duration.ofMinutes(5);
    assertEquals(
        List.of(
            "drill by ann ended at 2026-11-01T12:00:00Z",
            "drill by ann aborted (incident 0.a (5xx) open since 2026-11-01T12:00:00Z)",
            "serving; nothing wants it out",
            "serving; nothing wants it out; restored at once",
            "force-serve pin by ann until 2026-11-01T12:00:00Z: false alarm",
            "nothing wants it out, but health is NO_DATA; waiting for HEALTHY",
            "healthy since 2026-11-01T12:00:00Z; restore hold 5 min ends 2026-11-01T12:05:00Z",
            "healthy since 2026-11-01T12:00:00Z; restore hold 20 min (doubled 2x for flapping)"
                + " ends 2026-11-01T12:20:00Z",
            "healthy for 5 min; restored in one step (BACKEND_MEMBERSHIP)",
            "healthy for 90 s; restore begins",
            "healthy after 2 min at 10%",
            "healthy after 2 min at 10%; ramp step 2 of 4 at 25%",
            "healthy after 2 min at 50%; back to 100%",
            "ramp step 1 of 4 at 10% until 2026-11-01T12:00:00Z",
            "ramp paused at 0.1%: no health data"),
        List.of(
                new Reason.DrillEnded("ann", T),
                new Reason.DrillAborted("ann", INCIDENT),
                new Reason.NothingWantsItOut(),
                new Reason.RestoredAtOnce(new Reason.NothingWantsItOut()),
                new Reason.ForceServe("ann", T, "false alarm"),
                new Reason.WaitingForHealthy(Health.Status.NO_DATA),
                new Reason.RestoreHold(T, fiveMin, 0, T.plus(fiveMin)),
                new Reason.RestoreHold(T, Duration.ofMinutes(20), 2, T.plusSeconds(1200)),
                new Reason.RestoredInOneStep(fiveMin, Mode.BACKEND_MEMBERSHIP),
                new Reason.RestoreBegins(Duration.ofSeconds(90)),
                new Reason.HealthyAt(Duration.ofMinutes(2), 100),
                new Reason.RampStep(new Reason.HealthyAt(Duration.ofMinutes(2), 100), 2, 4, 250),
                new Reason.BackToFull(new Reason.HealthyAt(Duration.ofMinutes(2), 500)),
                new Reason.RampDwell(1, 4, 100, T),
                new Reason.RampPaused(1))
            .stream()
            .map(Reason::text)
            .toList());
  }

  @Test
  void stillServing_prefixesItsWhy() {
    assertEquals(
        "serving; build b-1 is deploying (at most until 2026-11-01T12:00:00Z)",
        new Reason.StillServing(new Reason.BuildDeploying("b-1", T)).text());
  }

  @Test
  void percentAndMinutes_atTheirBoundaries() {
    assertEquals("0%", Reason.percent(0));
    assertEquals("0.1%", Reason.percent(1));
    assertEquals("1%", Reason.percent(10));
    assertEquals("12.5%", Reason.percent(125));
    assertEquals("100%", Reason.percent(1000));
    assertEquals("0 min", Reason.minutes(Duration.ZERO));
    assertEquals("59 s", Reason.minutes(Duration.ofSeconds(59)));
    assertEquals("1 min", Reason.minutes(Duration.ofSeconds(60)));
    assertEquals("61 s", Reason.minutes(Duration.ofSeconds(61)));
    assertEquals("120 min", Reason.minutes(Duration.ofHours(2)));
  }
}

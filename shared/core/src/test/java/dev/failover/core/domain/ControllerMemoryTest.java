package dev.failover.core.domain;

import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.ControllerEvent.BuildEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.ControllerEvent.IncidentEvent;
import dev.failover.core.domain.ControllerMemory.Effect;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControllerMemoryTest {

  private static IncidentEvent open(String msgId, String incident, long startMin) {
    return new IncidentEvent(msgId, US, incident, "5xx", min(startMin), Optional.empty());
  }

  private static IncidentEvent close(String msgId, String incident, long startMin, long endMin) {
    return new IncidentEvent(msgId, US, incident, "5xx", min(startMin), Optional.of(min(endMin)));
  }

  @Test
  void record_sameDeliveryTwice_isDuplicate() {
    ControllerMemory once = ControllerMemory.empty().record(open("m1", "i1", 0)).memory();
    ControllerMemory.Recorded twice = once.record(open("m1", "i1", 0));
    assertEquals(Effect.DUPLICATE, twice.effect());
    assertEquals(once, twice.memory());
  }

  @Test
  void record_renotificationOfOpenIncident_isUnchanged() {
    ControllerMemory once = ControllerMemory.empty().record(open("m1", "i1", 0)).memory();
    ControllerMemory.Recorded again = once.record(open("m2", "i1", 0));
    assertEquals(Effect.UNCHANGED, again.effect());
    assertEquals(once.situation(), again.memory().situation());
  }

  @Test
  void record_lateOpenAfterClose_doesNotReopen() {
    ControllerMemory closed = ControllerMemory.empty().record(close("m2", "i1", 0, 10)).memory();
    ControllerMemory.Recorded late = closed.record(open("m1", "i1", 0));
    assertEquals(Effect.STALE, late.effect());
    assertFalse(late.memory().region(US).hasOpenIncident());
    assertEquals("incident i1 already closed at 2026-11-01T12:10:00Z", late.detail());
  }

  @Test
  void record_closeOfOpenIncident_closesIt() {
    ControllerMemory m =
        ControllerMemory.empty()
            .record(open("m1", "i1", 0))
            .memory()
            .record(close("m2", "i1", 0, 10))
            .memory();
    assertFalse(m.region(US).hasOpenIncident());
    assertEquals(Optional.of(min(10)), m.region(US).incidents().get("i1").endedAt());
  }

  @Test
  void record_buildStatusOfEarlierStage_neverOverridesLater() {
    ControllerMemory m =
        ControllerMemory.empty()
            .record(new BuildEvent("m1", US, "b1", BuildStatus.SUCCESS, min(5)))
            .memory();
    ControllerMemory.Recorded late =
        m.record(new BuildEvent("m2", US, "b1", BuildStatus.WORKING, min(1)));
    assertEquals(Effect.STALE, late.effect());
    assertEquals(BuildStatus.SUCCESS, late.memory().region(US).build().get().status());
  }

  @Test
  void record_olderBuild_neverOverridesNewer() {
    ControllerMemory m =
        ControllerMemory.empty()
            .record(new BuildEvent("m1", US, "b2", BuildStatus.WORKING, min(5)))
            .memory();
    assertEquals(
        Effect.STALE,
        m.record(new BuildEvent("m2", US, "b1", BuildStatus.FAILURE, min(4))).effect());
    assertEquals(
        Effect.CHANGED,
        m.record(new BuildEvent("m3", US, "b3", BuildStatus.WORKING, min(6))).effect());
  }

  @Test
  void record_restoreCommand_clearsTheDrainPin_unpinClearsAny() {
    CommandEvent drain =
        new CommandEvent(
            "c1",
            US,
            CommandEvent.Action.DRAIN,
            "bob",
            "db failover",
            Optional.of(Duration.ofHours(1)),
            false,
            min(0));
    ControllerMemory pinned = ControllerMemory.empty().record(drain).memory();
    Pin pin = pinned.region(US).pin().orElseThrow();
    assertEquals(Pin.Kind.DRAIN, pin.kind());
    assertEquals(min(60), pin.expiresAt());
    CommandEvent restore =
        new CommandEvent(
            "c2", US, CommandEvent.Action.RESTORE, "bob", "done", Optional.empty(), false, min(5));
    assertTrue(pinned.record(restore).memory().region(US).pin().isEmpty());
  }

  private static CommandEvent command(
      String id, CommandEvent.Action action, long issuedMin, Optional<Duration> ttl) {
    return new CommandEvent(id, US, action, "bob", "why", ttl, false, min(issuedMin));
  }

  @Test
  void drainThenRestore_theDrainRedeliveredAfterTheRestore_isStale_theOperatorsLastWordWins() {
    // the drain's first delivery failed before it was recorded; the restore came first
    CommandEvent drain =
        command("c1", CommandEvent.Action.DRAIN, 0, Optional.of(Duration.ofHours(72)));
    CommandEvent restore = command("c2", CommandEvent.Action.RESTORE, 5, Optional.empty());
    ControllerMemory.Recorded restored = ControllerMemory.empty().record(restore);
    assertEquals(
        Effect.CHANGED, restored.effect(), "the restore is remembered, though no pin changed");
    ControllerMemory.Recorded late = restored.memory().record(drain);
    assertEquals(Effect.STALE, late.effect());
    assertEquals(
        "drain issued at 2026-11-01T12:00:00Z is older than the restore of us-central1 by bob at"
            + " 2026-11-01T12:05:00Z (command c2)",
        late.detail());
    assertTrue(late.memory().region(US).pin().isEmpty(), "no 72-hour drain");
  }

  @Test
  void pinServeThenUnpin_thePinServeRedeliveredLater_isStale_failoverStaysOn() {
    CommandEvent serve =
        command("c1", CommandEvent.Action.PIN_SERVE, 0, Optional.of(Duration.ofHours(2)));
    CommandEvent unpin = command("c2", CommandEvent.Action.UNPIN, 5, Optional.empty());
    ControllerMemory m = ControllerMemory.empty().record(serve).memory().record(unpin).memory();
    CommandEvent again =
        new CommandEvent(
            "c1-republished",
            US,
            CommandEvent.Action.PIN_SERVE,
            "bob",
            "why",
            Optional.of(Duration.ofHours(2)),
            false,
            min(0));
    assertEquals(Effect.STALE, m.record(again).effect());
    assertTrue(m.record(again).memory().region(US).pin().isEmpty());
  }

  @Test
  void aNewerCommandAfterARestore_isApplied() {
    ControllerMemory m =
        ControllerMemory.empty()
            .record(command("c1", CommandEvent.Action.RESTORE, 5, Optional.empty()))
            .memory();
    ControllerMemory.Recorded drain =
        m.record(command("c2", CommandEvent.Action.DRAIN, 6, Optional.of(Duration.ofHours(1))));
    assertEquals(Effect.CHANGED, drain.effect());
    assertEquals(Pin.Kind.DRAIN, drain.memory().region(US).pin().orElseThrow().kind());
    assertEquals(
        new LastCommand("c2", "drain", "bob", min(6)),
        drain.memory().region(US).lastCommand().orElseThrow());
  }

  private static CommandEvent forget(String id, CommandEvent.Action action, String target) {
    return new CommandEvent(
        id,
        US,
        action,
        "alice",
        "policy deleted",
        Optional.empty(),
        false,
        min(30),
        Optional.of(target));
  }

  @Test
  void forgetIncident_closesItAtTheCommandsTime_aLateOpenStaysIgnored() {
    ControllerMemory open = ControllerMemory.empty().record(open("m1", "i1", 0)).memory();
    ControllerMemory.Recorded forgot =
        open.record(forget("c1", CommandEvent.Action.FORGET_INCIDENT, "i1"));
    assertEquals(Effect.CHANGED, forgot.effect());
    assertEquals(
        "incident i1 (5xx) forgotten in us-central1 by alice: policy deleted", forgot.detail());
    assertEquals(Optional.of(min(30)), forgot.memory().region(US).incidents().get("i1").endedAt());
    assertFalse(forgot.memory().region(US).hasOpenIncident());
    ControllerMemory.Recorded renotified = forgot.memory().record(open("m2", "i1", 0));
    assertEquals(Effect.STALE, renotified.effect());
    assertFalse(renotified.memory().region(US).hasOpenIncident());
    assertTrue(forget("c1", CommandEvent.Action.FORGET_INCIDENT, "i1").onlyMakesSafer());
  }

  @Test
  void forgetIncident_unknownOrClosed_changesNothing_andSaysWhatIsOpen() {
    ControllerMemory open = ControllerMemory.empty().record(open("m1", "i1", 0)).memory();
    ControllerMemory.Recorded unknown =
        open.record(forget("c1", CommandEvent.Action.FORGET_INCIDENT, "i9"));
    assertEquals(Effect.UNCHANGED, unknown.effect());
    assertEquals(
        "no incident i9 in us-central1 to forget; open incidents there: [i1]", unknown.detail());
    assertTrue(unknown.memory().region(US).hasOpenIncident());
    ControllerMemory closed = open.record(close("m2", "i1", 0, 10)).memory();
    ControllerMemory.Recorded again =
        closed.record(forget("c2", CommandEvent.Action.FORGET_INCIDENT, "i1"));
    assertEquals(Effect.UNCHANGED, again.effect());
    assertEquals(Optional.of(min(10)), again.memory().region(US).incidents().get("i1").endedAt());
  }

  @Test
  void forgetBuild_marksTheNewestBuild_laterStatusesOfItAreStale_aNewerBuildCounts() {
    ControllerMemory failed =
        ControllerMemory.empty()
            .record(new BuildEvent("m1", US, "b1", BuildStatus.WORKING, min(5)))
            .memory();
    ControllerMemory.Recorded other =
        failed.record(forget("c0", CommandEvent.Action.FORGET_BUILD, "b0"));
    assertEquals(Effect.UNCHANGED, other.effect());
    assertEquals("build b0 is not the newest build of us-central1 (b1 is)", other.detail());
    ControllerMemory.Recorded forgot =
        failed.record(forget("c1", CommandEvent.Action.FORGET_BUILD, "b1"));
    assertEquals(Effect.CHANGED, forgot.effect());
    assertEquals(
        "build b1 (WORKING) forgotten in us-central1 by alice: policy deleted", forgot.detail());
    assertTrue(forgot.memory().region(US).build().orElseThrow().forgotten());
    ControllerMemory.Recorded late =
        forgot.memory().record(new BuildEvent("m2", US, "b1", BuildStatus.FAILURE, min(31)));
    assertEquals(Effect.STALE, late.effect());
    assertEquals(
        "build b1 was forgotten by an operator in us-central1; ignoring FAILURE", late.detail());
    ControllerMemory.Recorded newer =
        forgot.memory().record(new BuildEvent("m3", US, "b2", BuildStatus.FAILURE, min(40)));
    assertEquals(Effect.CHANGED, newer.effect());
    assertFalse(newer.memory().region(US).build().orElseThrow().forgotten());
  }

  @Test
  void forgets_touchNoPin_andAreNotTheOperatorsLastWordOnPins() {
    CommandEvent drain =
        command("c1", CommandEvent.Action.DRAIN, 0, Optional.of(Duration.ofHours(2)));
    ControllerMemory m =
        ControllerMemory.empty()
            .record(open("m1", "i1", 0))
            .memory()
            .record(forget("c2", CommandEvent.Action.FORGET_INCIDENT, "i1"))
            .memory();
    // a drain issued before the forget still applies: forgets concern signals, not pins
    ControllerMemory.Recorded drained = m.record(drain);
    assertEquals(Effect.CHANGED, drained.effect());
    assertEquals(Pin.Kind.DRAIN, drained.memory().region(US).pin().orElseThrow().kind());
  }

  @Test
  void record_olderCommandThanThePin_isStale() {
    CommandEvent drain =
        new CommandEvent(
            "c2",
            US,
            CommandEvent.Action.DRAIN,
            "bob",
            "x",
            Optional.of(Duration.ofHours(1)),
            false,
            min(10));
    CommandEvent older =
        new CommandEvent(
            "c1", US, CommandEvent.Action.UNPIN, "bob", "y", Optional.empty(), false, min(5));
    ControllerMemory m = ControllerMemory.empty().record(drain).memory();
    assertEquals(Effect.STALE, m.record(older).effect());
  }

  @Test
  void prune_dropsExpiredPinsAndOldClosedIncidents() {
    CommandEvent drain =
        new CommandEvent(
            "c1",
            US,
            CommandEvent.Action.DRAIN,
            "bob",
            "x",
            Optional.of(Duration.ofMinutes(30)),
            false,
            min(0));
    ControllerMemory m =
        ControllerMemory.empty()
            .record(drain)
            .memory()
            .record(close("m1", "old", 0, 1))
            .memory()
            .record(open("m2", "new", 50))
            .memory();
    ControllerMemory.Pruned p = m.prune(min(61), Duration.ofMinutes(60), Policy.defaults());
    assertEquals(1, p.expiredPins().size());
    assertTrue(p.memory().region(US).pin().isEmpty());
    assertEquals(java.util.Set.of("new"), p.memory().region(US).incidents().keySet());
    assertEquals(java.util.Map.of(), p.expiredBuilds());
  }

  @Test
  void prune_endsADeployAtItsDeadline_once_andOnlyWhenItDrainsForIt() {
    BuildEvent working =
        new BuildEvent(
            "b-m1",
            US,
            "b-1",
            BuildStatus.WORKING,
            min(0),
            Optional.of(Duration.ofMinutes(10)),
            false);
    ControllerMemory m = ControllerMemory.empty().record(working).memory();
    Policy onDeploy = Policy.defaults().withDrainOnDeploy(true);
    assertEquals(
        java.util.Map.of(), m.prune(min(9), Duration.ofHours(1), onDeploy).expiredBuilds());
    ControllerMemory.Pruned at10 = m.prune(min(10), Duration.ofHours(1), onDeploy);
    assertEquals(java.util.Set.of(US), at10.expiredBuilds().keySet());
    assertTrue(at10.memory().region(US).build().orElseThrow().expired());
    assertEquals(
        java.util.Map.of(),
        at10.memory().prune(min(11), Duration.ofHours(1), onDeploy).expiredBuilds(),
        "audited once");
    assertEquals(
        java.util.Map.of(),
        m.prune(min(10), Duration.ofHours(1), Policy.defaults()).expiredBuilds(),
        "without drain_on_deploy the build never kept the region out");
    // a later status of the same build is still recorded after its deadline
    assertEquals(
        Effect.CHANGED,
        at10.memory()
            .record(new BuildEvent("b-m2", US, "b-1", BuildStatus.SUCCESS, min(12)))
            .effect());
  }

  @Test
  void openIncidentsBeyondTheCap_areRefused_theMemoryStaysBounded() {
    ControllerMemory m = ControllerMemory.empty();
    for (int i = 0; i < Situation.MAX_OPEN_INCIDENTS; i++) {
      m = m.record(open("m" + i, "i" + i, 0)).memory();
    }
    ControllerMemory.Recorded over = m.record(open("m-over", "i-over", 1));
    assertEquals(Effect.REFUSED, over.effect());
    assertEquals(
        "incident i-over not kept: us-central1 already has 32 open incidents, the most the"
            + " controller keeps per region (the region is wanted out already)",
        over.detail());
    assertEquals(m.situation(), over.memory().situation());
    assertTrue(over.memory().seen("m-over"), "a redelivery is recognised as a duplicate");
  }

  @Test
  void beyondTheKeptIncidents_theOldestClosedAreForgotten() {
    ControllerMemory m = ControllerMemory.empty();
    for (int i = 0; i < Situation.MAX_INCIDENTS; i++) {
      m = m.record(close("c" + i, "i" + i, 0, i + 1)).memory();
    }
    ControllerMemory.Recorded next = m.record(open("m-new", "i-new", 100));
    assertEquals(Effect.CHANGED, next.effect());
    assertTrue(next.detail().endsWith("forgot the oldest closed incident(s) [i0] to keep 64"));
    assertEquals(Situation.MAX_INCIDENTS, next.memory().region(US).incidents().size());
    assertFalse(next.memory().region(US).incidents().containsKey("i0"));
  }

  @Test
  void record_keepsOnlyTheLastEventIds() {
    ControllerMemory m = ControllerMemory.empty();
    for (int i = 0; i < Ledger.EVENT_ID_WINDOW + 5; i++) {
      m = m.record(open("m" + i, "i" + i, 0)).memory();
    }
    assertEquals(Ledger.EVENT_ID_WINDOW, m.books().ledger().recentEventIds().size());
    assertFalse(m.seen("m0"));
    assertTrue(m.seen("m" + (Ledger.EVENT_ID_WINDOW + 4)));
  }
}

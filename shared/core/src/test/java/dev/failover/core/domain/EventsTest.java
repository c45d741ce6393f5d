package dev.failover.core.domain;

import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.domain.ControllerEvent.BuildEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.ControllerEvent.CommandEvent.Action;
import dev.failover.core.domain.ControllerEvent.IncidentEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The events' own rules, from the README: which can only end a drain (applied however late), their
 * trigger types and times, and every constraint on a command's ttl, break_glass and target.
 */
class EventsTest {

  private static CommandEvent command(
      Action action, Optional<Duration> ttl, boolean breakGlass, Optional<String> target) {
    return new CommandEvent("c1", US, action, "bob", "why", ttl, breakGlass, min(0), target);
  }

  private static String refused(Action a, Optional<Duration> ttl, boolean bg, Optional<String> t) {
    return assertThrows(IllegalArgumentException.class, () -> command(a, ttl, bg, t)).getMessage();
  }

  @Test
  void incidents_aCloseOnlyMakesSafer_itsTimeIsTheEnd() {
    IncidentEvent open = new IncidentEvent("m1", US, "0.a", "5xx", min(1), Optional.empty());
    IncidentEvent close = new IncidentEvent("m2", US, "0.a", "5xx", min(1), Optional.of(min(7)));
    assertEquals(List.of(false, true), List.of(open.onlyMakesSafer(), close.onlyMakesSafer()));
    assertEquals(List.of(min(1), min(7)), List.of(open.at(), close.at()));
    assertEquals("alert", open.type());
  }

  @ParameterizedTest
  @EnumSource(BuildStatus.class)
  void builds_anEndedBuildOnlyMakesSafer_aFailedOneNeverDrains(BuildStatus status) {
    BuildEvent b = new BuildEvent("m1", US, "b-1", status, min(0));
    assertEquals(status.terminal(), b.onlyMakesSafer());
    assertEquals("build", b.type());
  }

  @ParameterizedTest
  @CsvSource({
    "STATUS_UNKNOWN, 0, false, false",
    "PENDING, 1, false, false",
    "QUEUED, 1, false, false",
    "WORKING, 2, false, false",
    "SUCCESS, 3, true, false",
    "FAILURE, 3, true, true",
    "INTERNAL_ERROR, 3, true, true",
    "TIMEOUT, 3, true, true",
    "CANCELLED, 3, true, true",
    "EXPIRED, 3, true, true",
  })
  void buildStatuses_stageTerminalFailed(
      BuildStatus s, int stage, boolean terminal, boolean failed) {
    assertEquals(List.of(stage, terminal, failed), List.of(s.stage(), s.terminal(), s.failed()));
  }

  @Test
  void commands_restoreUnpinAndTheForgetsOnlyMakeSafer_theRestCanDrain() {
    assertEquals(
        "command", command(Action.UNPIN, Optional.empty(), false, Optional.empty()).type());
    Duration hour = Duration.ofHours(1);
    assertEquals(
        List.of(false, true, false, true, false, true, true),
        List.of(
            command(Action.DRAIN, Optional.of(hour), false, Optional.empty()).onlyMakesSafer(),
            command(Action.RESTORE, Optional.empty(), false, Optional.empty()).onlyMakesSafer(),
            command(Action.PIN_SERVE, Optional.of(hour), false, Optional.empty()).onlyMakesSafer(),
            command(Action.UNPIN, Optional.empty(), false, Optional.empty()).onlyMakesSafer(),
            command(Action.DRILL, Optional.of(hour), false, Optional.empty()).onlyMakesSafer(),
            command(Action.FORGET_INCIDENT, Optional.empty(), false, Optional.of("0.a"))
                .onlyMakesSafer(),
            command(Action.FORGET_BUILD, Optional.empty(), false, Optional.of("b-1"))
                .onlyMakesSafer()));
  }

  @Test
  void commands_ttlBoundsAreInclusive() {
    command(Action.DRAIN, Optional.of(CommandEvent.MIN_TTL), false, Optional.empty());
    command(Action.DRAIN, Optional.of(CommandEvent.MAX_TTL), false, Optional.empty());
    assertEquals(
        "ttl must be between PT1M and PT72H, got PT59.999S",
        refused(Action.DRAIN, Optional.of(Duration.ofMillis(59_999)), false, Optional.empty()));
    assertEquals(
        "ttl is only allowed for drain, pin-serve and drill",
        refused(Action.RESTORE, Optional.of(Duration.ofHours(1)), false, Optional.empty()));
  }

  @Test
  void commands_breakGlassOnlyOnDrainAndPinServe() {
    Optional<Duration> hour = Optional.of(Duration.ofHours(1));
    command(Action.DRAIN, hour, true, Optional.empty());
    command(Action.PIN_SERVE, hour, true, Optional.empty());
    String only = "break_glass only applies to drain and pin-serve";
    assertEquals(only, refused(Action.DRILL, hour, true, Optional.empty()));
    assertEquals(only, refused(Action.UNPIN, Optional.empty(), true, Optional.empty()));
  }

  @Test
  void commands_aForgetNamesItsTarget_nothingElseDoes() {
    assertEquals(
        "incident_id is required for forget-incident",
        refused(Action.FORGET_INCIDENT, Optional.empty(), false, Optional.empty()));
    assertEquals(
        "build_id is required for forget-build",
        refused(Action.FORGET_BUILD, Optional.empty(), false, Optional.empty()));
    assertEquals(
        "build_id must be at most 256 characters, got 257",
        refused(Action.FORGET_BUILD, Optional.empty(), false, Optional.of("b".repeat(257))));
    assertEquals(
        "incident_id and build_id are only allowed for forget-incident and forget-build",
        refused(Action.UNPIN, Optional.empty(), false, Optional.of("0.a")));
  }

  @Test
  void actions_wireNamesRoundTrip_andListInOrder() {
    for (Action a : Action.values()) {
      assertEquals(Optional.of(a), Action.fromWire(a.wire()));
    }
    assertEquals(Optional.empty(), Action.fromWire("nuke"));
    assertEquals(
        "drain, restore, pin-serve, unpin, drill, forget-incident, forget-build",
        Action.wireList());
    assertEquals(
        List.of("incident_id", "build_id"),
        Arrays.stream(Action.values()).flatMap(a -> a.targetField().stream()).toList());
  }

  @Test
  void settings_scalerAndMembership_showAndServe() {
    assertEquals(
        List.of("0.0", "0.1", "0.25", "1.0"),
        List.of(
            Setting.Scaler.of(0).display(),
            Setting.Scaler.of(0.1).display(),
            Setting.Scaler.of(0.25).display(),
            Setting.Scaler.of(1).display()));
    assertEquals(
        List.of(false, true),
        List.of(Setting.Scaler.of(0).serving(), new Setting.Scaler(100).serving()));
    assertEquals(250, Setting.Scaler.of(0.25).milli());
    assertEquals(
        List.of("in", "out"),
        List.of(new Setting.Member(true).display(), new Setting.Member(false).display()));
    assertEquals(
        List.of(true, false),
        List.of(new Setting.Member(true).serving(), new Setting.Member(false).serving()));
  }
}

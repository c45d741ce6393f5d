package dev.failover.core.domain;

import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Values refuse what the platform or the policy would refuse, with a message that names it. */
class ValuesTest {

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "US-CENTRAL1", "uscentral1", "us-central", "us central1", "us-central1\n"})
  void region_rejectsMalformedNames(String name) {
    message(() -> Region.of(name));
  }

  @Test
  void region_escapesControlCharactersInItsMessage() {
    assertEquals(
        "region must look like 'us-central1' (lowercase words joined by '-', ending in a number),"
            + " got 'x\\u000aFAKE LOG'",
        message(() -> Region.of("x\nFAKE LOG")));
  }

  @ParameterizedTest
  @CsvSource({"-1", "1001"})
  void weight_isZeroTo1000(int w) {
    assertEquals(
        "Invalid value for field 'weight': '" + w + "'. Must be in range [0, 1000].",
        message(() -> new Setting.Weight(w)));
  }

  @ParameterizedTest
  @CsvSource({"1, 0.001", "99, 0.099", "1001, 1.001"})
  void scaler_isZeroOrTenthToOne(int milli, String shown) {
    assertEquals(
        "Invalid value for field 'capacityScaler': '" + shown + "'. Must be 0 or in [0.1, 1.0].",
        message(() -> new Setting.Scaler(milli)));
  }

  @Test
  void lbConfig_neverHasZeroServingRegions() {
    assertEquals(
        "Invalid value for field 'backends': the last backend can never be removed.",
        message(
            () ->
                new LbConfig(
                    Mode.BACKEND_MEMBERSHIP,
                    Map.of(
                        US, new Setting.Member(false), Fixtures.EU, new Setting.Member(false)))));
    assertEquals(
        "Invalid value for field 'backends[0].capacityScaler': '0.0'. A capacity scaler of 0 is"
            + " not allowed when there is only one backend.",
        message(() -> new LbConfig(Mode.CAPACITY_SCALER, Map.of(US, new Setting.Scaler(0)))));
    assertEquals(
        "Invalid value for field 'defaultRouteAction.weightedBackendServices': at least one"
            + " weightedBackendService must have a weight above 0.",
        message(() -> new LbConfig(Mode.URL_MAP_WEIGHTS, Map.of(US, new Setting.Weight(0)))));
  }

  @Test
  void lbConfig_rejectsSettingsOfAnotherMode() {
    assertEquals(
        "setting of us-central1 is a CAPACITY_SCALER setting in URL_MAP_WEIGHTS",
        message(() -> new LbConfig(Mode.URL_MAP_WEIGHTS, Map.of(US, new Setting.Scaler(500)))));
  }

  @ParameterizedTest(name = "level {1} of base weight {0} -> weight {2}")
  @CsvSource({
    "100, 100, 10",
    "100, 250, 25",
    "7, 100, 1",
    "7, 1, 1",
    "333, 500, 167",
    "1000, 1000, 1000"
  })
  void topology_levelToWeight_roundsUpAndNeverToZero(int base, int level, int weight) {
    Topology t =
        new Topology(
            Mode.URL_MAP_WEIGHTS,
            "demo-project",
            "app",
            List.of(RegionSpec.of(US, "bs-us", base, 1000)),
            1000);
    assertEquals(new Setting.Weight(weight), t.settingFor(US, level));
  }

  @ParameterizedTest(name = "level {1} of base scaler {0} -> scaler {2}")
  @CsvSource({"1000, 100, 100", "1000, 250, 250", "500, 100, 100", "800, 500, 400", "1000, 0, 0"})
  void topology_levelToScaler_neverBetweenZeroAndATenth(int baseMilli, int level, int milli) {
    Topology t =
        new Topology(
            Mode.CAPACITY_SCALER,
            "demo-project",
            "app",
            List.of(new RegionSpec(US, "neg-us", 100, baseMilli, 1000)),
            1000);
    assertEquals(new Setting.Scaler(milli), t.settingFor(US, level));
  }

  @Test
  void topology_rejectsDuplicates() {
    assertEquals(
        "region us-central1 is listed twice",
        message(
            () ->
                new Topology(
                    Mode.URL_MAP_WEIGHTS,
                    "demo-project",
                    "app",
                    List.of(RegionSpec.of(US, "a", 1, 1), RegionSpec.of(US, "b", 1, 1)),
                    0)));
  }

  @ParameterizedTest
  @CsvSource({"PT59S", "PT72H1S", "PT0S", "-PT1H"})
  void command_ttlOutsideOneMinuteTo72Hours_isRejected(String ttl) {
    assertEquals(
        "ttl must be between PT1M and PT72H, got " + Duration.parse(ttl),
        message(
            () ->
                new CommandEvent(
                    "c1",
                    US,
                    CommandEvent.Action.DRAIN,
                    "bob",
                    "r",
                    Optional.of(Duration.parse(ttl)),
                    false,
                    min(0))));
  }

  @Test
  void command_drainWithoutTtl_isRejected() {
    assertEquals(
        "ttl is required for drain",
        message(
            () ->
                new CommandEvent(
                    "c1",
                    US,
                    CommandEvent.Action.DRAIN,
                    "bob",
                    "r",
                    Optional.empty(),
                    false,
                    min(0))));
  }

  @Test
  void command_reasonOver500Characters_isRejected() {
    assertEquals(
        "reason must be at most 500 characters, got 501",
        message(
            () ->
                new CommandEvent(
                    "c1",
                    US,
                    CommandEvent.Action.UNPIN,
                    "bob",
                    "x".repeat(501),
                    Optional.empty(),
                    false,
                    min(0))));
  }

  @Test
  void command_reasonWithControlCharacters_isRejected() {
    assertEquals(
        "reason must not contain control characters, got 'ok\\u000d\\u000aSEVERE: forged'",
        message(
            () ->
                new CommandEvent(
                    "c1",
                    US,
                    CommandEvent.Action.UNPIN,
                    "bob",
                    "ok\r\nSEVERE: forged",
                    Optional.empty(),
                    false,
                    min(0))));
  }

  @Test
  void policy_rejectsARampThatDoesNotEndAtFull() {
    assertEquals(
        "rampSteps must end at 100% (1000), got [100, 500]",
        message(
            () ->
                new Policy(
                    1,
                    0.5,
                    0.8,
                    Duration.ofMinutes(5),
                    List.of(100, 500),
                    Duration.ofMinutes(2),
                    Duration.ofHours(1),
                    Duration.ofHours(1),
                    false,
                    java.time.Duration.ofHours(2))));
  }

  @Test
  void policy_restoreHoldDoublesAndCaps() {
    Policy p = Policy.defaults();
    assertEquals(Duration.ofMinutes(5), p.restoreHold(0));
    assertEquals(Duration.ofMinutes(40), p.restoreHold(3));
    assertEquals(Duration.ofHours(1), p.restoreHold(30));
  }
}

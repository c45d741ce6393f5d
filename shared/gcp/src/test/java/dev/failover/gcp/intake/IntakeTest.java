package dev.failover.gcp.intake;

import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.port.TransientException;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The handlers behind the functions, fed real-shaped Pub/Sub messages. */
class IntakeTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:20:00Z");
  static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);

  private InMemoryLoadBalancer lb;
  private InMemoryStateStore store;
  private RecordingAuditSink audit;
  private Intake intake;
  private int ids;

  @BeforeEach
  void setUp() {
    setUp(Policy.defaults());
  }

  private void setUp(Policy policy) {
    lb = new InMemoryLoadBalancer(TOPOLOGY.baseConfig());
    store = new InMemoryStateStore();
    audit = new RecordingAuditSink();
    ScriptedHealthSource health = new ScriptedHealthSource();
    for (Region r : TOPOLOGY.regionNames()) {
      health.report(r, Health.Status.HEALTHY, NOW.minus(Duration.ofHours(1)));
    }
    Env env =
        Env.embedded(
            TOPOLOGY,
            policy,
            Map.of("app latency asia", Region.of("asia-east1")),
            CloudBuilds.Routing.defaults(Optional.of("app")),
            Duration.ofHours(1));
    intake =
        Assembly.intake(
            env, store, lb, health, audit, Clock.fixed(NOW, ZoneOffset.UTC), Pause.NONE);
  }

  static String golden(String path) {
    try (InputStream in = IntakeTest.class.getResourceAsStream("/golden/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing golden payload " + path, e);
    }
  }

  private Intake.Outcome deliver(Intake.Stream stream, String data, Map<String, String> attrs) {
    String id = Integer.toString(4_000_000 + ids++);
    return deliver(stream, data, attrs, id, NOW.minusSeconds(2));
  }

  private Intake.Outcome deliver(
      Intake.Stream stream, String data, Map<String, String> attrs, String id, Instant published) {
    String envelope =
        PubsubMessage.envelope(id, published, attrs, data, "projects/demo-project/subscriptions/s");
    return intake.handle(stream, envelope.getBytes(StandardCharsets.UTF_8), id);
  }

  private static Map<String, String> buildAttrs(String status) {
    return Map.of("buildId", "7f3c2a1e-9b8d-4c6f-a5e4-1d2c3b4a5f60", "status", status);
  }

  @Nested
  class GoldenPayloads {
    @Test
    void monitoringOpen_drainsTheLabelledRegion() {
      Intake.Outcome o =
          deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      assertEquals("changed", o.status());
      assertTrue(o.wrote());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      AuditRecord change = audit.records().get(1);
      assertEquals(Optional.of("0.nwg9th6llz4w"), change.trigger().incidentId());
      assertEquals(Optional.of("app 5xx ratio us-central1"), change.trigger().policy());
      assertEquals(
          Optional.of(Instant.parse("2026-11-01T12:03:00Z")), change.trigger().incidentStartedAt());
    }

    @Test
    void monitoringRenotification_withANewMessageId_changesNothing() {
      deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      Intake.Outcome again =
          deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      assertEquals("unchanged", again.status());
      assertEquals(1, lb.writes().size());
    }

    @Test
    void monitoringClosed_closesTheIncident() {
      deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      Intake.Outcome closed =
          deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-closed.json"), Map.of());
      assertEquals("changed", closed.status());
      assertEquals(
          Optional.of(Instant.parse("2026-11-01T12:18:00Z")),
          store.load().region(US).incidents().get("0.nwg9th6llz4w").endedAt());
    }

    @Test
    void monitoringWithoutRegionLabel_usesTheResourceLocation() {
      deliver(Intake.Stream.ALERTS, golden("monitoring/location-only-open.json"), Map.of());
      assertEquals("asia-east1=100 europe-west1=0 us-central1=100", lb.config().display());
    }

    @Test
    void documentationExample_zoneResolvesToItsRegion_andTheCloseIsRecorded() {
      Intake.Outcome o =
          deliver(Intake.Stream.ALERTS, golden("monitoring/doc-example-closed.json"), Map.of());
      assertEquals("changed", o.status());
      assertTrue(
          o.summary()
              .startsWith(
                  "incident 0.opqiw61fsv7p (Monitor-Project-Cluster) closed in us-central1;"),
          o.summary());
      assertEquals(0, lb.writes().size());
    }

    @Test
    void lateOpenAfterItsClose_doesNotReopen() {
      deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-closed.json"), Map.of());
      Intake.Outcome late =
          deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      assertEquals("stale", late.status());
      assertEquals(0, lb.writes().size());
      assertEquals(
          AuditRecord.Kind.IGNORED, audit.records().get(audit.records().size() - 1).kind());
    }

    @Test
    void sameDeliveryTwice_isADuplicate() {
      String open = golden("monitoring/cloud-run-5xx-open.json");
      deliver(Intake.Stream.ALERTS, open, Map.of(), "77", NOW);
      Intake.Outcome again = deliver(Intake.Stream.ALERTS, open, Map.of(), "77", NOW);
      assertEquals("duplicate", again.status());
      assertEquals(1, lb.writes().size());
    }

    @Test
    void buildFailure_leavesTheServingRegionServing_auditedAsBuildFailed() {
      Intake.Outcome o =
          deliver(
              Intake.Stream.BUILDS,
              golden("cloudbuild/regional-failure.json"),
              buildAttrs("FAILURE"));
      assertEquals("changed", o.status(), "recorded in memory");
      assertEquals(0, lb.writes().size());
      AuditRecord r = audit.records().get(audit.records().size() - 1);
      assertEquals(AuditRecord.Kind.IGNORED, r.kind());
      assertEquals(Optional.of("build_failed"), r.rule());
      assertEquals(Optional.of("7f3c2a1e-9b8d-4c6f-a5e4-1d2c3b4a5f60"), r.trigger().buildId());
    }

    @Test
    void consoleTriggerBuild_isRecognisedWithNoConfiguration_andDrainsWithDrainOnDeploy() {
      setUp(Policy.defaults().withDrainOnDeploy(true));
      Intake.Outcome o =
          deliver(
              Intake.Stream.BUILDS,
              golden("cloudbuild/console-working.json"),
              Map.of("buildId", "3c9a7d52-1f0e-4b8a-9c6d-2e7f4a1b5c80", "status", "WORKING"));
      assertEquals("changed", o.status(), o.summary());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      assertEquals(
          Optional.of(java.time.Duration.ofSeconds(600)),
          store.load().region(US).build().orElseThrow().timeout());
      // its failure leaves the previous revision serving: the region comes back through health
      Intake.Outcome failed =
          deliver(
              Intake.Stream.BUILDS,
              golden("cloudbuild/console-failure.json"),
              Map.of("buildId", "3c9a7d52-1f0e-4b8a-9c6d-2e7f4a1b5c80", "status", "FAILURE"));
      assertEquals("changed", failed.status());
      assertEquals(BuildStatus.FAILURE, store.load().region(US).build().orElseThrow().status());
    }

    @Test
    void pipelineBuild_namesEveryRegionItDeploys_andDrainsNoneForItsDeploy() {
      setUp(Policy.defaults().withDrainOnDeploy(true));
      Intake.Outcome o =
          deliver(
              Intake.Stream.BUILDS,
              golden("cloudbuild/pipeline-working.json"),
              Map.of("buildId", "8e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b", "status", "WORKING"));
      assertEquals("changed", o.status(), o.summary());
      for (Region r : TOPOLOGY.regionNames()) {
        var b = store.load().region(r).build().orElseThrow();
        assertEquals("8e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c4b", b.buildId());
        assertTrue(b.sharedDeploy(), r + " marked as a shared deploy");
      }
      assertEquals(0, lb.writes().size(), "a pipeline's deploy drains nothing: deploy gates do");
      assertEquals(
          3,
          audit.records().stream()
              .filter(x -> x.kind() == AuditRecord.Kind.IGNORED)
              .map(AuditRecord::recordId)
              .distinct()
              .count(),
          "one record per region of the pipeline");
    }

    @Test
    void monitoringTestNotification_isAuditedAsATestOfTheChannel() {
      Intake.Outcome o =
          deliver(
              Intake.Stream.ALERTS, golden("monitoring/console-test-notification.json"), Map.of());
      assertEquals("ignored", o.status());
      AuditRecord r = audit.records().get(0);
      assertEquals(Optional.of("test_notification"), r.rule());
      assertEquals(
          "test notification from Cloud Monitoring (version \"test\"): the notification channel to"
              + " this controller works; nothing changed",
          r.message());
      assertEquals(0, lb.writes().size());
    }

    @Test
    void monitoringOpenWithEndedAt_isTakenAsOpen() {
      Intake.Outcome o =
          deliver(Intake.Stream.ALERTS, golden("monitoring/open-with-ended-at.json"), Map.of());
      assertEquals("changed", o.status());
      assertTrue(store.load().region(US).hasOpenIncident());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    }

    @Test
    void buildWorking_drainsOnlyWithDrainOnDeploy() {
      deliver(
          Intake.Stream.BUILDS, golden("cloudbuild/regional-working.json"), buildAttrs("WORKING"));
      assertEquals(0, lb.writes().size());
      setUp(Policy.defaults().withDrainOnDeploy(true));
      deliver(
          Intake.Stream.BUILDS, golden("cloudbuild/regional-working.json"), buildAttrs("WORKING"));
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    }

    @Test
    void buildSuccess_afterWorking_isRecordedAndAnOlderWorkingIsStale() {
      deliver(
          Intake.Stream.BUILDS, golden("cloudbuild/regional-success.json"), buildAttrs("SUCCESS"));
      Intake.Outcome late =
          deliver(
              Intake.Stream.BUILDS,
              golden("cloudbuild/regional-working.json"),
              buildAttrs("WORKING"));
      assertEquals("stale", late.status());
      assertEquals(BuildStatus.SUCCESS, store.load().region(US).build().orElseThrow().status());
    }

    @Test
    void commandDrain_pinsAndDrains() {
      Intake.Outcome o = deliver(Intake.Stream.COMMANDS, golden("commands/drain.json"), Map.of());
      assertEquals("changed", o.status());
      Pin pin = store.load().region(EU).pin().orElseThrow();
      assertEquals(Instant.parse("2026-11-01T14:00:00Z"), pin.expiresAt());
      assertEquals("alice@example.com", pin.actor());
      assertEquals("asia-east1=100 europe-west1=0 us-central1=100", lb.config().display());
    }

    @Test
    void commandThroughTheEndpoint_recordsThePrincipalBesideTheClaim_asVerified() {
      Intake.Outcome o =
          deliver(
              Intake.Stream.VERIFIED_COMMANDS,
              golden("commands/drain.json"),
              Map.of("failover_principal", "carol@example.com", "failover_endpoint", "commands"));
      assertEquals("changed", o.status());
      AuditRecord change =
          audit.records().stream()
              .filter(r -> r.kind() == AuditRecord.Kind.CHANGE)
              .findFirst()
              .orElseThrow();
      assertEquals(Optional.of("alice@example.com"), change.trigger().actor());
      assertEquals(Optional.of("carol@example.com"), change.trigger().principal());
      assertEquals(
          Optional.of("carol@example.com"),
          store.load().region(EU).pin().orElseThrow().principal(),
          "the pin remembers who sent it, for the records of later ticks");
      assertTrue(
          dev.failover.core.audit.AuditLine.encode(change)
              .contains(
                  "\"actor\":\"alice@example.com\",\"principal\":\"carol@example.com\","
                      + "\"verified\":true}"));
    }

    @Test
    void commandStraightToTheTopic_isRecordedUnverified() {
      deliver(Intake.Stream.COMMANDS, golden("commands/drain.json"), Map.of());
      AuditRecord change =
          audit.records().stream()
              .filter(r -> r.kind() == AuditRecord.Kind.CHANGE)
              .findFirst()
              .orElseThrow();
      assertEquals(Optional.empty(), change.trigger().principal());
      assertTrue(dev.failover.core.audit.AuditLine.encode(change).contains("\"verified\":false}"));
    }

    @Test
    void commandStraightToTheTopic_claimingAPrincipalInItsAttributes_isStillUnverified() {
      deliver(
          Intake.Stream.COMMANDS,
          golden("commands/drain.json"),
          Map.of("failover_principal", "ceo@example.com", "failover_endpoint", "break-glass"));
      assertTrue(audit.records().stream().allMatch(r -> r.trigger().principal().isEmpty()));
    }

    @Test
    void breakGlass_straightToTheTopic_isRejected_andChangesNothing() {
      Intake.Outcome o =
          deliver(
              Intake.Stream.COMMANDS,
              command(",\"action\":\"drain\",\"ttl\":\"PT1H\",\"break_glass\":true"),
              Map.of());
      assertEquals("rejected", o.status());
      assertEquals(
          "break_glass is accepted only through the break-glass endpoint, which knows who calls it"
              + " (failoverctl drain --break-glass, with FAILOVER_BREAK_GLASS_ENDPOINT set); this"
              + " command came straight to the commands topic",
          o.summary());
      assertEquals(
          Optional.of("wrong_door"), audit.records().get(audit.records().size() - 1).rule());
      assertEquals(Optional.empty(), store.load().region(US).pin());
      Intake.Outcome glass =
          deliver(
              Intake.Stream.VERIFIED_COMMANDS,
              command(",\"action\":\"drain\",\"ttl\":\"PT1H\",\"break_glass\":true"),
              Map.of("failover_principal", "dana@example.com", "failover_endpoint", "break-glass"));
      assertEquals("changed", glass.status());
      assertTrue(store.load().region(US).pin().orElseThrow().breakGlass());
    }

    @Test
    void aVerifiedCommandWithoutItsAttributes_isRejected() {
      Intake.Outcome noDoor =
          deliver(
              Intake.Stream.VERIFIED_COMMANDS,
              golden("commands/drain.json"),
              Map.of("failover_principal", "carol@example.com"));
      assertEquals("rejected", noDoor.status());
      assertEquals(
          "attribute failover_endpoint must be commands or break-glass, got ''", noDoor.summary());
      Intake.Outcome noPrincipal =
          deliver(
              Intake.Stream.VERIFIED_COMMANDS,
              golden("commands/drain.json"),
              Map.of("failover_endpoint", "commands"));
      assertEquals("rejected", noPrincipal.status());
      assertEquals(
          "attribute failover_principal is required and must not be blank", noPrincipal.summary());
      assertEquals(Optional.empty(), store.load().region(EU).pin());
    }

    @Test
    void commandForgetIncident_closesTheIncident_theRegionComesBackThroughTheRestoreHold() {
      deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      Intake.Outcome o =
          deliver(
              Intake.Stream.COMMANDS,
              command(",\"action\":\"forget-incident\",\"incident_id\":\"0.nwg9th6llz4w\""),
              Map.of());
      assertEquals("changed", o.status());
      assertFalse(store.load().region(US).hasOpenIncident());
      AuditRecord forgot =
          audit.records().stream()
              .filter(r -> r.kind() == AuditRecord.Kind.EXPIRED)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no expired record: " + audit.records()));
      assertEquals(
          "incident 0.nwg9th6llz4w (app 5xx ratio us-central1) forgotten in us-central1 by"
              + " bob@example.com: r",
          forgot.message());
      assertEquals(Optional.of("operator_forget"), forgot.rule());
      assertEquals(Optional.of("bob@example.com"), forgot.trigger().actor());
      assertEquals(Optional.of("0.nwg9th6llz4w"), forgot.trigger().incidentId());
      // nothing else wants us-central1 out: it waits for the restore hold, then ramps
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      Intake.Outcome again =
          deliver(
              Intake.Stream.COMMANDS,
              command(",\"action\":\"forget-incident\",\"incident_id\":\"0.nwg9th6llz4w\""),
              Map.of());
      assertEquals("unchanged", again.status());
      assertEquals(
          "unchanged: incident 0.nwg9th6llz4w already closed at 2026-11-01T12:19:58Z",
          audit.records().get(audit.records().size() - 1).message(),
          "a forget with nothing to forget is shown too");
    }

    @Test
    void commandDrill_drainsUnderTheRules() {
      Intake.Outcome o = deliver(Intake.Stream.COMMANDS, golden("commands/drill.json"), Map.of());
      assertEquals("changed", o.status());
      assertEquals(Pin.Kind.DRILL, store.load().region(US).pin().orElseThrow().kind());
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
    }

    @Test
    void commandDrill_thatARuleWouldHold_isRefusedAndAcked() {
      deliver(Intake.Stream.COMMANDS, golden("commands/drain.json"), Map.of());
      Intake.Outcome o = deliver(Intake.Stream.COMMANDS, golden("commands/drill.json"), Map.of());
      assertEquals("refused", o.status(), "acked: a redelivery would be refused the same way");
      assertTrue(o.summary().startsWith("drill of us-central1 refused: "), o.summary());
      assertEquals(Optional.empty(), store.load().region(US).pin());
      assertEquals("asia-east1=100 europe-west1=0 us-central1=100", lb.config().display());
    }

    @Test
    void tick_reconciles() {
      Intake.Outcome o = deliver(Intake.Stream.TICK, "{}", Map.of());
      assertEquals("reconciled", o.status());
    }

    @Test
    void eventOlderThanMaxEventAge_isDroppedWithAnAuditRecord() {
      Intake.Outcome o =
          deliver(
              Intake.Stream.ALERTS,
              golden("monitoring/cloud-run-5xx-open.json"),
              Map.of(),
              "old-1",
              NOW.minus(Duration.ofMinutes(61)));
      assertEquals("ignored", o.status());
      assertEquals(
          "published at 2026-11-01T11:19:00Z, more than maxEventAge (PT1H) ago; dropped",
          o.summary());
      assertEquals(0, lb.writes().size());
      assertEquals(
          List.of(AuditRecord.Kind.IGNORED),
          audit.records().stream().map(AuditRecord::kind).toList());
    }

    @Test
    void aCloseOlderThanMaxEventAge_isAppliedAnyway_soTheDrainEnds() {
      deliver(Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of());
      Intake.Outcome late =
          deliver(
              Intake.Stream.ALERTS,
              golden("monitoring/cloud-run-5xx-closed.json"),
              Map.of(),
              "late-close",
              NOW.minus(Duration.ofHours(5)));
      assertEquals("changed", late.status(), late.summary());
      assertFalse(store.load().region(US).hasOpenIncident());
    }

    @Test
    void aRestoreOlderThanMaxEventAge_isApplied_aDrainIsNot() {
      Intake.Outcome drain =
          deliver(
              Intake.Stream.COMMANDS,
              command(",\"action\":\"drain\",\"ttl\":\"PT72H\"")
                  .replace("\"reason\":\"r\"", "\"reason\":\"old\""),
              Map.of(),
              "old-drain",
              NOW.minus(Duration.ofHours(2)));
      assertEquals("ignored", drain.status(), "an old drain could start an outage: dropped");
      deliver(
          Intake.Stream.COMMANDS,
          command(",\"action\":\"drain\",\"ttl\":\"PT1H\""),
          Map.of(),
          "drain",
          NOW.minusSeconds(2));
      assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
      Intake.Outcome restore =
          deliver(
              Intake.Stream.COMMANDS,
              command(",\"action\":\"restore\",\"issued_at\":\"2026-11-01T12:19:59Z\""),
              Map.of(),
              "late-restore",
              NOW.minus(Duration.ofHours(2)));
      assertEquals("changed", restore.status(), restore.summary());
      assertEquals(Optional.empty(), store.load().region(US).pin());
    }

    @Test
    void anIncidentStartingInTheFuture_isRejected_andChangesNothing() {
      String future =
          golden("monitoring/cloud-run-5xx-open.json")
              .replace("\"started_at\": 1793534580", "\"started_at\": 9999999999");
      Intake.Outcome o = deliver(Intake.Stream.ALERTS, future, Map.of());
      assertEquals("rejected", o.status());
      assertEquals(
          "incident.started_at 2286-11-20T17:46:39Z lies more than 5 minutes after now"
              + " (2026-11-01T12:20:00Z); check the sender's clock",
          o.summary());
      assertEquals(ControllerMemory.empty(), store.load());
      assertEquals(0, lb.writes().size());
    }

    @Test
    void aBuildFinishingInTheFuture_isRejected() {
      String future =
          golden("cloudbuild/regional-success.json")
              .replace(
                  "\"finishTime\": \"2026-11-01T12:04:29.281278Z\"",
                  "\"finishTime\": \"2286-01-01T00:00:00Z\"");
      Intake.Outcome o = deliver(Intake.Stream.BUILDS, future, buildAttrs("SUCCESS"));
      assertEquals("rejected", o.status());
      assertTrue(
          o.summary()
              .startsWith(
                  "the build's time (finishTime, startTime or createTime) 2286-01-01T00:00:00Z"),
          o.summary());
      assertEquals(ControllerMemory.empty(), store.load());
    }

    @Test
    void anEventFourMinutesAhead_isAccepted_aSkewedClockIsTolerated() {
      long ahead = NOW.plus(Duration.ofMinutes(4)).getEpochSecond();
      String soon =
          golden("monitoring/cloud-run-5xx-open.json")
              .replace("\"started_at\": 1793534580", "\"started_at\": " + ahead);
      assertEquals("changed", deliver(Intake.Stream.ALERTS, soon, Map.of()).status());
    }

    @Test
    void transientLoadBalancerFailure_throwsSoPubSubRedelivers() {
      lb.failNextApply(new TransientException("503 from compute"));
      assertThrows(
          TransientException.class,
          () ->
              deliver(
                  Intake.Stream.ALERTS, golden("monitoring/cloud-run-5xx-open.json"), Map.of()));
    }
  }

  /** A hostile input, the stream it arrives on, and what must come of it. */
  record Hostile(String name, Intake.Stream stream, byte[] body, String status, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Hostile raw(String name, Intake.Stream s, String body, String status, String reason) {
    return new Hostile(name, s, body.getBytes(StandardCharsets.UTF_8), status, reason);
  }

  static Hostile data(String name, Intake.Stream s, String data, String status, String reason) {
    return data(name, s, data, Map.of(), status, reason);
  }

  static Hostile data(
      String name,
      Intake.Stream s,
      String data,
      Map<String, String> attrs,
      String status,
      String reason) {
    String env =
        PubsubMessage.envelope("666", NOW, attrs, data, "projects/demo-project/subscriptions/s");
    return new Hostile(name, s, env.getBytes(StandardCharsets.UTF_8), status, reason);
  }

  static String alert(String incident) {
    return "{\"version\":\"1.2\",\"incident\":" + incident + "}";
  }

  static String command(String fields) {
    return "{\"schema\":\"failover.command/v1\",\"region\":\"us-central1\",\"reason\":\"r\","
        + "\"requested_by\":\"bob@example.com\""
        + fields
        + "}";
  }

  static String goldenBuild(String status, String service, String region) {
    return golden("cloudbuild/regional-" + status + ".json")
        .replace("\"_SERVICE\": \"app\"", "\"_SERVICE\": \"" + service + "\"")
        .replace("\"_REGION\": \"us-central1\"", "\"_REGION\": \"" + region + "\"")
        .replace("\"region-us-central1\"", "\"region-" + region + "\"")
        .replaceAll("\"--region\",\\s*\"us-central1\"", "\"--region\", \"" + region + "\"");
  }

  static Stream<Hostile> hostile() {
    Intake.Stream A = Intake.Stream.ALERTS;
    Intake.Stream B = Intake.Stream.BUILDS;
    Intake.Stream C = Intake.Stream.COMMANDS;
    String validIncident =
        "{\"incident_id\":\"0.x\",\"policy_name\":\"p\",\"state\":\"open\",\"started_at\":1793534580,"
            + "\"ended_at\":null,\"policy_user_labels\":{\"region\":\"us-central1\"}";
    String bigData = "{\"version\":\"1.2\",\"pad\":\"" + "x".repeat(600 * 1024) + "\"}";
    return Stream.of(
        new Hostile("empty body", A, new byte[0], "rejected", "the event has no data"),
        raw(
            "body not JSON",
            A,
            "hello",
            "rejected",
            "the event data is not valid JSON (line 1, column 1)"),
        raw("body is an array", A, "[1,2]", "rejected", "the event data must be a JSON object"),
        raw(
            "no message",
            A,
            "{\"subscription\":\"s\"}",
            "rejected",
            "the event data has no message object"),
        raw(
            "data not base64",
            A,
            "{\"message\":{\"data\":\"!!notbase64!!\",\"messageId\":\"1\"}}",
            "rejected",
            "message.data is not valid base64: Illegal base64 character 21"),
        raw(
            "data not UTF-8",
            A,
            "{\"message\":{\"data\":\""
                + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0x41})
                + "\",\"messageId\":\"1\"}}",
            "rejected",
            "message.data is not UTF-8 text"),
        raw(
            "attributes not an object",
            A,
            "{\"message\":{\"data\":\"e30=\",\"attributes\":[1],\"messageId\":\"1\"}}",
            "rejected",
            "message.attributes must be an object"),
        raw(
            "messageId a number",
            A,
            "{\"message\":{\"data\":\"e30=\",\"messageId\":12}}",
            "rejected",
            "message.messageId must be a string"),
        raw(
            "publishTime not a time",
            A,
            "{\"message\":{\"data\":\"e30=\",\"messageId\":\"1\",\"publishTime\":\"yesterday\"}}",
            "rejected",
            "message.publishTime is not an RFC 3339 time: 'yesterday'"),
        new Hostile(
            "2 MB envelope",
            A,
            new byte[2 * 1024 * 1024],
            "rejected",
            "the event data is 2097152 bytes; at most 1048576 are read"),
        data(
            "600 KB data",
            A,
            bigData,
            "rejected",
            "message.data is 614426 bytes; at most 524288 are read"),
        data(
            "alert not JSON",
            A,
            "not json",
            "rejected",
            "the alert notification is not valid JSON (line 1, column 1)"),
        data("alert without version", A, "{\"incident\":{}}", "rejected", "version is required"),
        data(
            "alert version 1.1",
            A,
            "{\"version\":\"1.1\",\"incident\":{}}",
            "rejected",
            "version must be \"1.2\" (Monitoring notification schema 1.2), got '1.1'"),
        data(
            "alert version a number",
            A,
            "{\"version\":1.2,\"incident\":{}}",
            "rejected",
            "version must be a string, got 1.2"),
        data(
            "alert without incident",
            A,
            "{\"version\":\"1.2\"}",
            "rejected",
            "incident is required"),
        data(
            "incident id missing",
            A,
            alert("{\"state\":\"open\"}"),
            "rejected",
            "incident.incident_id is required"),
        data(
            "state firing",
            A,
            alert(validIncident.replace("\"open\"", "\"firing\"") + "}"),
            "rejected",
            "incident.state must be open or closed, got 'firing'"),
        data(
            "started_at a word",
            A,
            alert(validIncident.replace("1793534580", "\"yesterday\"") + "}"),
            "rejected",
            "incident.started_at must be an integer, got \"yesterday\""),
        data(
            "started_at negative",
            A,
            alert(validIncident.replace("1793534580", "-5") + "}"),
            "rejected",
            "incident.started_at must be epoch seconds, got -5"),
        data(
            "started_at in milliseconds",
            A,
            alert(validIncident.replace("1793534580", "1793534580000") + "}"),
            "rejected",
            "incident.started_at must be epoch seconds, got 1793534580000"),
        data(
            "closed without ended_at",
            A,
            alert(validIncident.replace("\"open\"", "\"closed\"") + "}"),
            "rejected",
            "incident.ended_at is required when state is closed"),
        data(
            "ended before started",
            A,
            alert(
                validIncident.replace("\"open\"", "\"closed\"").replace("null", "1793534000")
                    + "}"),
            "rejected",
            "incident 0.x ends (2026-11-01T11:53:20Z) before it starts (2026-11-01T12:03:00Z)"),
        data(
            "deep nesting",
            A,
            "{\"version\":\"1.2\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            "rejected",
            "the alert notification nests deeper than 32 levels"),
        data(
            "region not behind this load balancer",
            A,
            alert(validIncident.replace("us-central1", "us-west9") + "}"),
            "ignored",
            "incident 0.x (p) names no region of this load balancer ([asia-east1, europe-west1, us-central1]); label the policy with user_labels.region"),
        data(
            "log injection in the incident id",
            A,
            alert(
                validIncident
                        .replace("\"0.x\"", "\"0.x\\nSEVERE: forged\"")
                        .replace("us-central1", "mars-1")
                    + "}"),
            "ignored",
            "incident 0.x\\u000aSEVERE: forged (p) names no region of this load balancer ([asia-east1, europe-west1, us-central1]); label the policy with user_labels.region"),
        data(
            "build status unknown",
            B,
            goldenBuild("working", "app", "us-central1").replace("\"WORKING\"", "\"DONE\""),
            buildAttrs("DONE"),
            "rejected",
            "status must be a Cloud Build status such as WORKING or SUCCESS, got 'DONE'"),
        data(
            "build of another service",
            B,
            goldenBuild("failure", "billing", "us-central1"),
            buildAttrs("FAILURE"),
            "ignored",
            "build 7f3c2a1e-9b8d-4c6f-a5e4-1d2c3b4a5f60 does not deploy app (substitution _SERVICE is 'billing')"),
        data(
            "build for an unknown region",
            B,
            goldenBuild("failure", "app", "us-west9"),
            buildAttrs("FAILURE"),
            "ignored",
            "build 7f3c2a1e-9b8d-4c6f-a5e4-1d2c3b4a5f60 names no region of this load balancer (substitution _REGION or _DEPLOY_REGION, tag region-<name>, or a deploy step's --region)"),
        data(
            "buildId attribute disagrees",
            B,
            goldenBuild("failure", "app", "us-central1"),
            Map.of("buildId", "other", "status", "FAILURE"),
            "rejected",
            "attribute buildId 'other' differs from the data's id"),
        data(
            "build substitutions not an object",
            B,
            "{\"id\":\"b\",\"status\":\"FAILURE\",\"substitutions\":[]}",
            Map.of(),
            "rejected",
            "substitutions must be an object, got []"),
        data(
            "command unknown field",
            C,
            command(",\"action\":\"unpin\",\"colour\":\"red\""),
            "rejected",
            "unknown field colour (known: action, break_glass, build_id, incident_id, issued_at, reason, region, requested_by, schema, ttl)"),
        data(
            "command wrong schema",
            C,
            command(",\"action\":\"unpin\"").replace("/v1", "/v2"),
            "rejected",
            "schema must be \"failover.command/v1\", got 'failover.command/v2'"),
        data("command without action", C, command(""), "rejected", "action is required"),
        data(
            "command action unknown",
            C,
            command(",\"action\":\"nuke\""),
            "rejected",
            "action must be one of drain, restore, pin-serve, unpin, drill, forget-incident, forget-build, got 'nuke'"),
        data(
            "command region not behind the load balancer",
            C,
            command(",\"action\":\"unpin\"").replace("us-central1", "us-west9"),
            "rejected",
            "region us-west9 is not behind this load balancer; known regions: [asia-east1, europe-west1, us-central1]"),
        data(
            "command region malformed",
            C,
            command(",\"action\":\"unpin\"").replace("us-central1", "US"),
            "rejected",
            "region: region must look like 'us-central1' (lowercase words joined by '-', ending in a number), got 'US'"),
        data(
            "drain without ttl",
            C,
            command(",\"action\":\"drain\""),
            "rejected",
            "ttl is required for drain"),
        data(
            "ttl of 100 hours",
            C,
            command(",\"action\":\"drain\",\"ttl\":\"PT100H\""),
            "rejected",
            "ttl must be between PT1M and PT72H, got PT100H"),
        data(
            "negative ttl",
            C,
            command(",\"action\":\"drain\",\"ttl\":\"-PT1H\""),
            "rejected",
            "ttl must be between PT1M and PT72H, got PT-1H"),
        data(
            "ttl not a duration",
            C,
            command(",\"action\":\"drain\",\"ttl\":\"2 hours\""),
            "rejected",
            "ttl must be an ISO-8601 duration such as PT30M or PT2H, got '2 hours'"),
        data(
            "ttl on unpin",
            C,
            command(",\"action\":\"unpin\",\"ttl\":\"PT1H\""),
            "rejected",
            "ttl is only allowed for drain, pin-serve and drill"),
        data(
            "drill without a duration",
            C,
            command(",\"action\":\"drill\""),
            "rejected",
            "ttl is required for drill"),
        data(
            "break-glass drill",
            C,
            command(",\"action\":\"drill\",\"ttl\":\"PT30M\",\"break_glass\":true"),
            "rejected",
            "break_glass only applies to drain and pin-serve"),
        data(
            "break_glass a string",
            C,
            command(",\"action\":\"drain\",\"ttl\":\"PT1H\",\"break_glass\":\"yes\""),
            "rejected",
            "break_glass must be true or false, got \"yes\""),
        data(
            "reason with control characters",
            C,
            command(",\"action\":\"unpin\"")
                .replace("\"reason\":\"r\"", "\"reason\":\"ok\\r\\nSEVERE: forged\""),
            "rejected",
            "reason must not contain control characters, got 'ok\\u000d\\u000aSEVERE: forged'"),
        data(
            "reason of 501 characters",
            C,
            command(",\"action\":\"unpin\"")
                .replace("\"reason\":\"r\"", "\"reason\":\"" + "x".repeat(501) + "\""),
            "rejected",
            "reason must be at most 500 characters, got 501"),
        data(
            "empty reason",
            C,
            command(",\"action\":\"unpin\"").replace("\"reason\":\"r\"", "\"reason\":\" \""),
            "rejected",
            "reason is required and must not be blank"),
        data(
            "issued_at a day ahead",
            C,
            command(",\"action\":\"unpin\",\"issued_at\":\"2026-11-02T12:00:00Z\""),
            "rejected",
            "issued_at 2026-11-02T12:00:00Z lies more than 5 minutes in the future; check the clock"),
        data(
            "forget-incident without its id",
            C,
            command(",\"action\":\"forget-incident\""),
            "rejected",
            "incident_id is required for forget-incident"),
        data(
            "forget-build naming an incident",
            C,
            command(",\"action\":\"forget-build\",\"build_id\":\"b\",\"incident_id\":\"i\""),
            "rejected",
            "incident_id is only allowed for forget-incident, not for forget-build"),
        data(
            "drain naming a build",
            C,
            command(",\"action\":\"drain\",\"ttl\":\"PT1H\",\"build_id\":\"b\""),
            "rejected",
            "build_id is only allowed for forget-build, not for drain"),
        data(
            "forget-incident with a ttl",
            C,
            command(",\"action\":\"forget-incident\",\"incident_id\":\"i\",\"ttl\":\"PT1H\""),
            "rejected",
            "ttl is only allowed for drain, pin-serve and drill"),
        data(
            "forget-incident with an empty id",
            C,
            command(",\"action\":\"forget-incident\",\"incident_id\":\"\""),
            "rejected",
            "incident_id is required and must not be blank"),
        data(
            "command not an object",
            C,
            "[\"drain\"]",
            "rejected",
            "the command must be a JSON object"),
        data(
            "command with a duplicate key",
            C,
            "{\"schema\":\"failover.command/v1\",\"schema\":\"x\"}",
            "rejected",
            "the command is not valid JSON: duplicate key 'schema'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void hostileInput_isRefusedClearly_andChangesNothing(Hostile h) {
    ControllerMemory before = store.load();
    Intake.Outcome o = intake.handle(h.stream(), h.body(), "666");
    assertEquals(h.status(), o.status(), o.summary());
    assertEquals(h.reason(), o.summary());
    assertEquals(before, store.load(), "memory unchanged");
    assertEquals(0, lb.writes().size(), "load balancer untouched");
    assertEquals(1, audit.records().size());
    AuditRecord r = audit.records().get(0);
    assertEquals(h.status(), r.kind().wire());
    assertEquals(h.reason(), r.message());
    dev.failover.core.testing.Reliability.count("bad_inputs_tried", 1);
  }

  @Test
  void hostileCorpus_hasAtLeastFiftyCases() {
    assertTrue(hostile().count() >= 50, "corpus size " + hostile().count());
  }
}

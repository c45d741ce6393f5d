package dev.failover.gcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.testing.RecordingAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeNotificationsTest {
  static final Instant T = Instant.parse("2026-11-01T12:00:00Z");

  record Sent(String data, Map<String, String> attributes) {}

  final List<Sent> sent = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final RecordingAuditSink audit = new RecordingAuditSink();

  static AuditRecord record(Kind kind, Outcome outcome, Optional<Long> seconds) {
    return new AuditRecord(
        "rid-" + kind.wire() + "-" + outcome.wire(),
        T,
        kind,
        new AuditRecord.Trigger(
            "alert",
            "m-17",
            Optional.of("0.inc"),
            Optional.of("app 5xx ratio"),
            Optional.empty(),
            Optional.empty()),
        new AuditRecord.LoadBalancerRef(
            "demo-project",
            "URL_MAP_WEIGHTS",
            "app-url-map",
            Optional.of("fp-1"),
            Optional.of("fp-2"),
            Optional.empty()),
        List.of(
            new AuditRecord.RegionChange(
                "asia-east1", "100", "100", 1000, "keep", "serving", Optional.empty()),
            new AuditRecord.RegionChange(
                "us-central1", "100", "0", 0, "drain", "incident 0.inc", Optional.empty())),
        Optional.empty(),
        false,
        outcome,
        Optional.empty(),
        42,
        "0.1.0",
        "wrote asia-east1=100 us-central1=0",
        seconds,
        seconds.isPresent()
            ? List.of(
                new AuditRecord.Traffic("asia-east1", 251.5),
                new AuditRecord.Traffic("us-central1", 0.0))
            : List.of());
  }

  @Test
  void anAppliedChange_isPublishedCompactWithKindAndRegionAttributes() {
    ChangeNotifications n =
        new ChangeNotifications(audit, (d, a) -> sent.add(new Sent(d, a)), warnings::add);
    n.write(record(Kind.CHANGE, Outcome.APPLIED, Optional.empty()));
    assertEquals(1, audit.records().size());
    assertEquals(
        Map.of("schema", "failover.event/v1", "kind", "change", "region", "us-central1"),
        sent.get(0).attributes());
    assertEquals(
        "{\"schema\":\"failover.event/v1\",\"record_id\":\"rid-change-applied\","
            + "\"ts\":\"2026-11-01T12:00:00Z\",\"kind\":\"change\",\"outcome\":\"applied\","
            + "\"project\":\"demo-project\",\"resource\":\"app-url-map\",\"trigger_type\":\"alert\","
            + "\"event_id\":\"m-17\",\"incident_id\":\"0.inc\",\"regions\":[{\"region\":\"us-central1\","
            + "\"before\":\"100\",\"after\":\"0\",\"action\":\"drain\"}],"
            + "\"summary\":\"wrote asia-east1=100 us-central1=0\"}",
        sent.get(0).data());
  }

  @Test
  void aChangeACommandCaused_saysWhoSentIt_andWhetherTheEndpointVerifiedIt() {
    AuditRecord base = record(Kind.CHANGE, Outcome.APPLIED, Optional.empty());
    AuditRecord.Trigger claim =
        new AuditRecord.Trigger(
            "command",
            "m-18",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("bob"));
    String unverified = ChangeNotifications.encode(withTrigger(base, claim));
    assertTrue(
        unverified.contains(
            "\"trigger_type\":\"command\",\"event_id\":\"m-18\",\"actor\":\"bob\",\"verified\":false,"),
        unverified);
    String verified =
        ChangeNotifications.encode(withTrigger(base, claim.withPrincipal("bob@example.com")));
    assertTrue(
        verified.contains("\"actor\":\"bob\",\"principal\":\"bob@example.com\",\"verified\":true,"),
        verified);
    assertFalse(ChangeNotifications.encode(base).contains("verified"), "alerts have no sender");
  }

  static AuditRecord withTrigger(AuditRecord r, AuditRecord.Trigger t) {
    return new AuditRecord(
        r.recordId(),
        r.ts(),
        r.kind(),
        t,
        r.loadBalancer(),
        r.regions(),
        r.rule(),
        r.dryRun(),
        r.outcome(),
        r.error(),
        r.latencyMs(),
        r.controllerVersion(),
        r.message(),
        r.propagationSeconds(),
        r.traffic());
  }

  @Test
  void onlyWhatPeopleActOn_isPublished() {
    ChangeNotifications n =
        new ChangeNotifications(audit, (d, a) -> sent.add(new Sent(d, a)), warnings::add);
    for (Kind k : Kind.values()) {
      for (Outcome o : Outcome.values()) {
        n.write(record(k, o, Optional.empty()));
      }
    }
    List<String> published = sent.stream().map(s -> s.attributes().get("kind")).toList();
    assertEquals(
        List.of(
            "change",
            "hold",
            "hold",
            "hold",
            "page",
            "page",
            "page",
            "drift",
            "drift",
            "drift",
            "drill",
            "drill",
            "drill",
            "verified",
            "verified",
            "verified"),
        published);
    assertEquals(Kind.values().length * Outcome.values().length, audit.records().size());
  }

  @Test
  void aVerification_carriesThePropagationTime() {
    ChangeNotifications n =
        new ChangeNotifications(audit, (d, a) -> sent.add(new Sent(d, a)), warnings::add);
    n.write(record(Kind.VERIFIED, Outcome.SKIPPED, Optional.of(180L)));
    assertTrue(sent.get(0).data().contains("\"propagation_seconds\":180"), sent.get(0).data());
    assertTrue(
        sent.get(0)
            .data()
            .contains(
                "\"traffic\":[{\"region\":\"asia-east1\",\"rps\":251.5},"
                    + "{\"region\":\"us-central1\",\"rps\":0.0}]"),
        sent.get(0).data());
    assertEquals("asia-east1", sent.get(0).attributes().get("region"));
  }

  @Test
  void aPublishingFailure_neverReachesTheCaller_andTheAuditRecordIsKept() {
    ChangeNotifications n =
        new ChangeNotifications(
            audit,
            (d, a) -> {
              throw new java.util.concurrent.TimeoutException("pubsub slow");
            },
            warnings::add);
    n.write(record(Kind.CHANGE, Outcome.APPLIED, Optional.empty()));
    assertEquals(1, audit.records().size());
    assertEquals(
        List.of(
            "change notification for change record rid-change-applied not published:"
                + " java.util.concurrent.TimeoutException: pubsub slow"),
        warnings);
  }

  @Test
  void toFile_appendsOneLinePerNotification(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events/out.ndjson");
    ChangeNotifications n =
        new ChangeNotifications(audit, ChangeNotifications.toFile(file), warnings::add);
    n.write(record(Kind.CHANGE, Outcome.APPLIED, Optional.empty()));
    n.write(record(Kind.HOLD, Outcome.SKIPPED, Optional.empty()));
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size());
    assertTrue(
        lines
            .get(1)
            .startsWith(
                "{\"attributes\":{\"kind\":\"hold\",\"region\":\"asia-east1\",\"schema\":\"failover.event/v1\"},\"data\":{\"schema\":\"failover.event/v1\""),
        lines.get(1));
    assertEquals(List.of(), warnings);
  }
}

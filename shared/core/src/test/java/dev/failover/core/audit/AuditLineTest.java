package dev.failover.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.testing.AuditSchema;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditLineTest {
  static AuditRecord change(String message, Optional<String> error) {
    return new AuditRecord(
        AuditRecord.recordId("4242", Kind.CHANGE, "attempt-1@fp-1"),
        Instant.parse("2026-11-01T12:03:00.123Z"),
        Kind.CHANGE,
        new AuditRecord.Trigger(
            "alert",
            "4242",
            Optional.of("0.abc"),
            Optional.of("5xx ratio"),
            Optional.empty(),
            Optional.empty()),
        new AuditRecord.LoadBalancerRef(
            "demo-project",
            "URL_MAP_WEIGHTS",
            "app-url-map",
            Optional.of("fp-1"),
            Optional.empty(),
            Optional.of("operation-1")),
        List.of(
            new AuditRecord.RegionChange(
                "us-central1", "100", "0", 0, "drain", "incident 0.abc open", Optional.empty())),
        Optional.empty(),
        false,
        Outcome.APPLIED,
        error,
        12,
        "0.1.0",
        message);
  }

  @Test
  void encode_everyOptionalFieldPresent_isWrittenInSchemaOrder_withTheExtraFieldsLast() {
    AuditRecord r =
        new AuditRecord(
                "id-1",
                Instant.parse("2026-11-01T12:03:00Z"),
                Kind.VERIFIED,
                new AuditRecord.Trigger(
                    "command",
                    "7",
                    Optional.of("0.abc"),
                    Optional.of("5xx"),
                    Optional.of("b-1"),
                    Optional.of("ann"),
                    Optional.of(Instant.parse("2026-11-01T12:00:00Z")),
                    Optional.of("ann@example.com")),
                new AuditRecord.LoadBalancerRef(
                    "p",
                    "URL_MAP_WEIGHTS",
                    "um",
                    Optional.of("f1"),
                    Optional.of("f2"),
                    Optional.of("op")),
                List.of(
                    new AuditRecord.RegionChange(
                        "us-central1",
                        "100",
                        "50",
                        500,
                        "partial_drain",
                        "why",
                        Optional.of("headroom")),
                    new AuditRecord.RegionChange(
                        "europe-west1", "100", "100", 1000, "keep", "fine", Optional.empty())),
                Optional.of("traffic_not_moved"),
                false,
                Outcome.SKIPPED,
                Optional.of("boom"),
                3,
                "0.1.0",
                "m",
                Optional.of(42L),
                List.of(
                    new AuditRecord.Traffic("europe-west1", 512.34567),
                    new AuditRecord.Traffic("us-central1", 0.2)))
            .asDryRun();
    assertEquals(
        "{\"schema_version\":1,\"record_id\":\"id-1\",\"ts\":\"2026-11-01 12:03:00.000000 UTC\","
            + "\"kind\":\"verified\",\"trigger\":{\"type\":\"command\",\"event_id\":\"7\","
            + "\"incident_id\":\"0.abc\",\"policy\":\"5xx\",\"build_id\":\"b-1\",\"actor\":\"ann\","
            + "\"incident_started_at\":\"2026-11-01 12:00:00.000000 UTC\","
            + "\"principal\":\"ann@example.com\",\"verified\":true},"
            + "\"load_balancer\":{\"project\":\"p\",\"mode\":\"URL_MAP_WEIGHTS\",\"resource\":\"um\","
            + "\"fingerprint_before\":\"f1\",\"fingerprint_after\":\"f2\",\"operation\":\"op\"},"
            + "\"regions\":[{\"region\":\"us-central1\",\"before\":\"100\",\"after\":\"50\","
            + "\"level\":500,\"action\":\"partial_drain\",\"reason\":\"why\",\"rule\":\"headroom\"},"
            + "{\"region\":\"europe-west1\",\"before\":\"100\",\"after\":\"100\",\"level\":1000,"
            + "\"action\":\"keep\",\"reason\":\"fine\"}],\"rule\":\"traffic_not_moved\","
            + "\"dry_run\":true,\"outcome\":\"skipped\",\"error\":\"boom\",\"latency_ms\":3,"
            + "\"controller_version\":\"0.1.0\",\"message\":\"m\",\"propagation_seconds\":42,"
            + "\"traffic\":[{\"region\":\"europe-west1\",\"rps\":512.346},"
            + "{\"region\":\"us-central1\",\"rps\":0.2}],"
            + "\"severity\":\"INFO\"}",
        AuditLine.encode(r, java.util.Map.of("severity", "\"INFO\"")));
    assertEquals(List.of(), AuditSchema.shipped().violations(AuditLine.encode(r)));
  }

  @Test
  void encode_aCommandNobodyVerified_saysSo_andOtherTriggersSayNothingAboutIt() {
    AuditRecord unverified =
        new AuditRecord(
            "id-2",
            Instant.parse("2026-11-01T12:03:00Z"),
            Kind.REJECTED,
            new AuditRecord.Trigger(
                "command",
                "8",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("mallory")),
            new AuditRecord.LoadBalancerRef(
                "p", "URL_MAP_WEIGHTS", "um", Optional.empty(), Optional.empty(), Optional.empty()),
            List.of(),
            Optional.empty(),
            false,
            Outcome.SKIPPED,
            Optional.of("bad"),
            0,
            "0.1.0",
            "bad");
    String line = AuditLine.encode(unverified);
    assertTrue(
        line.contains(
            "\"trigger\":{\"type\":\"command\",\"event_id\":\"8\",\"actor\":\"mallory\","
                + "\"verified\":false}"),
        line);
    assertEquals(List.of(), AuditSchema.shipped().violations(line));
    assertFalse(AuditLine.encode(change("m", Optional.empty())).contains("verified"));
  }

  @Test
  void encode_matchesTheGoldenLine() {
    AuditRecord r = change("wrote us-central1=0", Optional.empty());
    assertEquals(
        "{\"schema_version\":1,\"record_id\":\""
            + r.recordId()
            + "\","
            + "\"ts\":\"2026-11-01 12:03:00.123000 UTC\",\"kind\":\"change\","
            + "\"trigger\":{\"type\":\"alert\",\"event_id\":\"4242\",\"incident_id\":\"0.abc\","
            + "\"policy\":\"5xx ratio\"},"
            + "\"load_balancer\":{\"project\":\"demo-project\",\"mode\":\"URL_MAP_WEIGHTS\","
            + "\"resource\":\"app-url-map\",\"fingerprint_before\":\"fp-1\",\"operation\":\"operation-1\"},"
            + "\"regions\":[{\"region\":\"us-central1\",\"before\":\"100\",\"after\":\"0\",\"level\":0,"
            + "\"action\":\"drain\",\"reason\":\"incident 0.abc open\"}],"
            + "\"dry_run\":false,\"outcome\":\"applied\",\"latency_ms\":12,"
            + "\"controller_version\":\"0.1.0\",\"message\":\"wrote us-central1=0\"}",
        AuditLine.encode(r));
    assertEquals(List.of(), AuditSchema.shipped().violations(AuditLine.encode(r)));
  }

  @Test
  void encode_controlCharactersAndSeparators_cannotBreakTheLine() {
    String hostile = "ok\r\nSEVERE: forged\u0000\u2028\u2029\t\"\\";
    String line = AuditLine.encode(change(hostile, Optional.of(hostile)));
    assertEquals(-1, line.indexOf('\n'));
    assertEquals(-1, line.indexOf('\r'));
    assertEquals(-1, line.indexOf('\u2028'));
    assertTrue(
        line.contains("\"message\":\"ok\\r\\nSEVERE: forged\\u0000\\u2028\\u2029\\t\\\"\\\\\""),
        line);
    assertEquals(List.of(), AuditSchema.shipped().violations(line));
  }

  @Test
  void encode_oversizedText_isCutWithAMarker() {
    String line = AuditLine.encode(change("x".repeat(10_000), Optional.empty()));
    assertTrue(
        line.contains(
            "\"message\":\"" + "x".repeat(AuditLine.MAX_TEXT) + AuditLine.TRUNCATED + "\""));
    assertTrue(line.length() < 3_000, "line length " + line.length());
  }

  @Test
  void encode_loneSurrogates_areEscapedSoTheLineIsValidUtf8() {
    String line = AuditLine.encode(change("a\ud800b", Optional.empty()));
    assertTrue(line.contains("a\\ud800b"), line);
  }
}

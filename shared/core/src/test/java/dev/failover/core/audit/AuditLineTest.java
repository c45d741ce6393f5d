package dev.failover.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

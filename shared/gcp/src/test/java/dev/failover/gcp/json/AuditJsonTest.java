package dev.failover.gcp.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditJsonTest {

  @Test
  void line_changeRecord_matchesTheGoldenLine() {
    AuditRecord r =
        new AuditRecord(
            AuditRecord.recordId("4242", Kind.CHANGE, "attempt-1"),
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
                Optional.of("fp-2")),
            List.of(
                new AuditRecord.RegionChange(
                    "us-central1",
                    "100",
                    "0",
                    0,
                    "drain",
                    "incident 0.abc open",
                    Optional.empty())),
            Optional.empty(),
            false,
            Outcome.APPLIED,
            Optional.empty(),
            12,
            "0.1.0",
            "wrote us-central1=0");
    assertEquals(
        "{\"schema_version\":1,\"record_id\":\""
            + r.recordId()
            + "\","
            + "\"ts\":\"2026-11-01 12:03:00.123000 UTC\",\"kind\":\"change\","
            + "\"trigger\":{\"type\":\"alert\",\"event_id\":\"4242\",\"incident_id\":\"0.abc\","
            + "\"policy\":\"5xx ratio\"},"
            + "\"load_balancer\":{\"project\":\"demo-project\",\"mode\":\"URL_MAP_WEIGHTS\","
            + "\"resource\":\"app-url-map\",\"fingerprint_before\":\"fp-1\",\"fingerprint_after\":\"fp-2\"},"
            + "\"regions\":[{\"region\":\"us-central1\",\"before\":\"100\",\"after\":\"0\",\"level\":0,"
            + "\"action\":\"drain\",\"reason\":\"incident 0.abc open\"}],"
            + "\"dry_run\":false,\"outcome\":\"applied\",\"latency_ms\":12,"
            + "\"controller_version\":\"0.1.0\",\"message\":\"wrote us-central1=0\"}",
        AuditJson.line(r));
  }

  @Test
  void line_escapesControlCharactersSoOneRecordIsOneLine() {
    AuditRecord r =
        new AuditRecord(
            "id",
            Instant.EPOCH,
            Kind.REJECTED,
            AuditRecord.Trigger.of("command", "m1"),
            new AuditRecord.LoadBalancerRef(
                "p", "URL_MAP_WEIGHTS", "r", Optional.empty(), Optional.empty()),
            List.of(),
            Optional.empty(),
            false,
            Outcome.SKIPPED,
            Optional.of("bad\nline"),
            0,
            "v",
            "bad\r\nFAKE");
    String line = AuditJson.line(r);
    assertEquals(-1, line.indexOf('\n'));
    assertEquals(-1, line.indexOf('\r'));
  }
}

package dev.failover.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.Mode;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputRefusalsTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:20:00Z");

  private final RecordingAuditSink audit = new RecordingAuditSink();
  private final InputRefusals refusals =
      new InputRefusals(
          Fixtures.three(Mode.URL_MAP_WEIGHTS),
          "0.1.0",
          audit,
          Clock.fixed(NOW.plusMillis(40), ZoneOffset.UTC));

  @Test
  void aRejection_isOneSkippedRecord_withTheReasonAsError_andTheTimeSinceReceipt() {
    Trigger t = Trigger.of("command", "endpoint-1").withPrincipal("alice@example.com");
    AuditRecord r = refusals.record(Kind.REJECTED, t, NOW, NOW, "ttl is required for drain");
    assertEquals(List.of(r), audit.records());
    assertEquals(AuditRecord.Outcome.SKIPPED, r.outcome());
    assertEquals(Optional.of("ttl is required for drain"), r.error());
    assertEquals("ttl is required for drain", r.message());
    assertEquals(40, r.latencyMs());
    assertEquals(AuditRecord.recordId("endpoint-1", Kind.REJECTED, "input"), r.recordId());
    assertEquals(Optional.of("alice@example.com"), r.trigger().principal());
  }

  @Test
  void anIgnoredInput_carriesNoError() {
    AuditRecord r = refusals.record(Kind.IGNORED, Trigger.of("alert", "9"), NOW, NOW, "not ours");
    assertEquals(Optional.empty(), r.error());
  }

  @Test
  void onlyRejectedOrIgnored() {
    assertThrows(
        IllegalArgumentException.class,
        () -> refusals.record(Kind.CHANGE, Trigger.of("alert", "9"), NOW, NOW, "x"));
    assertEquals(List.of(), audit.records());
  }
}

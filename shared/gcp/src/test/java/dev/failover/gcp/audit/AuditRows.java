package dev.failover.gcp.audit;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Audit records for the table tests: every field the schema has, set and left out. */
final class AuditRows {
  private AuditRows() {}

  /** A change with every optional field set: trigger details, regions, traffic, propagation. */
  static AuditRecord full(String id) {
    return new AuditRecord(
        id,
        Instant.parse("2026-11-01T12:00:03.123456Z"),
        Kind.CHANGE,
        new AuditRecord.Trigger(
                "command",
                "m-1",
                Optional.of("0.inc"),
                Optional.of("app 5xx"),
                Optional.of("b-1"),
                Optional.of("alice"),
                Optional.of(Instant.parse("2026-11-01T11:59:00Z")),
                Optional.empty())
            .withPrincipal("alice@example.com"),
        new AuditRecord.LoadBalancerRef(
            "demo-project",
            "URL_MAP_WEIGHTS",
            "app-url-map",
            Optional.of("fp-1"),
            Optional.of("fp-2"),
            Optional.of("operation-7")),
        List.of(
            new AuditRecord.RegionChange(
                "us-central1", "100", "0", 0, "drain", "incident 0.inc", Optional.of("headroom")),
            new AuditRecord.RegionChange(
                "europe-west1", "100", "100", 1000, "serve", "serving", Optional.empty())),
        Optional.of("headroom"),
        false,
        Outcome.APPLIED,
        Optional.of("none"),
        42,
        "0.1.0",
        "drained us-central1 \"quoted\" and\nnewline ✓",
        Optional.of(210L),
        List.of(
            new AuditRecord.Traffic("europe-west1", 490.25),
            new AuditRecord.Traffic("us-central1", 0)));
  }

  /** A tick's ignored record: every optional field left out. */
  static AuditRecord bare(String id) {
    return new AuditRecord(
        id,
        Instant.parse("2026-11-01T12:01:00Z"),
        Kind.IGNORED,
        AuditRecord.Trigger.of("tick", "t-1"),
        new AuditRecord.LoadBalancerRef(
            "demo-project",
            "URL_MAP_SUBSETS",
            "app-url-map",
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        List.of(),
        Optional.empty(),
        true,
        Outcome.SKIPPED,
        Optional.empty(),
        0,
        "0.1.0",
        "nothing new",
        Optional.empty());
  }
}

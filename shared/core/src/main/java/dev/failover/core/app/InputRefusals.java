package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.AuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Audits input turned away before it reached memory: a delivery a parser rejected or ignored, a
 * command the command endpoint refused. One record per input ({@code rejected} or {@code ignored}),
 * its id deterministic per event id, so a redelivery writes the same id again.
 *
 * <p>Apart from the controller because the command endpoint needs it without anything else of the
 * controller (no memory, no load balancer).
 */
public final class InputRefusals {
  private final Topology topology;
  private final String version;
  private final AuditSink audit;
  private final Clock clock;

  public InputRefusals(Topology topology, String version, AuditSink audit, Clock clock) {
    this.topology = Objects.requireNonNull(topology, "topology");
    this.version = Objects.requireNonNull(version, "version");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Writes and returns the record of input refused at {@code now}, received at {@code received}.
   *
   * @param kind {@code rejected} (malformed or not allowed) or {@code ignored} (not for us, late,
   *     twice)
   */
  public AuditRecord record(
      Kind kind, Trigger trigger, Instant now, Instant received, String message) {
    return record(kind, trigger, now, received, message, java.util.Optional.empty());
  }

  /**
   * The same, with the rule that names the case (a test notification: {@code test_notification}).
   */
  public AuditRecord record(
      Kind kind,
      Trigger trigger,
      Instant now,
      Instant received,
      String message,
      java.util.Optional<String> rule) {
    if (kind != Kind.REJECTED && kind != Kind.IGNORED) {
      throw new IllegalArgumentException("input is refused as rejected or ignored, not " + kind);
    }
    AuditRecord r =
        new AuditRecords(
                new AuditRecords.Context(
                    topology,
                    version,
                    trigger,
                    now,
                    () -> Math.max(0, Duration.between(received, clock.instant()).toMillis())))
            .input(kind, message, rule);
    audit.write(r);
    return r;
  }
}

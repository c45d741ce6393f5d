package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.LoadBalancerRef;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.RegionChange;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.Topology;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.planner.Rule;
import dev.failover.core.port.LoadBalancer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How an audit record is put together: the context one call shares (trigger, time, version,
 * topology, latency) and the parts every record has. {@link AuditRecords} names the kinds.
 */
abstract class RecordMaker {

  /**
   * What every record of one call shares.
   *
   * @param latencyMs from the receipt of the trigger to the moment a record is made
   */
  record Context(
      Topology topology,
      String version,
      Trigger trigger,
      java.time.Instant now,
      LongSupplier latencyMs) {
    Context {
      Objects.requireNonNull(topology);
      Objects.requireNonNull(version);
      Objects.requireNonNull(trigger);
      Objects.requireNonNull(now);
      Objects.requireNonNull(latencyMs);
    }
  }

  final Context ctx;

  RecordMaker(Context ctx) {
    this.ctx = ctx;
  }

  Trigger trigger() {
    return ctx.trigger();
  }

  java.time.Instant now() {
    return ctx.now();
  }

  // ---- parts

  static RegionChange change(RegionDecision d) {
    return new RegionChange(
        d.region().name(),
        d.before().display(),
        d.after().display(),
        d.levelAfter(),
        d.action().wire(),
        d.reason(),
        d.rule().map(Rule::wire));
  }

  static List<RegionChange> changes(Plan plan) {
    return plan.decisions().stream().map(AuditRecords::change).toList();
  }

  LoadBalancerRef ref(Optional<String> before, Optional<LoadBalancer.Written> written) {
    Topology t = ctx.topology();
    return new LoadBalancerRef(
        t.project(),
        t.mode().name(),
        t.resource(),
        before,
        written.flatMap(LoadBalancer.Written::fingerprint),
        written.flatMap(LoadBalancer.Written::operation));
  }

  /** A record about no load-balancer write and no region's setting: a note with a rule. */
  AuditRecord note(String id, Kind kind, Optional<String> rule, String message) {
    return skipped(
        id,
        kind,
        ctx.trigger(),
        ref(Optional.empty(), Optional.empty()),
        List.of(),
        rule,
        Optional.empty(),
        message);
  }

  AuditRecord skipped(
      String id,
      Kind kind,
      Trigger trigger,
      LoadBalancerRef lb,
      List<RegionChange> regions,
      Optional<String> rule,
      Optional<String> error,
      String message) {
    return record(
        id, kind, trigger, lb, regions, rule, Outcome.SKIPPED, error, message, Optional.empty());
  }

  /** The one place a record is constructed. */
  AuditRecord record(
      String id,
      Kind kind,
      Trigger trigger,
      LoadBalancerRef lb,
      List<RegionChange> regions,
      Optional<String> rule,
      Outcome outcome,
      Optional<String> error,
      String message,
      Optional<Long> propagationSeconds) {
    return record(
        id,
        kind,
        trigger,
        lb,
        regions,
        rule,
        outcome,
        error,
        message,
        propagationSeconds,
        List.of());
  }

  /** A record with the request rates per region a propagation check judged by. */
  AuditRecord record(
      String id,
      Kind kind,
      Trigger trigger,
      LoadBalancerRef lb,
      List<RegionChange> regions,
      Optional<String> rule,
      Outcome outcome,
      Optional<String> error,
      String message,
      Optional<Long> propagationSeconds,
      List<AuditRecord.Traffic> traffic) {
    return new AuditRecord(
        id,
        ctx.now(),
        kind,
        trigger,
        lb,
        regions,
        rule,
        false,
        outcome,
        error,
        ctx.latencyMs().getAsLong(),
        ctx.version(),
        message,
        propagationSeconds,
        traffic);
  }
}

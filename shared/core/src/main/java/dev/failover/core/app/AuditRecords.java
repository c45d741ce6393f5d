package dev.failover.core.app;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Outcome;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.Incident;
import dev.failover.core.domain.PendingWrite;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.planner.Rule;
import dev.failover.core.port.LoadBalancer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where every audit record the controller writes is made: one method per kind of record (and per
 * step, for the kinds with several), over the context of one call. Record ids are deterministic per
 * event and step (see {@link AuditRecord#recordId}), so a redelivery or a recovery writes the same
 * id again and BigQuery can deduplicate on it.
 *
 * <p>Nothing here writes: the controller's steps make records with it and the controller audits
 * them in order.
 */
final class AuditRecords extends RecordMaker {

  AuditRecords(Context ctx) {
    super(ctx);
  }

  // ---- input

  /**
   * Input that was ignored or rejected before it reached memory ({@code ignored}, {@code
   * rejected}).
   */
  AuditRecord input(Kind kind, String message) {
    return input(kind, message, Optional.empty());
  }

  /** The same, with the rule that names the case (a test notification). */
  AuditRecord input(Kind kind, String message, Optional<String> rule) {
    return skipped(
        AuditRecord.recordId(ctx.trigger().eventId(), kind, "input"),
        kind,
        ctx.trigger(),
        ref(Optional.empty(), Optional.empty()),
        List.of(),
        rule,
        kind == Kind.REJECTED ? Optional.of(message) : Optional.empty(),
        message);
  }

  /**
   * What a delivery came to when nothing else recorded it ({@code ignored}): the event changed
   * nothing the load balancer shows. Its id is the event's (a build that deploys several regions is
   * one event per region) and its own step, so that a redelivery's {@code duplicate} record does
   * not share it.
   */
  AuditRecord unchanged(String eventId, Optional<String> rule, String message) {
    return note(
        AuditRecord.recordId(eventId, Kind.IGNORED, "outcome"), Kind.IGNORED, rule, message);
  }

  /** A pin that ran out ({@code expired}). */
  AuditRecord expired(Region region, Pin pin) {
    return note(
        AuditRecord.recordId(
            ctx.trigger().eventId(), Kind.EXPIRED, region.name() + "/" + pin.commandId()),
        Kind.EXPIRED,
        Optional.empty(),
        pin.kind().name().toLowerCase(Locale.ROOT)
            + " pin on "
            + region
            + " by "
            + pin.actor()
            + pin.principal().map(p -> " (sent by " + p + ", verified)").orElse("")
            + " expired at "
            + pin.expiresAt()
            + " (command "
            + pin.commandId()
            + ")");
  }

  /**
   * A deploy that kept its region out past its deadline ({@code expired}, rule {@code
   * deploy_timeout}): the build no longer wants the region out; it comes back through health.
   */
  AuditRecord deployTimedOut(
      Region region, dev.failover.core.domain.BuildState build, dev.failover.core.domain.Policy p) {
    return note(
        AuditRecord.recordId(build.buildId(), Kind.EXPIRED, "deploy/" + region.name()),
        Kind.EXPIRED,
        Optional.of("deploy_timeout"),
        "build "
            + build.buildId()
            + " still deploying to "
            + region
            + " at its deadline "
            + build.deployDeadline(p.deployTimeout())
            + " ("
            + (p.deployTimeout().isPresent()
                ? "policy deploy_timeout " + p.deployTimeout().get()
                : build.timeout().isPresent()
                    ? "the build's timeout " + build.timeout().get()
                    : "default " + dev.failover.core.domain.BuildState.DEFAULT_DEPLOY_TIMEOUT)
            + "); no longer wanted out for it: the region comes back once healthy, through the"
            + " restore hold and the ramp");
  }

  /** An incident closed because its close was lost ({@code expired}, rule stale_incident). */
  AuditRecord staleIncidentExpired(Region region, Incident i, String message) {
    return note(
        AuditRecord.recordId(i.id(), Kind.EXPIRED, "stale/" + region.name()),
        Kind.EXPIRED,
        Optional.of("stale_incident"),
        message);
  }

  /**
   * An operator's forget-incident or forget-build took effect ({@code expired}, rule {@value
   * #OPERATOR_FORGET}); the command's trigger names who asked.
   */
  AuditRecord forgotten(String message) {
    return note(
        AuditRecord.recordId(ctx.trigger().eventId(), Kind.EXPIRED, OPERATOR_FORGET),
        Kind.EXPIRED,
        Optional.of(OPERATOR_FORGET),
        message);
  }

  static final String OPERATOR_FORGET = "operator_forget";

  /** A stale incident without health data keeps its region out ({@code page}). */
  AuditRecord staleIncidentNoData(Region region, Incident i, String message) {
    return note(
        AuditRecord.recordId(i.id(), Kind.PAGE, "stale_incident_no_data/" + region.name()),
        Kind.PAGE,
        Optional.of("stale_incident_no_data"),
        message);
  }

  // ---- the write protocol

  /** Before a load-balancer write ({@code intent}). */
  AuditRecord intent(Plan plan, LoadBalancer.Observed observed, PendingWrite pending) {
    return writeRecord(
        AuditRecord.recordId(
            pending.eventId(), Kind.INTENT, pending.step() + "@" + pending.fingerprintBefore()),
        Kind.INTENT,
        plan,
        observed,
        Optional.empty(),
        Outcome.SKIPPED,
        Optional.empty(),
        "about to write ");
  }

  /** The write landed ({@code change}, {@code applied}). */
  AuditRecord applied(
      Plan plan, LoadBalancer.Observed observed, PendingWrite pending, LoadBalancer.Written w) {
    return writeRecord(
        outcomeId(pending, Outcome.APPLIED),
        Kind.CHANGE,
        plan,
        observed,
        Optional.of(w),
        Outcome.APPLIED,
        Optional.empty(),
        "wrote ");
  }

  /** The write failed, certainly or perhaps ({@code change}, {@code failed}). */
  AuditRecord failed(
      Plan plan, LoadBalancer.Observed observed, PendingWrite pending, String error) {
    return writeRecord(
        outcomeId(pending, Outcome.FAILED),
        Kind.CHANGE,
        plan,
        observed,
        Optional.empty(),
        Outcome.FAILED,
        Optional.of(error),
        "failed to write ");
  }

  /**
   * The outcome of a write whose process stopped before recording it ({@code change}): applied if
   * the load balancer shows it, else failed. Same id as the outcome the writer would have recorded.
   */
  AuditRecord interrupted(PendingWrite p, boolean applied, String message) {
    Outcome outcome = applied ? Outcome.APPLIED : Outcome.FAILED;
    return record(
        outcomeId(p, outcome),
        Kind.CHANGE,
        Trigger.of(ctx.trigger().type(), p.eventId()),
        ref(Optional.of(p.fingerprintBefore()), Optional.empty()),
        List.of(),
        Optional.empty(),
        outcome,
        applied
            ? Optional.empty()
            : Optional.of("interrupted; the write is not on the load balancer"),
        message,
        Optional.empty());
  }

  /** One id per write outcome: the event, the attempt and the fingerprint the write presented. */
  private static String outcomeId(PendingWrite p, Outcome outcome) {
    String step =
        p.step() + "@" + p.fingerprintBefore() + (outcome == Outcome.APPLIED ? "" : "/failed");
    return AuditRecord.recordId(p.eventId(), Kind.CHANGE, step);
  }

  private AuditRecord writeRecord(
      String id,
      Kind kind,
      Plan plan,
      LoadBalancer.Observed observed,
      Optional<LoadBalancer.Written> written,
      Outcome outcome,
      Optional<String> error,
      String verb) {
    Optional<String> rule =
        plan.decisions().stream()
            .filter(RegionDecision::changes)
            .map(RegionDecision::rule)
            .flatMap(Optional::stream)
            .map(Rule::wire)
            .findFirst();
    return record(
        id,
        kind,
        ctx.trigger(),
        ref(Optional.of(observed.fingerprint()), written),
        changes(plan),
        rule,
        outcome,
        error,
        verb + plan.target().display() + " (was " + observed.config().display() + ")",
        Optional.empty());
  }

  // ---- holds and pages

  /** A safety rule stopped or limited a change in one region ({@code hold}). */
  AuditRecord hold(
      RegionDecision d, LoadBalancer.Observed observed, Optional<LoadBalancer.Written> written) {
    return skipped(
        AuditRecord.recordId(ctx.trigger().eventId(), Kind.HOLD, d.region().name()),
        Kind.HOLD,
        ctx.trigger(),
        ref(Optional.of(observed.fingerprint()), written),
        List.of(change(d)),
        d.rule().map(Rule::wire),
        Optional.empty(),
        d.region() + ": " + d.reason());
  }

  /** Every region is wanted out: the controller froze ({@code page}, rule all_regions_sick). */
  AuditRecord allRegionsSick(
      Plan plan, LoadBalancer.Observed observed, Optional<LoadBalancer.Written> written) {
    return skipped(
        AuditRecord.recordId(ctx.trigger().eventId(), Kind.PAGE, "page"),
        Kind.PAGE,
        ctx.trigger(),
        ref(Optional.of(observed.fingerprint()), written),
        changes(plan),
        Optional.of("all_regions_sick"),
        Optional.empty(),
        plan.page().orElseThrow());
  }

  // ---- drills

  /** A drill refused before anything was recorded ({@code drill}, step refused). */
  AuditRecord drillRefused(
      String commandId, LoadBalancer.Observed observed, RegionDecision d, String why) {
    return skipped(
        AuditRecord.recordId(commandId, Kind.DRILL, "refused"),
        Kind.DRILL,
        ctx.trigger(),
        ref(Optional.of(observed.fingerprint()), Optional.empty()),
        List.of(change(d)),
        d.rule().map(Rule::wire),
        Optional.of("refused: " + why),
        "drill of " + d.region() + " refused: " + why);
  }

  /** A drill step an applied write made ({@code drill}: started, aborted or ended). */
  AuditRecord drillStep(
      DrillGate.Step step, LoadBalancer.Observed observed, LoadBalancer.Written written) {
    RegionDecision d = step.decision();
    return record(
        AuditRecord.recordId(step.commandId(), Kind.DRILL, step.name()),
        Kind.DRILL,
        ctx.trigger(),
        ref(Optional.of(observed.fingerprint()), Optional.of(written)),
        List.of(change(d)),
        Optional.of(step.rule().wire()),
        Outcome.APPLIED,
        Optional.empty(),
        "drill " + step.name() + " in " + d.region() + ": " + d.reason(),
        Optional.empty());
  }

  // ---- drift and propagation

  /** The load balancer was changed outside the controller ({@code drift}). */
  AuditRecord drift(DriftCheck.Drift drift, LoadBalancer.Observed observed) {
    return skipped(
        AuditRecord.recordId("drift", Kind.DRIFT, observed.fingerprint()),
        Kind.DRIFT,
        ctx.trigger(),
        ref(Optional.of(observed.fingerprint()), Optional.empty()),
        drift.changes(),
        Optional.of(drift.policy().wire()),
        Optional.empty(),
        drift.message());
  }

  /** Traffic moved after a write ({@code verified}, with the seconds it took). */
  AuditRecord verified(Watch w, long seconds, String message, List<AuditRecord.Traffic> traffic) {
    return watch(w, Kind.VERIFIED, Optional.empty(), Optional.of(seconds), message, traffic);
  }

  /** Traffic did not move within the time allowed ({@code page}, rule traffic_not_moved). */
  AuditRecord trafficNotMoved(Watch w, String message, List<AuditRecord.Traffic> traffic) {
    return watch(
        w, Kind.PAGE, Optional.of("traffic_not_moved"), Optional.empty(), message, traffic);
  }

  private AuditRecord watch(
      Watch w,
      Kind kind,
      Optional<String> rule,
      Optional<Long> seconds,
      String message,
      List<AuditRecord.Traffic> traffic) {
    return record(
        AuditRecord.recordId(w.eventId(), kind, w.region().name() + "/" + w.write()),
        kind,
        ctx.trigger(),
        ref(Optional.empty(), Optional.empty()),
        List.of(),
        rule,
        Outcome.SKIPPED,
        Optional.empty(),
        message,
        seconds,
        traffic);
  }
}

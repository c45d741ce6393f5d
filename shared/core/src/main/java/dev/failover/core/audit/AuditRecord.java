package dev.failover.core.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One audit record: a decision outcome or an input the controller refused. Versioned; field names
 * map one-to-one to the BigQuery schema in snake_case.
 *
 * @param recordId deterministic: the same event and step give the same id, so redeliveries dedupe
 * @param ts when the controller decided
 * @param kind what happened
 * @param trigger what caused it
 * @param loadBalancer which load balancer, and its fingerprint before and after
 * @param regions per-region settings before and after, with reasons
 * @param rule the safety rule that shaped or stopped the change, if any
 * @param dryRun true when nothing was (or would be) written
 * @param outcome applied, failed or skipped
 * @param error the error, for a failed outcome or a rejected input
 * @param latencyMs from receipt of the trigger to this record
 * @param controllerVersion the controller's version
 * @param message a one-line summary for people
 * @param propagationSeconds for {@code verified}: from the write to the first metric window that
 *     shows the traffic moved
 * @param traffic for {@code verified} and the {@code traffic_not_moved} page: where traffic went
 *     after the write, each region's request rate in the metric window the check judged by (the one
 *     that showed the move, or the latest), by region name; regions without data left out
 */
public record AuditRecord(
    String recordId,
    Instant ts,
    Kind kind,
    Trigger trigger,
    LoadBalancerRef loadBalancer,
    List<RegionChange> regions,
    Optional<String> rule,
    boolean dryRun,
    Outcome outcome,
    Optional<String> error,
    long latencyMs,
    String controllerVersion,
    String message,
    Optional<Long> propagationSeconds,
    List<Traffic> traffic) {

  public static final int SCHEMA_VERSION = 1;

  /** A record without traffic figures. */
  public AuditRecord(
      String recordId,
      Instant ts,
      Kind kind,
      Trigger trigger,
      LoadBalancerRef loadBalancer,
      List<RegionChange> regions,
      Optional<String> rule,
      boolean dryRun,
      Outcome outcome,
      Optional<String> error,
      long latencyMs,
      String controllerVersion,
      String message,
      Optional<Long> propagationSeconds) {
    this(
        recordId,
        ts,
        kind,
        trigger,
        loadBalancer,
        regions,
        rule,
        dryRun,
        outcome,
        error,
        latencyMs,
        controllerVersion,
        message,
        propagationSeconds,
        List.of());
  }

  /** One region's request rate in a metric window, as the load balancer measured it. */
  public record Traffic(String region, double rps) {
    public Traffic {
      Objects.requireNonNull(region, "region");
      if (!(rps >= 0) || Double.isInfinite(rps)) {
        throw new IllegalArgumentException("rps of " + region + " must be at least 0, got " + rps);
      }
    }
  }

  /** This record as a dry run would write it ({@code failoverctl plan}: nothing was changed). */
  public AuditRecord asDryRun() {
    return new AuditRecord(
        recordId,
        ts,
        kind,
        trigger,
        loadBalancer,
        regions,
        rule,
        true,
        outcome,
        error,
        latencyMs,
        controllerVersion,
        message,
        propagationSeconds,
        traffic);
  }

  public AuditRecord(
      String recordId,
      Instant ts,
      Kind kind,
      Trigger trigger,
      LoadBalancerRef loadBalancer,
      List<RegionChange> regions,
      Optional<String> rule,
      boolean dryRun,
      Outcome outcome,
      Optional<String> error,
      long latencyMs,
      String controllerVersion,
      String message) {
    this(
        recordId,
        ts,
        kind,
        trigger,
        loadBalancer,
        regions,
        rule,
        dryRun,
        outcome,
        error,
        latencyMs,
        controllerVersion,
        message,
        Optional.empty());
  }

  public enum Kind {
    /** Written before a load-balancer write; its outcome follows as a {@link #CHANGE}. */
    INTENT,
    /** A load-balancer write. */
    CHANGE,
    /** A safety rule stopped or limited a change. */
    HOLD,
    /** Every region is sick: the controller froze. */
    PAGE,
    /** The load balancer differs from what the controller last wrote. */
    DRIFT,
    /** Input that does not concern this controller, or came too late or twice. */
    IGNORED,
    /** Malformed or invalid input. */
    REJECTED,
    /** A pin or hold ran out. */
    EXPIRED,
    /** A step of a drill: refused, started, aborted or ended. */
    DRILL,
    /** Traffic moved after a change, as the load balancer's metrics show; with the time it took. */
    VERIFIED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Outcome {
    APPLIED,
    FAILED,
    SKIPPED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What caused a record; the optional parts are present when they apply.
   *
   * @param actor an operator command's {@code requested_by}: what the sender wrote, a claim
   * @param principal the identity the platform authenticated for an operator command that came
   *     through the command endpoint (IAM checked the caller's token); empty for a command
   *     published straight to the commands topic, whose sender nothing verifies
   */
  public record Trigger(
      String type,
      String eventId,
      Optional<String> incidentId,
      Optional<String> policy,
      Optional<String> buildId,
      Optional<String> actor,
      Optional<java.time.Instant> incidentStartedAt,
      Optional<String> principal) {
    public Trigger {
      Objects.requireNonNull(type);
      Objects.requireNonNull(eventId);
      Objects.requireNonNull(incidentId);
      Objects.requireNonNull(policy);
      Objects.requireNonNull(buildId);
      Objects.requireNonNull(actor);
      Objects.requireNonNull(incidentStartedAt);
      Objects.requireNonNull(principal);
    }

    public Trigger(
        String type,
        String eventId,
        Optional<String> incidentId,
        Optional<String> policy,
        Optional<String> buildId,
        Optional<String> actor) {
      this(type, eventId, incidentId, policy, buildId, actor, Optional.empty(), Optional.empty());
    }

    public Trigger withIncidentStartedAt(java.time.Instant t) {
      return new Trigger(
          type, eventId, incidentId, policy, buildId, actor, Optional.of(t), principal);
    }

    /** The same trigger with the principal the command endpoint authenticated. */
    public Trigger withPrincipal(String p) {
      return new Trigger(
          type, eventId, incidentId, policy, buildId, actor, incidentStartedAt, Optional.of(p));
    }

    /** An operator command: the only trigger that has a sender to verify. */
    public boolean isCommand() {
      return "command".equals(type);
    }

    public static Trigger of(String type, String eventId) {
      return new Trigger(
          type, eventId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * The load balancer a record is about: the fingerprint read before the write, and what the write
   * returned (a new fingerprint where the platform returns one, else the operation that did it).
   */
  public record LoadBalancerRef(
      String project,
      String mode,
      String resource,
      Optional<String> fingerprintBefore,
      Optional<String> fingerprintAfter,
      Optional<String> operation) {
    public LoadBalancerRef {
      Objects.requireNonNull(project);
      Objects.requireNonNull(mode);
      Objects.requireNonNull(resource);
      Objects.requireNonNull(fingerprintBefore);
      Objects.requireNonNull(fingerprintAfter);
      Objects.requireNonNull(operation);
    }
  }

  /** One region's setting before and after, and why. */
  public record RegionChange(
      String region,
      String before,
      String after,
      int level,
      String action,
      String reason,
      Optional<String> rule) {
    public RegionChange {
      Objects.requireNonNull(region);
      Objects.requireNonNull(before);
      Objects.requireNonNull(after);
      Objects.requireNonNull(action);
      Objects.requireNonNull(reason);
      Objects.requireNonNull(rule);
    }
  }

  public AuditRecord {
    Objects.requireNonNull(recordId);
    Objects.requireNonNull(ts);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(trigger);
    Objects.requireNonNull(loadBalancer);
    regions = List.copyOf(regions);
    Objects.requireNonNull(rule);
    Objects.requireNonNull(outcome);
    Objects.requireNonNull(error);
    Objects.requireNonNull(controllerVersion);
    Objects.requireNonNull(message);
    Objects.requireNonNull(propagationSeconds);
    traffic = List.copyOf(traffic);
  }

  /** A deterministic id from the parts that identify a record: event, kind and step. */
  public static String recordId(String eventId, Kind kind, String step) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest =
          sha.digest((eventId + "\n" + kind.wire() + "\n" + step).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }
}

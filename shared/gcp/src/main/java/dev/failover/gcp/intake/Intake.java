package dev.failover.gcp.intake;

import dev.failover.core.app.Controller;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The handlers behind the four entry points (and the simulator): parse the Pub/Sub message, check
 * it, and call the one use case. Failure classes, each handled once:
 *
 * <ul>
 *   <li>malformed or invalid input: a {@code rejected} audit record and a normal return (the
 *       message is acked; redelivery cannot fix it);
 *   <li>input for another service or region, or older than {@code maxEventAge}: an {@code ignored}
 *       audit record and a normal return;
 *   <li>transient failures (the load balancer, the state store, the audit sink): thrown, so that
 *       Pub/Sub redelivers.
 * </ul>
 */
public final class Intake {

  /** The four event streams. */
  public enum Stream {
    ALERTS,
    BUILDS,
    COMMANDS,
    /** Commands the command endpoints published, with the principal they authenticated. */
    VERIFIED_COMMANDS,
    TICK;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What one delivery came to; the entry point logs it as one line. */
  public record Outcome(
      Stream stream,
      String status,
      String eventId,
      String summary,
      Optional<Controller.Result> result) {
    public Outcome {
      Objects.requireNonNull(stream);
      Objects.requireNonNull(status);
      Objects.requireNonNull(eventId);
      Objects.requireNonNull(summary);
      Objects.requireNonNull(result);
    }

    public boolean wrote() {
      return result.map(Controller.Result::wrote).orElse(false);
    }
  }

  private final Controller controller;
  private final MonitoringAlerts alerts;
  private final CloudBuilds builds;
  private final OperatorCommands commands;
  private final Duration maxEventAge;
  private final Clock clock;

  public Intake(
      Controller controller,
      MonitoringAlerts alerts,
      CloudBuilds builds,
      OperatorCommands commands,
      Duration maxEventAge,
      Clock clock) {
    this.controller = controller;
    this.alerts = alerts;
    this.builds = builds;
    this.commands = commands;
    this.maxEventAge = maxEventAge;
    this.clock = clock;
  }

  public Controller controller() {
    return controller;
  }

  /**
   * Handles one delivery.
   *
   * @param stream which entry point received it
   * @param envelope the Pub/Sub envelope JSON: a push request's body (or an Eventarc CloudEvent's
   *     data, which has the same shape)
   * @param deliveryId the delivery's own id where the transport has one (a CloudEvent id), used
   *     when the envelope has no message id; null for push requests
   */
  public Outcome handle(Stream stream, byte[] envelope, String deliveryId) {
    Instant now = clock.instant();
    String fallbackId = deliveryId == null || deliveryId.isBlank() ? "unknown" : deliveryId;
    PubsubMessage m;
    try {
      m = PubsubMessage.fromEnvelope(envelope, fallbackId);
    } catch (PubsubMessage.MalformedMessageException e) {
      return refuse(
          stream,
          Kind.REJECTED,
          Trigger.of(triggerType(stream), Text.printable(fallbackId)),
          now,
          e.getMessage());
    }
    return switch (stream) {
      case TICK -> tick(m, now);
      case ALERTS -> event(stream, alerts.parse(m), m, now);
      case BUILDS -> event(stream, builds.parse(m), m, now);
      case COMMANDS -> event(stream, commands.parse(m, now), m, now);
      case VERIFIED_COMMANDS -> event(stream, commands.parseVerified(m, now), m, now);
    };
  }

  private Outcome tick(PubsubMessage m, Instant now) {
    Controller.Result r = controller.reconcile(Trigger.of("tick", m.messageId()), now);
    return new Outcome(Stream.TICK, "reconciled", m.messageId(), summary(r), Optional.of(r));
  }

  /** An event of one of the event streams, parsed: checked, then handed to the use case. */
  private Outcome event(Stream stream, Inbound in, PubsubMessage m, Instant now) {
    if (in instanceof Inbound.Rejected r) {
      return refuse(stream, Kind.REJECTED, r.trigger(), now, r.reason(), r.rule());
    }
    if (in instanceof Inbound.Ignored i) {
      return refuse(stream, Kind.IGNORED, i.trigger(), now, i.reason(), i.rule());
    }
    Inbound.Accepted a = (Inbound.Accepted) in;
    for (ControllerEvent e : a.events()) {
      Optional<String> future = inTheFuture(e, now);
      if (future.isPresent()) {
        return refuse(stream, Kind.REJECTED, a.trigger(), now, future.get(), Optional.empty());
      }
    }
    // an event that can only end a drain is applied however late it comes: every drain has an end
    if (!a.event().onlyMakesSafer()
        && m.publishTime().isPresent()
        && m.publishTime().get().plus(maxEventAge).isBefore(now)) {
      return refuse(
          stream,
          Kind.IGNORED,
          a.trigger(),
          now,
          "published at "
              + m.publishTime().get()
              + ", more than maxEventAge ("
              + maxEventAge
              + ") ago; dropped",
          Optional.empty());
    }
    // a build that deploys several regions is one event per region, handled in turn
    List<Outcome> outcomes = new ArrayList<>();
    for (ControllerEvent e : a.events()) {
      outcomes.add(handled(stream, e, a.trigger(), m, now));
    }
    return outcomes.size() == 1 ? outcomes.get(0) : combined(stream, m, outcomes);
  }

  private Outcome handled(
      Stream stream, ControllerEvent event, Trigger trigger, PubsubMessage m, Instant now) {
    Controller.Result r = controller.handle(event, trigger, now);
    if (r.recorded().isEmpty()) {
      // refused by the controller before it reached memory (a drill a safety rule would hold):
      // audited there; acked here, a redelivery would be refused the same way
      String why = r.records().stream().map(AuditRecord::message).findFirst().orElse("refused");
      return new Outcome(stream, "refused", m.messageId(), why, Optional.of(r));
    }
    ControllerMemory.Effect effect = r.recorded().get().effect();
    return new Outcome(
        stream,
        effect.name().toLowerCase(Locale.ROOT),
        m.messageId(),
        r.recorded().get().detail() + "; " + summary(r),
        Optional.of(r));
  }

  /**
   * The outcome of a message that carried several events: {@code changed} when any changed, else
   * the first's status; the summaries joined; the last result (the load balancer as it ended).
   */
  private static Outcome combined(Stream stream, PubsubMessage m, List<Outcome> outcomes) {
    String status =
        outcomes.stream().anyMatch(o -> o.status().equals("changed"))
            ? "changed"
            : outcomes.get(0).status();
    String summary =
        outcomes.stream().map(Outcome::summary).collect(java.util.stream.Collectors.joining(" | "));
    return new Outcome(
        stream, status, m.messageId(), summary, outcomes.get(outcomes.size() - 1).result());
  }

  /**
   * Why the event's own time is refused: later than now by more than {@link
   * OperatorCommands#MAX_FUTURE}. A time far ahead (a skewed clock, a forged {@code finishTime} in
   * 2286) would make every later real event for its region look stale. Commands check {@code
   * issued_at} in their parser.
   */
  private static Optional<String> inTheFuture(ControllerEvent event, Instant now) {
    Instant limit = now.plus(OperatorCommands.MAX_FUTURE);
    Map<String, Instant> times = new java.util.LinkedHashMap<>();
    if (event instanceof ControllerEvent.IncidentEvent e) {
      times.put("incident.started_at", e.startedAt());
      e.endedAt().ifPresent(t -> times.put("incident.ended_at", t));
    } else if (event instanceof ControllerEvent.BuildEvent e) {
      times.put("the build's time (finishTime, startTime or createTime)", e.at());
    }
    for (Map.Entry<String, Instant> t : times.entrySet()) {
      if (t.getValue().isAfter(limit)) {
        return Optional.of(
            t.getKey()
                + " "
                + t.getValue()
                + " lies more than 5 minutes after now ("
                + now
                + "); check the sender's clock");
      }
    }
    return Optional.empty();
  }

  private Outcome refuse(Stream stream, Kind kind, Trigger trigger, Instant now, String reason) {
    return refuse(stream, kind, trigger, now, reason, Optional.empty());
  }

  private Outcome refuse(
      Stream stream,
      Kind kind,
      Trigger trigger,
      Instant now,
      String reason,
      Optional<String> rule) {
    controller.inputRecord(kind, trigger, now, now, reason, rule);
    return new Outcome(stream, kind.wire(), trigger.eventId(), reason, Optional.empty());
  }

  private static String triggerType(Stream s) {
    return switch (s) {
      case ALERTS -> "alert";
      case BUILDS -> "build";
      case COMMANDS, VERIFIED_COMMANDS -> "command";
      case TICK -> "tick";
    };
  }

  private static String summary(Controller.Result r) {
    if (r.plan().isEmpty()) {
      return "nothing to reconcile";
    }
    if (r.wrote()) {
      return "load balancer now " + r.plan().get().target().display();
    }
    long holds = r.records().stream().filter(x -> x.kind() == AuditRecord.Kind.HOLD).count();
    return "no change ("
        + r.plan().get().target().display()
        + ")"
        + (holds > 0 ? ", " + holds + " hold(s)" : "");
  }
}

package dev.failover.gcp.intake;

import com.google.gson.JsonObject;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Text;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.json.Strict;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Operator commands, schema {@value #SCHEMA} (the message data; no attributes needed):
 *
 * <pre>{@code
 * {
 *   "schema": "failover.command/v1",          required, exactly this
 *   "action": "drain",                        drain | restore | pin-serve | unpin | drill |
 *                                             forget-incident | forget-build
 *   "region": "us-central1",                  a region of the load balancer
 *   "reason": "database maintenance",         required, 1..500 characters, no control characters
 *   "requested_by": "alice@example.com",      required, who asks
 *   "ttl": "PT2H",                            ISO-8601, PT1M..PT72H; required for drain, pin-serve and
 *                                             drill (its duration),
 *                                             refused for restore and unpin
 *   "break_glass": false,                     optional; drain and pin-serve only: override the safety
 *                                             rules (never the last serving region)
 *   "issued_at": "2026-11-01T12:00:00Z",      optional; defaults to the Pub/Sub publish time
 *   "incident_id": "0.abc",                   forget-incident only (required there)
 *   "build_id": "b-123"                       forget-build only (required there)
 * }
 * }</pre>
 *
 * Unknown fields, wrong types, unknown regions and out-of-range values are refused with a message
 * that names the field. {@code restore} clears a drain pin and ends a drill; {@code unpin} clears
 * any pin. {@code drill} is a practice drain that restores itself when its ttl ends (see the
 * planner's rules on drills); {@code break_glass} is refused for it. {@code forget-incident} closes
 * an open incident the controller holds and {@code forget-build} stops the region's newest build
 * from wanting it out, for the rare case a person knows better than the signal (an alert policy
 * deleted while its incident was open, a build whose last status was lost); the region then comes
 * back through the restore hold and ramp like after any close.
 *
 * <p>Commands come through one of three doors ({@link Door}): published straight to the commands
 * topic, where nothing tells the controller who sent them ({@code requested_by} is a claim, the
 * audit record says {@code verified: false}); or through the command endpoint or the break-glass
 * endpoint, which publish to a topic only their service account may publish to, with the principal
 * Cloud Run authenticated in the message's attributes ({@value #PRINCIPAL_ATTRIBUTE}, {@value
 * #DOOR_ATTRIBUTE}). {@code break_glass} is accepted only through the break-glass endpoint, and
 * that endpoint takes nothing else.
 */
public final class OperatorCommands {
  public static final String SCHEMA = "failover.command/v1";

  /** The attribute the endpoints set to the principal Cloud Run authenticated. */
  public static final String PRINCIPAL_ATTRIBUTE = "failover_principal";

  /**
   * The rule of a command refused for the door it came through: break-glass anywhere but the
   * break-glass endpoint, or anything else there.
   */
  public static final String WRONG_DOOR = "wrong_door";

  /** The attribute the endpoints set to their door's wire name. */
  public static final String DOOR_ATTRIBUTE = "failover_endpoint";

  /** Where a command came in. */
  public enum Door {
    /** Published straight to the commands topic: the sender is not verified. */
    TOPIC("topic"),
    /** The command endpoint: the operators group, authenticated by Cloud Run. */
    ENDPOINT("commands"),
    /** The break-glass endpoint: a smaller group, authenticated by Cloud Run; break-glass only. */
    BREAK_GLASS_ENDPOINT("break-glass");

    private final String wire;

    Door(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The endpoint a verified message names; the topic is never named in an attribute. */
    static Optional<Door> endpoint(String wire) {
      return ENDPOINT.wire.equals(wire)
          ? Optional.of(ENDPOINT)
          : BREAK_GLASS_ENDPOINT.wire.equals(wire)
              ? Optional.of(BREAK_GLASS_ENDPOINT)
              : Optional.empty();
    }
  }

  /** Commands issued further ahead than this (clock skew) are refused. */
  static final Duration MAX_FUTURE = Duration.ofMinutes(5);

  private final Topology topology;

  public OperatorCommands(Topology topology) {
    this.topology = topology;
  }

  private static CommandEvent.Action action(Strict o) {
    String text = o.string("action");
    return CommandEvent.Action.fromWire(text)
        .orElseThrow(
            () ->
                new Strict.InvalidJsonException(
                    "action must be one of "
                        + CommandEvent.Action.wireList()
                        + ", got '"
                        + Text.printable(text)
                        + "'"));
  }

  /** A region of this load balancer. */
  private Region region(Strict o) {
    String text = o.string("region");
    Region region = o.field("region", () -> Region.of(text));
    if (topology.find(region).isEmpty()) {
      throw new Strict.InvalidJsonException(
          "region "
              + region
              + " is not behind this load balancer; known regions: "
              + topology.regionNames());
    }
    return region;
  }

  private static Instant issuedAt(String t) {
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new Strict.InvalidJsonException(
          "issued_at must be an RFC 3339 time such as 2026-11-01T12:00:00Z, got '"
              + Text.printable(t)
              + "'");
    }
  }

  /** The incident or build id a forget command names; either field is refused elsewhere. */
  private static Optional<String> target(Strict o, CommandEvent.Action action) {
    Optional<String> incident = o.optString("incident_id");
    Optional<String> build = o.optString("build_id");
    requireOnlyFor(action, CommandEvent.Action.FORGET_INCIDENT, incident);
    requireOnlyFor(action, CommandEvent.Action.FORGET_BUILD, build);
    return incident.or(() -> build);
  }

  private static void requireOnlyFor(
      CommandEvent.Action action, CommandEvent.Action owner, Optional<String> value) {
    String field = owner.targetField().orElseThrow();
    if (action == owner && value.isEmpty()) {
      throw new Strict.InvalidJsonException(field + " is required for " + owner.wire());
    }
    if (action != owner && value.isPresent()) {
      throw new Strict.InvalidJsonException(
          field + " is only allowed for " + owner.wire() + ", not for " + action.wire());
    }
  }

  /**
   * Parses a command published straight to the commands topic; {@code now} bounds {@code
   * issued_at}.
   */
  public Inbound parse(PubsubMessage m, Instant now) {
    return parse(m, now, Door.TOPIC, Optional.empty());
  }

  /**
   * Parses a command an endpoint published to the verified-commands topic (only the endpoints'
   * service account may publish there): the attributes name the endpoint and the principal.
   */
  public Inbound parseVerified(PubsubMessage m, Instant now) {
    Trigger bare = Trigger.of("command", m.messageId());
    String doorText = m.attributes().getOrDefault(DOOR_ATTRIBUTE, "");
    Optional<Door> door = Door.endpoint(doorText);
    if (door.isEmpty()) {
      return new Inbound.Rejected(
          "attribute "
              + DOOR_ATTRIBUTE
              + " must be commands or break-glass, got '"
              + Text.printable(doorText)
              + "'",
          bare);
    }
    String principal = m.attributes().getOrDefault(PRINCIPAL_ATTRIBUTE, "");
    try {
      Text.requireText(principal, "attribute " + PRINCIPAL_ATTRIBUTE, 256);
    } catch (IllegalArgumentException e) {
      return new Inbound.Rejected(e.getMessage(), bare);
    }
    return parse(m, now, door.get(), Optional.of(principal));
  }

  /**
   * Parses a command that came in through {@code door}, sent by {@code principal} when an endpoint
   * authenticated one.
   */
  public Inbound parse(PubsubMessage m, Instant now, Door door, Optional<String> principal) {
    Trigger bare =
        principal
            .map(Trigger.of("command", m.messageId())::withPrincipal)
            .orElse(Trigger.of("command", m.messageId()));
    try {
      Strict o = Strict.parse(m.data(), "the command");
      String schema = o.string("schema");
      if (!SCHEMA.equals(schema)) {
        throw new Strict.InvalidJsonException(
            "schema must be \"" + SCHEMA + "\", got '" + Text.printable(schema) + "'");
      }
      CommandEvent.Action action = action(o);
      Region region = region(o);
      String reason = o.string("reason");
      String actor = o.string("requested_by");
      Optional<Duration> ttl = o.optDuration("ttl");
      boolean breakGlass = o.optBool("break_glass").orElse(false);
      Optional<Instant> issued = o.optString("issued_at").map(OperatorCommands::issuedAt);
      Optional<String> target = target(o, action);
      o.noOtherFields();
      // a forget names its incident or build in the trigger, as alerts and builds do
      Trigger trigger =
          new Trigger(
              "command",
              m.messageId(),
              target
                  .filter(t -> action == CommandEvent.Action.FORGET_INCIDENT)
                  .map(Text::printable),
              Optional.empty(),
              target.filter(t -> action == CommandEvent.Action.FORGET_BUILD).map(Text::printable),
              Optional.of(Text.printable(actor)));
      if (principal.isPresent()) {
        trigger = trigger.withPrincipal(principal.get());
      }
      Instant at = issued.or(m::publishTime).orElse(now);
      if (at.isAfter(now.plus(MAX_FUTURE))) {
        throw new Strict.InvalidJsonException(
            "issued_at " + at + " lies more than 5 minutes in the future; check the clock");
      }
      CommandEvent command;
      try {
        command =
            new CommandEvent(
                m.messageId(), region, action, actor, reason, ttl, breakGlass, at, target);
        if (principal.isPresent()) {
          command = command.withPrincipal(principal.get());
        }
      } catch (IllegalArgumentException e) {
        return new Inbound.Rejected(e.getMessage(), trigger);
      }
      if (breakGlass && door != Door.BREAK_GLASS_ENDPOINT) {
        return new Inbound.Rejected(
            "break_glass is accepted only through the break-glass endpoint, which knows who"
                + " calls it (failoverctl "
                + action.wire()
                + " --break-glass, with FAILOVER_BREAK_GLASS_ENDPOINT set); this command came"
                + (door == Door.TOPIC
                    ? " straight to the commands topic"
                    : " to the command endpoint"),
            trigger,
            Optional.of(WRONG_DOOR));
      }
      if (!breakGlass && door == Door.BREAK_GLASS_ENDPOINT) {
        return new Inbound.Rejected(
            "the break-glass endpoint takes only drain and pin-serve with break_glass true;"
                + " send "
                + action.wire()
                + " to the command endpoint",
            trigger,
            Optional.of(WRONG_DOOR));
      }
      return new Inbound.Accepted(command, trigger);
    } catch (IllegalArgumentException e) {
      return new Inbound.Rejected(e.getMessage(), bare);
    }
  }

  /** The message data for a command, as failoverctl publishes it. */
  public static String encode(
      CommandEvent.Action action,
      Region region,
      String reason,
      String requestedBy,
      Optional<Duration> ttl,
      boolean breakGlass,
      Instant issuedAt,
      Optional<String> target) {
    JsonObject o = new JsonObject();
    o.addProperty("schema", SCHEMA);
    o.addProperty("action", action.wire());
    o.addProperty("region", region.name());
    o.addProperty("reason", reason);
    o.addProperty("requested_by", requestedBy);
    ttl.ifPresent(t -> o.addProperty("ttl", t.toString()));
    if (breakGlass) {
      o.addProperty("break_glass", true);
    }
    o.addProperty("issued_at", issuedAt.toString());
    target.ifPresent(t -> o.addProperty(action.targetField().orElseThrow(), t));
    return o.toString();
  }
}

package dev.failover.gcp.intake;

import com.google.gson.JsonObject;
import dev.failover.core.app.InputRefusals;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.audit.AuditRecord.Trigger;
import dev.failover.core.domain.Text;
import dev.failover.gcp.intake.OperatorCommands.Door;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The command endpoint: takes an operator command over HTTP from a caller Cloud Run authenticated,
 * checks it with the parser the commands function runs, and publishes it to the verified-commands
 * topic with the caller's principal, where the commands function picks it up like any command.
 *
 * <p>Answers: {@code 202} with the message id and the principal once Pub/Sub has the command;
 * {@code 400} for a command the parser refuses (the message names the field), {@code 401} when no
 * verified caller can be read ({@link VerifiedCaller}), {@code 403} for a break-glass command at
 * the command endpoint, {@code 405} for anything but POST, {@code 413} for a body over 512 KiB,
 * {@code 503} when Pub/Sub could not take it (nothing was published: send it again). Every refusal
 * is audited ({@code rejected}, with the principal when one was read) and changes nothing; an
 * accepted command is audited by the commands function once it is handled.
 */
public final class CommandEndpoint {

  /** Where the endpoint publishes: the verified-commands topic. */
  @FunctionalInterface
  public interface Outlet {
    /** Publishes one message and returns its id, or throws when it was not published. */
    String publish(String data, Map<String, String> attributes) throws Exception;
  }

  /** The HTTP answer: a status and a JSON body. */
  public record Response(int status, String body) {
    public Response {
      Objects.requireNonNull(body);
    }
  }

  private final Door door;
  private final OperatorCommands commands;
  private final Outlet outlet;
  private final InputRefusals refusals;
  private final Clock clock;

  public CommandEndpoint(
      Door door, OperatorCommands commands, Outlet outlet, InputRefusals refusals, Clock clock) {
    if (door == Door.TOPIC) {
      throw new IllegalArgumentException("an endpoint is the command or the break-glass endpoint");
    }
    this.door = door;
    this.commands = Objects.requireNonNull(commands, "commands");
    this.outlet = Objects.requireNonNull(outlet, "outlet");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Door door() {
    return door;
  }

  /** Handles one request: its method, its headers (names in any case) and its body. */
  public Response handle(String method, Map<String, List<String>> headers, byte[] body) {
    Instant now = clock.instant();
    byte[] b = body == null ? new byte[0] : body;
    String requestId = requestId(b);
    if (!"POST".equals(method)) {
      return refuse(
          405,
          Trigger.of("command", requestId),
          now,
          "the "
              + door.wire()
              + " endpoint takes POST with a failover.command/v1 body, not "
              + Text.printable(String.valueOf(method)));
    }
    String principal;
    try {
      principal = VerifiedCaller.principal(headers == null ? Map.of() : headers);
    } catch (VerifiedCaller.UnverifiedCallerException e) {
      return refuse(401, Trigger.of("command", requestId), now, e.getMessage());
    }
    Trigger bare = Trigger.of("command", requestId).withPrincipal(principal);
    if (b.length > PubsubMessage.MAX_DATA_BYTES) {
      return refuse(
          413,
          bare,
          now,
          "the body is "
              + b.length
              + " bytes; at most "
              + PubsubMessage.MAX_DATA_BYTES
              + " are read");
    }
    String data = new String(b, StandardCharsets.UTF_8);
    if (!java.util.Arrays.equals(data.getBytes(StandardCharsets.UTF_8), b)) {
      return refuse(400, bare, now, "the body is not UTF-8 text");
    }
    Inbound checked =
        commands.parse(
            new PubsubMessage(requestId, Optional.empty(), Map.of(), data),
            now,
            door,
            Optional.of(principal));
    if (checked instanceof Inbound.Rejected r) {
      // break-glass at the command endpoint is forbidden to this caller; the rest is a bad request
      boolean forbidden =
          door == Door.ENDPOINT && r.rule().equals(Optional.of(OperatorCommands.WRONG_DOOR));
      return refuse(forbidden ? 403 : 400, r.trigger(), now, r.reason(), r.rule());
    }
    if (checked instanceof Inbound.Ignored i) {
      return refuse(400, i.trigger(), now, i.reason());
    }
    String messageId;
    try {
      messageId =
          outlet.publish(
              data,
              Map.of(
                  OperatorCommands.PRINCIPAL_ATTRIBUTE,
                  principal,
                  OperatorCommands.DOOR_ATTRIBUTE,
                  door.wire()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return answer(
          503, "interrupted before Pub/Sub took the command; nothing was published", null);
    } catch (Exception e) {
      return answer(
          503,
          "Pub/Sub did not take the command ("
              + Text.printable(String.valueOf(e.getMessage()))
              + "); nothing was published: send it again",
          null);
    }
    JsonObject o = new JsonObject();
    o.addProperty("message_id", messageId);
    o.addProperty("principal", principal);
    o.addProperty("verified", true);
    o.addProperty("endpoint", door.wire());
    return new Response(202, o.toString());
  }

  private Response refuse(int status, Trigger trigger, Instant now, String reason) {
    return refuse(status, trigger, now, reason, Optional.empty());
  }

  private Response refuse(
      int status, Trigger trigger, Instant now, String reason, Optional<String> rule) {
    refusals.record(Kind.REJECTED, trigger, now, now, reason, rule);
    return answer(status, reason, trigger.principal().orElse(null));
  }

  private static Response answer(int status, String error, String principal) {
    JsonObject o = new JsonObject();
    o.addProperty("error", error);
    if (principal != null) {
      o.addProperty("principal", principal);
    }
    return new Response(status, o.toString());
  }

  /**
   * The id a request is known by before Pub/Sub gives it one: a digest of its body, so the same
   * request sent twice is audited under the same record id.
   */
  static String requestId(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "endpoint-" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}

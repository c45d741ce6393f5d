package dev.failover.gcp.intake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.failover.core.domain.Text;
import dev.failover.gcp.json.Strict;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Pub/Sub message as a push subscription delivers it (the wrapped push request body, which
 * carries both casings: {@code messageId} and {@code message_id}, {@code publishTime} and {@code
 * publish_time}, and {@code deliveryAttempt} where the subscription has a dead-letter policy), or
 * as Eventarc put it in a CloudEvent's data ({@code MessagePublishedData}, the same shape): {@code
 * {"message": {"data": base64, "attributes": {...}, "messageId": ..., "publishTime": ...},
 * "subscription": ...}}. Unknown fields are ignored.
 *
 * @param messageId the Pub/Sub message id: the delivery's identity for deduplication
 * @param publishTime when Pub/Sub accepted the message, if given
 * @param attributes the message attributes
 * @param data the decoded data, as UTF-8 text
 */
public record PubsubMessage(
    String messageId, Optional<Instant> publishTime, Map<String, String> attributes, String data) {

  /** Larger envelopes are refused before they are parsed. */
  public static final int MAX_ENVELOPE_BYTES = 1 << 20;

  /** Larger decoded data is refused: no legitimate alert, build or command comes near it. */
  public static final int MAX_DATA_BYTES = 512 * 1024;

  public PubsubMessage {
    Objects.requireNonNull(messageId);
    Objects.requireNonNull(publishTime);
    attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
    Objects.requireNonNull(data);
  }

  /** Thrown for an envelope that cannot be a Pub/Sub message; the message says why. */
  public static final class MalformedMessageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
      super(message);
    }
  }

  /** Reads a push request's body (or the data of an Eventarc {@code messagePublished} event). */
  public static PubsubMessage fromEnvelope(byte[] body, String fallbackId) {
    if (body == null || body.length == 0) {
      throw new MalformedMessageException("the event has no data");
    }
    if (body.length > MAX_ENVELOPE_BYTES) {
      throw new MalformedMessageException(
          "the event data is "
              + body.length
              + " bytes; at most "
              + MAX_ENVELOPE_BYTES
              + " are read");
    }
    String text = utf8(body, "the event data");
    Strict envelope;
    try {
      envelope = Strict.parse(text, "the event data");
    } catch (Strict.InvalidJsonException e) {
      throw new MalformedMessageException(e.getMessage());
    }
    JsonObject root = envelope.raw();
    JsonElement m = root.get("message");
    if (m == null || !m.isJsonObject()) {
      throw new MalformedMessageException("the event data has no message object");
    }
    JsonObject msg = m.getAsJsonObject();
    String id = firstString(msg, "messageId", "message_id").orElse(fallbackId);
    if (id == null || id.isBlank()) {
      throw new MalformedMessageException("the message has no messageId");
    }
    Optional<Instant> publishTime =
        firstString(msg, "publishTime", "publish_time")
            .map(
                t -> {
                  try {
                    return Instant.parse(t);
                  } catch (DateTimeParseException e) {
                    throw new MalformedMessageException(
                        "message.publishTime is not an RFC 3339 time: '" + Text.printable(t) + "'");
                  }
                });
    Map<String, String> attributes = attributes(msg.get("attributes"));
    String data = data(msg.get("data"));
    return new PubsubMessage(id, publishTime, attributes, data);
  }

  /** {@code message.attributes}: an object of strings, or absent. */
  private static Map<String, String> attributes(JsonElement a) {
    Map<String, String> attributes = new TreeMap<>();
    if (a == null || a.isJsonNull()) {
      return attributes;
    }
    if (!a.isJsonObject()) {
      throw new MalformedMessageException("message.attributes must be an object");
    }
    for (Map.Entry<String, JsonElement> e : a.getAsJsonObject().entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new MalformedMessageException(
            "message.attributes." + Text.printable(e.getKey()) + " must be a string");
      }
      attributes.put(e.getKey(), v.getAsString());
    }
    return attributes;
  }

  /** {@code message.data}: base64 of at most {@link #MAX_DATA_BYTES} UTF-8 bytes, or absent. */
  private static String data(JsonElement d) {
    if (d == null || d.isJsonNull()) {
      return "";
    }
    if (!d.isJsonPrimitive() || !d.getAsJsonPrimitive().isString()) {
      throw new MalformedMessageException("message.data must be a base64 string");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(d.getAsString());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("message.data is not valid base64: " + e.getMessage());
    }
    if (bytes.length > MAX_DATA_BYTES) {
      throw new MalformedMessageException(
          "message.data is " + bytes.length + " bytes; at most " + MAX_DATA_BYTES + " are read");
    }
    return utf8(bytes, "message.data");
  }

  private static Optional<String> firstString(JsonObject o, String... names) {
    for (String n : names) {
      JsonElement e = o.get(n);
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        return Optional.of(e.getAsString());
      }
      if (e != null && !e.isJsonNull()) {
        throw new MalformedMessageException("message." + n + " must be a string");
      }
    }
    return Optional.empty();
  }

  private static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException(what + " is not UTF-8 text");
    }
  }

  /** Encodes a message as a push request's body, for tests and the simulator. */
  public static String envelope(
      String messageId,
      Instant publishTime,
      Map<String, String> attributes,
      String data,
      String subscription) {
    JsonObject msg = new JsonObject();
    msg.addProperty(
        "data", Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
    JsonObject attrs = new JsonObject();
    attributes.forEach(attrs::addProperty);
    if (!attributes.isEmpty()) {
      msg.add("attributes", attrs);
    }
    msg.addProperty("messageId", messageId);
    msg.addProperty("publishTime", publishTime.toString());
    JsonObject root = new JsonObject();
    root.add("message", msg);
    root.addProperty("subscription", subscription);
    return root.toString();
  }
}

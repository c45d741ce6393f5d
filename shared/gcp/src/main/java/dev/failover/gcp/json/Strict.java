package dev.failover.gcp.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import dev.failover.core.domain.Text;
import java.io.StringReader;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A strict view of a JSON object: fields are read by name with their expected type, unknown fields
 * are refused, and every error names the field by its path (e.g. {@code
 * topology.regions[1].base_weight}).
 */
public final class Strict {
  /** Deeper nesting than this is refused before gson recurses into it. */
  public static final int MAX_DEPTH = 32;

  private final JsonObject object;
  private final String path;
  private final Set<String> read = new TreeSet<>();

  private Strict(JsonObject object, String path) {
    this.object = object;
    this.path = path;
  }

  /** Thrown for input that does not match the expected shape; the message names the field. */
  public static final class InvalidJsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidJsonException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code text} as one JSON object, strictly: no comments or unquoted names, no duplicate
   * keys (a smuggling vector: parsers disagree on which one wins), at most {@link #MAX_DEPTH}
   * levels.
   */
  public static Strict parse(String text, String what) {
    JsonElement e;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(com.google.gson.Strictness.STRICT);
      e = read(reader, 0, what);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new InvalidJsonException(what + " has text after the JSON value");
      }
    } catch (MalformedJsonException
        | java.io.EOFException
        | IllegalStateException
        | NumberFormatException ex) {
      throw new InvalidJsonException(what + " is not valid JSON" + position(ex.getMessage()));
    } catch (java.io.IOException ex) {
      throw new InvalidJsonException(what + " could not be read: " + ex.getMessage());
    }
    if (!e.isJsonObject()) {
      throw new InvalidJsonException(what + " must be a JSON object");
    }
    return new Strict(e.getAsJsonObject(), "");
  }

  private static final java.util.regex.Pattern POSITION =
      java.util.regex.Pattern.compile("line (\\d+) column (\\d+)");

  private static String position(String gsonMessage) {
    if (gsonMessage == null) {
      return "";
    }
    java.util.regex.Matcher m = POSITION.matcher(gsonMessage);
    return m.find() ? " (line " + m.group(1) + ", column " + m.group(2) + ")" : "";
  }

  private static JsonElement read(JsonReader in, int depth, String what)
      throws java.io.IOException {
    JsonToken t = in.peek();
    switch (t) {
      case BEGIN_OBJECT -> {
        if (depth >= MAX_DEPTH) {
          throw new InvalidJsonException(what + " nests deeper than " + MAX_DEPTH + " levels");
        }
        JsonObject o = new JsonObject();
        in.beginObject();
        while (in.hasNext()) {
          String name = in.nextName();
          if (o.has(name)) {
            throw new InvalidJsonException(
                what + " is not valid JSON: duplicate key '" + Text.printable(name) + "'");
          }
          o.add(name, read(in, depth + 1, what));
        }
        in.endObject();
        return o;
      }
      case BEGIN_ARRAY -> {
        if (depth >= MAX_DEPTH) {
          throw new InvalidJsonException(what + " nests deeper than " + MAX_DEPTH + " levels");
        }
        JsonArray a = new JsonArray();
        in.beginArray();
        while (in.hasNext()) {
          a.add(read(in, depth + 1, what));
        }
        in.endArray();
        return a;
      }
      case STRING -> {
        return new JsonPrimitive(in.nextString());
      }
      case NUMBER -> {
        return new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber(in.nextString()));
      }
      case BOOLEAN -> {
        return new JsonPrimitive(in.nextBoolean());
      }
      case NULL -> {
        in.nextNull();
        return JsonNull.INSTANCE;
      }
      default -> throw new MalformedJsonException("unexpected " + t + " at " + in.getPath());
    }
  }

  public static Strict of(JsonObject object, String path) {
    return new Strict(object, path);
  }

  public JsonObject raw() {
    return object;
  }

  public String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  public boolean has(String field) {
    JsonElement e = object.get(field);
    return e != null && !e.isJsonNull();
  }

  private JsonElement get(String field) {
    read.add(field);
    return object.get(field);
  }

  private InvalidJsonException wrong(String field, String expected, JsonElement got) {
    return new InvalidJsonException(
        path(field) + " must be " + expected + ", got " + Text.printable(String.valueOf(got)));
  }

  public Optional<String> optString(String field) {
    JsonElement e = get(field);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw wrong(field, "a string", e);
    }
    return Optional.of(e.getAsString());
  }

  public String string(String field) {
    return optString(field).orElseThrow(() -> missing(field));
  }

  public InvalidJsonException missing(String field) {
    return new InvalidJsonException(path(field) + " is required");
  }

  public Optional<Boolean> optBool(String field) {
    JsonElement e = get(field);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw wrong(field, "true or false", e);
    }
    return Optional.of(e.getAsBoolean());
  }

  public Optional<Double> optNumber(String field) {
    JsonElement e = get(field);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw wrong(field, "a number", e);
    }
    double d = e.getAsDouble();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw wrong(field, "a finite number", e);
    }
    return Optional.of(d);
  }

  public double number(String field) {
    return optNumber(field).orElseThrow(() -> missing(field));
  }

  public Optional<Long> optLong(String field) {
    JsonElement e = get(field);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    JsonPrimitive p = e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
    if (p == null || !(p.isNumber() || p.isString())) {
      throw wrong(field, "an integer", e);
    }
    try {
      return Optional.of(new java.math.BigDecimal(p.getAsString()).longValueExact());
    } catch (NumberFormatException | ArithmeticException ex) {
      throw wrong(field, "an integer", e);
    }
  }

  /**
   * An integer written as a JSON number, never as a string: for our own formats (topology, policy),
   * where {@code "100"} is a typo, not proto3's way of writing an int64.
   */
  public Optional<Long> optWholeNumber(String field) {
    JsonElement e = get(field);
    if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      throw wrong(field, "an integer", e);
    }
    return optLong(field);
  }

  public int integer(String field) {
    long v = optLong(field).orElseThrow(() -> missing(field));
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InvalidJsonException(path(field) + " is out of range: " + v);
    }
    return (int) v;
  }

  public Optional<Duration> optDuration(String field) {
    Optional<String> s = optString(field);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.parse(s.get()));
    } catch (DateTimeParseException ex) {
      throw new InvalidJsonException(
          path(field)
              + " must be an ISO-8601 duration such as PT30M or PT2H, got '"
              + Text.printable(s.get())
              + "'");
    }
  }

  public Duration duration(String field) {
    return optDuration(field).orElseThrow(() -> missing(field));
  }

  public Optional<Strict> optObject(String field) {
    JsonElement e = get(field);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (!e.isJsonObject()) {
      throw wrong(field, "an object", e);
    }
    return Optional.of(new Strict(e.getAsJsonObject(), path(field)));
  }

  public Strict object(String field) {
    return optObject(field).orElseThrow(() -> missing(field));
  }

  public List<JsonElement> array(String field) {
    JsonElement e = get(field);
    if (e == null || e.isJsonNull()) {
      return List.of();
    }
    if (!e.isJsonArray()) {
      throw wrong(field, "an array", e);
    }
    List<JsonElement> out = new ArrayList<>();
    ((JsonArray) e).forEach(out::add);
    return out;
  }

  public List<Strict> objects(String field) {
    List<Strict> out = new ArrayList<>();
    List<JsonElement> items = array(field);
    for (int i = 0; i < items.size(); i++) {
      JsonElement item = items.get(i);
      if (!item.isJsonObject()) {
        throw new InvalidJsonException(path(field) + "[" + i + "] must be an object");
      }
      out.add(new Strict(item.getAsJsonObject(), path(field) + "[" + i + "]"));
    }
    return out;
  }

  /** Refuses fields that were never read. Call after reading every known field. */
  public void noOtherFields() {
    for (String key : object.keySet()) {
      if (!read.contains(key)) {
        throw new InvalidJsonException(
            "unknown field "
                + Text.printable(path(key))
                + " (known: "
                + String.join(", ", read)
                + ")");
      }
    }
  }

  /** Wraps a domain validation error so that it names the field. */
  public <T> T field(String field, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidJsonException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidJsonException(path(field) + ": " + e.getMessage());
    }
  }
}

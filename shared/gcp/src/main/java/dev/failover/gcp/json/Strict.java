package dev.failover.gcp.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
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

  /** Parses {@code text} as one JSON object. */
  public static Strict parse(String text, String what) {
    checkDepth(text, what);
    JsonElement e;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(com.google.gson.Strictness.STRICT);
      e = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new InvalidJsonException(what + " has text after the JSON value");
      }
    } catch (JsonParseException | java.io.IOException | IllegalStateException ex) {
      throw new InvalidJsonException(
          what + " is not valid JSON: " + Text.printable(ex.getMessage()));
    }
    if (!e.isJsonObject()) {
      throw new InvalidJsonException(what + " must be a JSON object");
    }
    return new Strict(e.getAsJsonObject(), "");
  }

  private static void checkDepth(String text, String what) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          throw new InvalidJsonException(what + " nests deeper than " + MAX_DEPTH + " levels");
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
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

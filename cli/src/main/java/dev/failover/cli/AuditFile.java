package dev.failover.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Reads audit NDJSON (as written by the file sink or exported from BigQuery). */
final class AuditFile {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSS]");

  private AuditFile() {}

  static List<JsonObject> read(BufferedReader in) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonElement e = JsonParser.parseString(line);
        if (!e.isJsonObject()
            || !e.getAsJsonObject().has("ts")
            || !e.getAsJsonObject().has("kind")) {
          throw new IllegalArgumentException(
              "line " + n + " is not an audit record (no ts or kind)");
        }
        out.add(e.getAsJsonObject());
      } catch (com.google.gson.JsonParseException ex) {
        throw new IllegalArgumentException("line " + n + " is not JSON: " + ex.getMessage());
      }
    }
    return out;
  }

  /** The record's time: BigQuery TIMESTAMP text or RFC 3339. */
  static Instant ts(JsonObject r) {
    String s = r.get("ts").getAsString();
    if (s.endsWith(" UTC")) {
      return LocalDateTime.parse(s.substring(0, s.length() - 4), TS).toInstant(ZoneOffset.UTC);
    }
    return Instant.parse(s);
  }

  static String str(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }

  /**
   * Who sent the command behind a record: the principal the command endpoint verified, or the
   * {@code requested_by} claim marked unverified; empty for records no command caused.
   */
  static String sender(JsonObject r) {
    JsonObject t = obj(r, "trigger");
    if (!"command".equals(str(t, "type"))) {
      return "";
    }
    String principal = str(t, "principal");
    if (!principal.isEmpty()) {
      return principal;
    }
    String actor = str(t, "actor");
    return actor.isEmpty() ? "(unverified)" : actor + " (unverified)";
  }

  static JsonObject obj(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
  }

  static List<JsonObject> regions(JsonObject r) {
    List<JsonObject> out = new ArrayList<>();
    JsonElement e = r.get("regions");
    if (e != null && e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> out.add(x.getAsJsonObject()));
    }
    return out;
  }
}

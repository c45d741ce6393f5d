package dev.failover.core.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a JSON line against a BigQuery table schema as {@code bq load
 * --source_format=NEWLINE_DELIMITED_JSON} would: every field known (no unknown fields), REQUIRED
 * fields present and not null, REPEATED fields arrays without nulls, values of the declared type
 * (STRING, INTEGER, FLOAT, BOOLEAN, TIMESTAMP, RECORD), and field names that survive the Cloud
 * Logging → BigQuery sink unchanged (lowercase letters, digits, underscores).
 */
public final class AuditSchema {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?( UTC|Z|[+-]\\d{2}:\\d{2})");
  private static final Set<String> TYPES =
      Set.of("STRING", "INTEGER", "FLOAT", "BOOLEAN", "TIMESTAMP", "RECORD");
  private static final Set<String> MODES = Set.of("NULLABLE", "REQUIRED", "REPEATED");

  private final JsonArray fields;

  private AuditSchema(JsonArray fields) {
    this.fields = fields;
    List<String> problems = new ArrayList<>();
    checkSchema(fields, "", problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the schema itself is invalid: " + problems);
    }
  }

  /** The shipped schema, found from the working directory upwards ({@code schema/...}). */
  public static AuditSchema shipped() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path p = dir.resolve("schema/audit_record.bigquery.json");
      if (Files.isRegularFile(p)) {
        return load(p);
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "schema/audit_record.bigquery.json not found above " + Path.of("").toAbsolutePath());
  }

  public static AuditSchema load(Path file) {
    try {
      return new AuditSchema(
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static void checkSchema(JsonArray fields, String path, List<String> problems) {
    Set<String> seen = new HashSet<>();
    for (JsonElement e : fields) {
      JsonObject f = e.getAsJsonObject();
      String name = f.get("name").getAsString();
      String p = path + name;
      if (!NAME.matcher(name).matches()) {
        problems.add(p + ": not lowercase letters, digits and underscores");
      }
      if (!seen.add(name)) {
        problems.add(p + ": twice");
      }
      if (!TYPES.contains(f.get("type").getAsString())) {
        problems.add(p + ": unknown type " + f.get("type"));
      }
      if (!MODES.contains(f.get("mode").getAsString())) {
        problems.add(p + ": unknown mode " + f.get("mode"));
      }
      if (f.get("type").getAsString().equals("RECORD")) {
        checkSchema(f.getAsJsonArray("fields"), p + ".", problems);
      }
    }
  }

  /** The problems of one NDJSON line; empty when it loads. */
  public List<String> violations(String line) {
    List<String> problems = new ArrayList<>();
    if (line.contains("\n") || line.contains("\r")) {
      problems.add("the line holds a raw line break");
    }
    JsonElement e;
    try {
      e = JsonParser.parseString(line);
    } catch (RuntimeException ex) {
      problems.add("not JSON: " + ex.getMessage());
      return problems;
    }
    if (!e.isJsonObject()) {
      problems.add("not a JSON object");
      return problems;
    }
    check(e.getAsJsonObject(), fields, "", problems);
    return problems;
  }

  private static void check(JsonObject o, JsonArray schema, String path, List<String> problems) {
    Set<String> known = new HashSet<>();
    for (JsonElement fe : schema) {
      JsonObject f = fe.getAsJsonObject();
      String name = f.get("name").getAsString();
      known.add(name);
      String mode = f.get("mode").getAsString();
      JsonElement v = o.get(name);
      String p = path + name;
      if (v == null || v.isJsonNull()) {
        if (mode.equals("REQUIRED")) {
          problems.add(p + ": REQUIRED but missing");
        }
        continue;
      }
      if (mode.equals("REPEATED")) {
        if (!v.isJsonArray()) {
          problems.add(p + ": REPEATED but not an array");
          continue;
        }
        JsonArray a = v.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
          if (a.get(i).isJsonNull()) {
            problems.add(p + "[" + i + "]: null inside a REPEATED field");
          } else {
            value(a.get(i), f, p + "[" + i + "]", problems);
          }
        }
      } else {
        value(v, f, p, problems);
      }
    }
    for (String key : o.keySet()) {
      if (!known.contains(key)) {
        problems.add(path + key + ": not in the schema");
      }
    }
  }

  private static void value(JsonElement v, JsonObject f, String p, List<String> problems) {
    String type = f.get("type").getAsString();
    switch (type) {
      case "RECORD" -> {
        if (!v.isJsonObject()) {
          problems.add(p + ": RECORD but not an object");
        } else {
          check(v.getAsJsonObject(), f.getAsJsonArray("fields"), p + ".", problems);
        }
      }
      case "STRING" -> {
        if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isString())) {
          problems.add(p + ": STRING but " + v);
        }
      }
      case "BOOLEAN" -> {
        if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean())) {
          problems.add(p + ": BOOLEAN but " + v);
        }
      }
      case "INTEGER" -> {
        if (!integral(v)) {
          problems.add(p + ": INTEGER but " + v);
        }
      }
      case "FLOAT" -> {
        if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber())) {
          problems.add(p + ": FLOAT but " + v);
        }
      }
      case "TIMESTAMP" -> {
        if (!(v.isJsonPrimitive()
            && v.getAsJsonPrimitive().isString()
            && TIMESTAMP.matcher(v.getAsString()).matches())) {
          problems.add(p + ": TIMESTAMP but " + v);
        }
      }
      default -> problems.add(p + ": unknown type " + type);
    }
  }

  private static boolean integral(JsonElement v) {
    if (!v.isJsonPrimitive()) {
      return false;
    }
    JsonPrimitive p = v.getAsJsonPrimitive();
    if (!(p.isNumber() || p.isString())) {
      return false;
    }
    try {
      BigDecimal d = new BigDecimal(p.getAsString());
      d.longValueExact();
      return true;
    } catch (NumberFormatException | ArithmeticException e) {
      return false;
    }
  }
}

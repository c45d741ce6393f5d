package dev.failover.gcp.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.failover.core.audit.AuditRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Encodes audit records as one JSON object each, with the field names of the BigQuery schema
 * (lowercase snake_case, so they survive the Cloud Logging → BigQuery sink unchanged). Absent
 * optional values are left out rather than written as null.
 */
public final class AuditJson {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** BigQuery TIMESTAMP text: {@code 2026-11-01 12:00:00.000000 UTC}. */
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);

  private AuditJson() {}

  public static String timestamp(Instant t) {
    return TS.format(t);
  }

  public static JsonObject toJson(AuditRecord r) {
    JsonObject o = new JsonObject();
    o.addProperty("schema_version", AuditRecord.SCHEMA_VERSION);
    o.addProperty("record_id", r.recordId());
    o.addProperty("ts", timestamp(r.ts()));
    o.addProperty("kind", r.kind().wire());

    JsonObject trigger = new JsonObject();
    trigger.addProperty("type", r.trigger().type());
    trigger.addProperty("event_id", r.trigger().eventId());
    put(trigger, "incident_id", r.trigger().incidentId());
    put(trigger, "policy", r.trigger().policy());
    put(trigger, "build_id", r.trigger().buildId());
    put(trigger, "actor", r.trigger().actor());
    o.add("trigger", trigger);

    JsonObject lb = new JsonObject();
    lb.addProperty("project", r.loadBalancer().project());
    lb.addProperty("mode", r.loadBalancer().mode());
    lb.addProperty("resource", r.loadBalancer().resource());
    put(lb, "fingerprint_before", r.loadBalancer().fingerprintBefore());
    put(lb, "fingerprint_after", r.loadBalancer().fingerprintAfter());
    o.add("load_balancer", lb);

    JsonArray regions = new JsonArray();
    for (AuditRecord.RegionChange c : r.regions()) {
      JsonObject rc = new JsonObject();
      rc.addProperty("region", c.region());
      rc.addProperty("before", c.before());
      rc.addProperty("after", c.after());
      rc.addProperty("level", c.level());
      rc.addProperty("action", c.action());
      rc.addProperty("reason", c.reason());
      put(rc, "rule", c.rule());
      regions.add(rc);
    }
    o.add("regions", regions);
    put(o, "rule", r.rule());
    o.addProperty("dry_run", r.dryRun());
    o.addProperty("outcome", r.outcome().wire());
    put(o, "error", r.error());
    o.addProperty("latency_ms", r.latencyMs());
    o.addProperty("controller_version", r.controllerVersion());
    o.addProperty("message", r.message());
    return o;
  }

  /** One NDJSON line (no trailing newline). */
  public static String line(AuditRecord r) {
    return GSON.toJson(toJson(r));
  }

  private static void put(JsonObject o, String name, Optional<String> value) {
    value.ifPresent(v -> o.addProperty(name, v));
  }
}

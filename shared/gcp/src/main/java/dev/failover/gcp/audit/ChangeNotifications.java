package dev.failover.gcp.audit;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.audit.AuditRecord.Kind;
import dev.failover.core.port.AuditSink;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Change notifications: writes every audit record to the audit sink, then publishes the ones people
 * act on — applied changes, holds, pages, drift, drill steps and verifications — as compact JSON,
 * schema {@value #SCHEMA} (documented in {@code schema/event.v1.md}). Each message carries the
 * attributes {@code kind} and {@code region} (the first region the record concerns, {@code *} when
 * it concerns none in particular) for subscription filters, and {@code schema}.
 *
 * <p>A publishing failure is reported to {@code warn} and swallowed: it never blocks or undoes a
 * change, and the audit record, written first, is the durable account.
 */
public final class ChangeNotifications implements AuditSink {
  public static final String SCHEMA = "failover.event/v1";

  /** Where notifications go. */
  @FunctionalInterface
  public interface Publisher {
    void publish(String data, Map<String, String> attributes) throws Exception;
  }

  private final AuditSink audit;
  private final Publisher publisher;
  private final Consumer<String> warn;

  public ChangeNotifications(AuditSink audit, Publisher publisher, Consumer<String> warn) {
    this.audit = audit;
    this.publisher = publisher;
    this.warn = warn;
  }

  @Override
  public void write(AuditRecord record) {
    audit.write(record);
    if (!notifies(record)) {
      return;
    }
    try {
      publisher.publish(encode(record), attributes(record));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      warn.accept(
          "change notification for "
              + record.kind().wire()
              + " record "
              + record.recordId()
              + " not published: "
              + e);
    }
  }

  /** Applied changes, holds, pages, drift, drill steps and verifications. */
  public static boolean notifies(AuditRecord r) {
    return switch (r.kind()) {
      case CHANGE -> r.outcome() == AuditRecord.Outcome.APPLIED;
      case HOLD, PAGE, DRIFT, DRILL, VERIFIED -> true;
      default -> false;
    };
  }

  public static Map<String, String> attributes(AuditRecord r) {
    Map<String, String> a = new TreeMap<>();
    a.put("schema", SCHEMA);
    a.put("kind", r.kind().wire());
    a.put(
        "region",
        r.regions().stream()
            .filter(c -> changed(c) || r.kind() != Kind.CHANGE)
            .map(AuditRecord.RegionChange::region)
            .findFirst()
            .orElse("*"));
    return a;
  }

  private static boolean changed(AuditRecord.RegionChange c) {
    return !c.before().equals(c.after());
  }

  /** The message data: compact JSON, schema {@value #SCHEMA}. */
  public static String encode(AuditRecord r) {
    JsonObject o = new JsonObject();
    o.addProperty("schema", SCHEMA);
    o.addProperty("record_id", r.recordId());
    o.addProperty("ts", DateTimeFormatter.ISO_INSTANT.format(r.ts()));
    o.addProperty("kind", r.kind().wire());
    o.addProperty("outcome", r.outcome().wire());
    o.addProperty("project", r.loadBalancer().project());
    o.addProperty("resource", r.loadBalancer().resource());
    r.rule().ifPresent(v -> o.addProperty("rule", v));
    o.addProperty("trigger_type", r.trigger().type());
    o.addProperty("event_id", r.trigger().eventId());
    r.trigger().actor().ifPresent(v -> o.addProperty("actor", v));
    r.trigger().principal().ifPresent(v -> o.addProperty("principal", v));
    if (r.trigger().isCommand()) {
      o.addProperty("verified", r.trigger().principal().isPresent());
    }
    r.trigger().incidentId().ifPresent(v -> o.addProperty("incident_id", v));
    JsonArray regions = new JsonArray();
    for (AuditRecord.RegionChange c : r.regions()) {
      if (r.kind() == Kind.CHANGE && !changed(c)) {
        continue; // a change names the regions it moved
      }
      JsonObject j = new JsonObject();
      j.addProperty("region", c.region());
      j.addProperty("before", c.before());
      j.addProperty("after", c.after());
      j.addProperty("action", c.action());
      regions.add(j);
    }
    o.add("regions", regions);
    r.propagationSeconds().ifPresent(s -> o.addProperty("propagation_seconds", s));
    if (!r.traffic().isEmpty()) {
      JsonArray traffic = new JsonArray();
      for (AuditRecord.Traffic t : r.traffic()) {
        JsonObject j = new JsonObject();
        j.addProperty("region", t.region());
        j.addProperty("rps", t.rps());
        traffic.add(j);
      }
      o.add("traffic", traffic);
    }
    o.addProperty("summary", r.message());
    return o.toString();
  }

  /**
   * Appends notifications to a file, one JSON object per line: {@code {"attributes":{...},
   * "data":{...}}} (the embedded default and local drills).
   */
  public static Publisher toFile(java.nio.file.Path file) {
    return (data, attributes) -> {
      JsonObject line = new JsonObject();
      JsonObject a = new JsonObject();
      attributes.forEach(a::addProperty);
      line.add("attributes", a);
      line.add("data", com.google.gson.JsonParser.parseString(data));
      synchronized (ChangeNotifications.class) {
        java.nio.file.Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
          java.nio.file.Files.createDirectories(parent);
        }
        java.nio.file.Files.writeString(
            file,
            line + "\n",
            java.nio.charset.StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
    };
  }
}

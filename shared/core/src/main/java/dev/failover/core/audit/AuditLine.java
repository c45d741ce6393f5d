package dev.failover.core.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes an audit record as one line of JSON with the field names of the BigQuery schema ({@code
 * schema/audit_record.bigquery.json}): lowercase snake_case, so they survive the Cloud Logging →
 * BigQuery sink unchanged. Absent values are left out, never written as null. Every control
 * character (and U+2028/U+2029) is escaped, so operator text can never break a line; text longer
 * than its limit is cut and marked ({@value #TRUNCATED}). No JSON library: the core stays free of
 * them, and every module encodes exactly as production does.
 */
public final class AuditLine {
  /** The marker appended to text that was cut. */
  public static final String TRUNCATED = "…[truncated]";

  /** The longest text kept in a field. */
  public static final int MAX_TEXT = 2000;

  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);

  private AuditLine() {}

  /** BigQuery TIMESTAMP text: {@code 2026-11-01 12:00:00.000000 UTC}. */
  public static String timestamp(Instant t) {
    return TS.format(t);
  }

  /** The record as one JSON object (no newline). */
  public static String encode(AuditRecord r) {
    return encode(r, Map.of());
  }

  /**
   * The record as one JSON object, with {@code extra} fields (already encoded JSON values) added at
   * the top level, for the Cloud Logging line's {@code severity} and labels.
   */
  public static String encode(AuditRecord r, Map<String, String> extra) {
    Obj o = new Obj();
    o.number("schema_version", AuditRecord.SCHEMA_VERSION);
    o.string("record_id", r.recordId());
    o.string("ts", timestamp(r.ts()));
    o.string("kind", r.kind().wire());

    Obj trigger = new Obj();
    trigger.string("type", r.trigger().type());
    trigger.string("event_id", r.trigger().eventId());
    trigger.opt("incident_id", r.trigger().incidentId());
    trigger.opt("policy", r.trigger().policy());
    trigger.opt("build_id", r.trigger().buildId());
    trigger.opt("actor", r.trigger().actor());
    trigger.opt("incident_started_at", r.trigger().incidentStartedAt().map(AuditLine::timestamp));
    trigger.opt("principal", r.trigger().principal());
    if (r.trigger().isCommand()) {
      trigger.raw("verified", Boolean.toString(r.trigger().principal().isPresent()));
    }
    o.raw("trigger", trigger.close());

    Obj lb = new Obj();
    lb.string("project", r.loadBalancer().project());
    lb.string("mode", r.loadBalancer().mode());
    lb.string("resource", r.loadBalancer().resource());
    lb.opt("fingerprint_before", r.loadBalancer().fingerprintBefore());
    lb.opt("fingerprint_after", r.loadBalancer().fingerprintAfter());
    lb.opt("operation", r.loadBalancer().operation());
    o.raw("load_balancer", lb.close());

    StringBuilder regions = new StringBuilder("[");
    for (AuditRecord.RegionChange c : r.regions()) {
      Obj rc = new Obj();
      rc.string("region", c.region());
      rc.string("before", c.before());
      rc.string("after", c.after());
      rc.number("level", c.level());
      rc.string("action", c.action());
      rc.string("reason", c.reason());
      rc.opt("rule", c.rule());
      regions.append(regions.length() == 1 ? "" : ",").append(rc.close());
    }
    o.raw("regions", regions.append(']').toString());
    o.opt("rule", r.rule());
    o.raw("dry_run", Boolean.toString(r.dryRun()));
    o.string("outcome", r.outcome().wire());
    o.opt("error", r.error());
    o.number("latency_ms", r.latencyMs());
    o.string("controller_version", r.controllerVersion());
    o.string("message", r.message());
    r.propagationSeconds().ifPresent(s -> o.number("propagation_seconds", s));
    if (!r.traffic().isEmpty()) {
      StringBuilder traffic = new StringBuilder("[");
      for (AuditRecord.Traffic t : r.traffic()) {
        Obj to = new Obj();
        to.string("region", t.region());
        to.raw("rps", rps(t.rps()));
        traffic.append(traffic.length() == 1 ? "" : ",").append(to.close());
      }
      o.raw("traffic", traffic.append(']').toString());
    }
    extra.forEach(o::raw);
    return o.close();
  }

  /** A request rate as a JSON number, to the thousandth. */
  static String rps(double v) {
    return java.math.BigDecimal.valueOf(v)
        .setScale(3, java.math.RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** A JSON string literal of {@code s}, cut to {@link #MAX_TEXT} characters with a marker. */
  public static String quote(String s) {
    String text = s;
    if (text.length() > MAX_TEXT) {
      int end = MAX_TEXT;
      if (Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      text = text.substring(0, end) + TRUNCATED;
    }
    StringBuilder b = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20
              || c == 0x7f
              || c == 0x2028
              || c == 0x2029
              || Character.isSurrogate(c) && !validSurrogate(text, i)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** A JSON object under construction. */
  private static final class Obj {
    private final StringBuilder b = new StringBuilder("{");

    private void name(String n) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append('"').append(n).append("\":");
    }

    void string(String n, String v) {
      name(n);
      b.append(quote(v));
    }

    void opt(String n, Optional<String> v) {
      v.ifPresent(x -> string(n, x));
    }

    void number(String n, long v) {
      name(n);
      b.append(v);
    }

    void raw(String n, String json) {
      name(n);
      b.append(json);
    }

    String close() {
      return b.append('}').toString();
    }
  }
}

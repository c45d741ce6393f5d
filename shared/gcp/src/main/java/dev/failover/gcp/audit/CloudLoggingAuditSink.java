package dev.failover.gcp.audit;

import com.google.gson.JsonObject;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import dev.failover.gcp.json.AuditJson;
import java.io.PrintStream;

/**
 * Writes each record as one structured Cloud Logging line on stdout: the record's fields at the top
 * level of {@code jsonPayload} (so a log sink routes them to BigQuery with their names), plus
 * {@code severity} and {@code logging.googleapis.com/labels}. {@code message} is the record's
 * summary, which Cloud Logging shows as the entry's text.
 */
public final class CloudLoggingAuditSink implements AuditSink {
  private final PrintStream out;

  public CloudLoggingAuditSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void write(AuditRecord record) {
    JsonObject line = AuditJson.toJson(record);
    line.addProperty("severity", severity(record));
    JsonObject labels = new JsonObject();
    labels.addProperty("failover_record", "audit");
    labels.addProperty("failover_kind", record.kind().wire());
    line.add("logging.googleapis.com/labels", labels);
    synchronized (out) {
      out.println(line);
      out.flush();
      if (out.checkError()) {
        throw new dev.failover.core.port.TransientException(
            "could not write audit record " + record.recordId() + " to stdout");
      }
    }
  }

  static String severity(AuditRecord r) {
    return switch (r.kind()) {
      case PAGE -> "ALERT";
      case CHANGE -> r.outcome() == AuditRecord.Outcome.FAILED ? "ERROR" : "NOTICE";
      case HOLD, DRIFT, REJECTED -> "WARNING";
      case INTENT, IGNORED, EXPIRED -> "INFO";
    };
  }
}

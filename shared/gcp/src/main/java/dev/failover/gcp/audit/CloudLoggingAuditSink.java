package dev.failover.gcp.audit;

import dev.failover.core.audit.AuditLine;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import java.io.PrintStream;

/**
 * Writes each record as one structured Cloud Logging line on stdout: the record's fields at the top
 * level of {@code jsonPayload} (the log-based metrics extract kind, rule and outcome), plus {@code
 * severity} and {@code logging.googleapis.com/labels}. {@code message} is the record's summary,
 * which Cloud Logging shows as the entry's text.
 */
public final class CloudLoggingAuditSink implements AuditSink {
  private final PrintStream out;

  public CloudLoggingAuditSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void write(AuditRecord record) {
    String line =
        AuditLine.encode(
            record,
            java.util.Map.of(
                "severity",
                AuditLine.quote(severity(record)),
                "logging.googleapis.com/labels",
                "{\"failover_record\":\"audit\",\"failover_kind\":"
                    + AuditLine.quote(record.kind().wire())
                    + "}"));
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
      case DRILL, VERIFIED -> "NOTICE";
      case INTENT, IGNORED, EXPIRED -> "INFO";
    };
  }
}

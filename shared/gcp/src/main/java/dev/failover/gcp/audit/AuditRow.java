package dev.failover.gcp.audit;

import java.util.Objects;

/**
 * One audit record as a row of the audit table: its id (the de-duplication key: a record written
 * twice is the same record) and its JSON, exactly as {@link dev.failover.core.audit.AuditLine}
 * encodes it with the field names of {@code schema/audit_record.bigquery.json}.
 */
public record AuditRow(String recordId, String json) {
  public AuditRow {
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(json, "json");
  }
}

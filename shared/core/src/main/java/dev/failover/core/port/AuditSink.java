package dev.failover.core.port;

import dev.failover.core.audit.AuditRecord;

/** Where audit records go. A write that fails throws, so the caller does not go on silently. */
public interface AuditSink {
  void write(AuditRecord record);
}

package dev.failover.core.memory;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import java.util.ArrayList;
import java.util.List;

/** Keeps every record in memory, in order. */
public final class RecordingAuditSink implements AuditSink {
  private final List<AuditRecord> records = new ArrayList<>();

  @Override
  public synchronized void write(AuditRecord record) {
    records.add(record);
  }

  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }
}

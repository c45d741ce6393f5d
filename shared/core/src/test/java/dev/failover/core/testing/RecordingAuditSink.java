package dev.failover.core.testing;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every record in memory, in order. Every record any test writes here is also kept for the
 * whole test run ({@link #suite()}), so that {@link AuditRecordsDump} can hand all of them to the
 * schema check: the suite's records are validated, not a hand-picked sample.
 */
public final class RecordingAuditSink implements AuditSink {
  private static final List<AuditRecord> SUITE = Collections.synchronizedList(new ArrayList<>());
  private final List<AuditRecord> records = new ArrayList<>();

  @Override
  public synchronized void write(AuditRecord record) {
    records.add(record);
    SUITE.add(record);
  }

  public synchronized List<AuditRecord> records() {
    return List.copyOf(records);
  }

  /** Every record written to any RecordingAuditSink in this JVM. */
  public static List<AuditRecord> suite() {
    synchronized (SUITE) {
      return List.copyOf(SUITE);
    }
  }
}

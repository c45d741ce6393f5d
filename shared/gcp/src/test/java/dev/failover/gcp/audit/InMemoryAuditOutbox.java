package dev.failover.gcp.audit;

import dev.failover.core.port.TransientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outbox in memory, with a switch that makes keeping fail (Firestore down). */
final class InMemoryAuditOutbox implements AuditOutbox {
  final Map<String, AuditRow> kept = new LinkedHashMap<>();
  final Map<String, String> parked = new LinkedHashMap<>();
  boolean failing;
  int keepsRefused;

  @Override
  public synchronized void keep(List<AuditRow> rows) {
    if (failing) {
      keepsRefused++;
      throw new TransientException("the outbox is down");
    }
    rows.forEach(r -> kept.put(r.recordId(), r));
  }

  @Override
  public synchronized List<AuditRow> oldest(int max) {
    return new ArrayList<>(kept.values()).subList(0, Math.min(max, kept.size()));
  }

  @Override
  public synchronized void remove(Collection<String> recordIds) {
    recordIds.forEach(kept::remove);
  }

  @Override
  public synchronized void park(List<AuditRow> rows, String reason) {
    rows.forEach(r -> parked.put(r.recordId(), reason));
  }
}

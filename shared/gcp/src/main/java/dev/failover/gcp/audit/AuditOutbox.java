package dev.failover.gcp.audit;

import java.util.Collection;
import java.util.List;

/**
 * Where audit rows wait that could not be appended to the audit table: durable, outside the
 * function instance, keyed by record id (keeping a row twice keeps it once). A later delivery
 * appends them and removes them ({@link BigQueryAuditSink}).
 */
public interface AuditOutbox {
  /**
   * Keeps {@code rows} until they are removed.
   *
   * @throws dev.failover.core.port.TransientException when they may not be kept
   */
  void keep(List<AuditRow> rows);

  /** Up to {@code max} kept rows, the longest-kept first. */
  List<AuditRow> oldest(int max);

  /** Forgets the rows with these ids (they have been appended). */
  void remove(Collection<String> recordIds);

  /**
   * Keeps rows that the table refused, apart, with why: they are never appended again on their own
   * (that cannot help); they wait for someone to fix the table and load them.
   */
  void park(List<AuditRow> rows, String reason);
}

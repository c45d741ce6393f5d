package dev.failover.gcp.audit;

import java.util.List;
import java.util.Map;

/** The audit table: appends rows, at least once. */
public interface AuditTable {
  /**
   * Appends {@code rows}, all or none as far as the caller can tell.
   *
   * @throws RowsRefused when the table refuses some of the rows (none was appended)
   * @throws dev.failover.core.port.TransientException when the rows may not have been written (they
   *     may still have been: append again, and let the record id tell duplicates apart)
   */
  void append(List<AuditRow> rows);

  /**
   * The table refused these rows, by their index in the request, with why; nothing was appended.
   * Appending them again cannot help (a row that does not fit the table's schema).
   */
  final class RowsRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Map<Integer, String> refused;

    public RowsRefused(Map<Integer, String> refused) {
      super("the audit table refused " + refused.size() + " row(s): " + refused);
      this.refused = Map.copyOf(refused);
    }

    public Map<Integer, String> refused() {
      return refused;
    }
  }
}

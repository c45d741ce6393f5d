package dev.failover.gcp.audit;

import dev.failover.core.audit.AuditLine;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import dev.failover.core.port.TransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Audit records as rows of the audit table. {@link #write} only collects the row; {@link #flush},
 * which the functions call once per delivery before they answer (a function instance gets no CPU
 * afterwards), appends what was collected in one request, so a drain's write never waits for
 * BigQuery.
 *
 * <p>No record is lost when the append fails. With an {@link AuditOutbox} (the event functions:
 * Firestore), the rows are kept there, the delivery succeeds, and a later flush appends them: any
 * flush of this instance after it kept rows, and every tick's ({@link #flushAndDrainOutbox}), so
 * within about a minute once BigQuery answers again. If the outbox cannot keep them either, or
 * there is none (the command endpoints, whose account may touch nothing else), the flush throws
 * {@link TransientException}: the delivery fails and is retried, and the rows stay with this
 * instance for its next flush. A row may be appended twice (an append whose answer was lost, a row
 * appended from the outbox and again from this instance): the table is at-least-once, and the view
 * the README's queries read keeps one row per record id.
 *
 * <p>Rows the table refuses (a row that does not fit its schema: appending again cannot help) are
 * set apart in the outbox with the reason ({@link AuditOutbox#park}) and reported at ERROR, and the
 * rest of the request is appended without them; without an outbox they are only reported (the
 * record is still the Cloud Logging line).
 *
 * <p>What this does not cover: an instance that dies between its delivery's records and the flush
 * (a crash, not a failed write) loses those rows from the table; each record is also a Cloud
 * Logging line, written as the record is made, so it can still be found there.
 */
public final class BigQueryAuditSink implements AuditSink {
  /** Rows appended from the outbox per flush: a tick drains a backlog of thousands in minutes. */
  static final int OUTBOX_BATCH = 500;

  private final AuditTable table;
  private final Optional<AuditOutbox> outbox;
  private final Consumer<String> warn;
  private final List<AuditRow> pending = new ArrayList<>();
  private boolean outboxMayHoldRows = true;

  public BigQueryAuditSink(AuditTable table, Optional<AuditOutbox> outbox, Consumer<String> warn) {
    this.table = Objects.requireNonNull(table, "table");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.warn = Objects.requireNonNull(warn, "warn");
  }

  @Override
  public void write(AuditRecord record) {
    AuditRow row = new AuditRow(record.recordId(), AuditLine.encode(record));
    synchronized (pending) {
      pending.add(row);
    }
  }

  /** Appends the rows collected since the last flush (see the class comment for failures). */
  public void flush() {
    flush(false);
  }

  /** {@link #flush}, then appends what the outbox keeps (the tick calls this). */
  public void flushAndDrainOutbox() {
    flush(true);
  }

  /** Rows collected and not yet appended or kept. */
  public int pending() {
    synchronized (pending) {
      return pending.size();
    }
  }

  private void flush(boolean drain) {
    List<AuditRow> rows;
    synchronized (pending) {
      rows = List.copyOf(pending);
      pending.clear();
    }
    if (!rows.isEmpty()) {
      try {
        appendSettingApartRefused(rows);
      } catch (RuntimeException appendFailed) {
        keep(rows, appendFailed);
        return; // BigQuery is failing now: the outbox waits for a later flush
      }
    }
    boolean drainNow;
    synchronized (pending) {
      drainNow = outbox.isPresent() && (drain || outboxMayHoldRows);
    }
    if (drainNow) {
      drainOutbox(outbox.get());
    }
  }

  /**
   * Appends {@code rows}; rows the table refuses are parked (or reported) and the others appended
   * without them. Throws when what is not refused may not have been appended.
   */
  private void appendSettingApartRefused(List<AuditRow> rows) {
    try {
      table.append(rows);
      return;
    } catch (AuditTable.RowsRefused refused) {
      List<AuditRow> bad = new ArrayList<>();
      List<AuditRow> good = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        (refused.refused().containsKey(i) ? bad : good).add(rows.get(i));
      }
      String reason = refused.getMessage();
      warn.accept(
          "ERROR audit: the audit table refused "
              + bad.size()
              + " record(s) "
              + bad.stream().map(AuditRow::recordId).toList()
              + (outbox.isPresent()
                  ? "; they are set apart in the outbox's refused rows"
                  : "; they are only in Cloud Logging")
              + ": "
              + reason);
      if (outbox.isPresent()) {
        outbox.get().park(bad, reason);
      }
      if (!good.isEmpty()) {
        table.append(good);
      }
    }
  }

  /** The rows could not be appended: into the outbox, else back to this instance and throw. */
  private void keep(List<AuditRow> rows, RuntimeException appendFailed) {
    if (outbox.isPresent()) {
      try {
        outbox.get().keep(rows);
        synchronized (pending) {
          outboxMayHoldRows = true;
        }
        warn.accept(
            "audit: "
                + rows.size()
                + " record(s) could not be appended to the audit table and wait in the outbox: "
                + appendFailed.getMessage());
        return;
      } catch (RuntimeException keepFailed) {
        appendFailed.addSuppressed(keepFailed);
      }
    }
    synchronized (pending) {
      pending.addAll(0, rows);
    }
    throw new TransientException(
        rows.size()
            + " audit record(s) could not be appended to the audit table"
            + (outbox.isPresent() ? " nor kept in the outbox" : "")
            + ": "
            + appendFailed.getMessage(),
        appendFailed);
  }

  /** Appends what the outbox keeps; a failure leaves it kept and is only reported. */
  private void drainOutbox(AuditOutbox box) {
    try {
      List<AuditRow> kept = box.oldest(OUTBOX_BATCH);
      if (!kept.isEmpty()) {
        appendSettingApartRefused(kept);
        box.remove(kept.stream().map(AuditRow::recordId).toList());
      }
      if (kept.size() < OUTBOX_BATCH) {
        synchronized (pending) {
          outboxMayHoldRows = false;
        }
      }
    } catch (RuntimeException e) {
      warn.accept("audit: the outbox could not be appended yet; its rows stay kept: " + e);
    }
  }
}

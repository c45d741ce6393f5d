package dev.failover.gcp.audit;

import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a process's audit records go, as {@code FAILOVER_AUDIT} names it, and what must happen
 * after each delivery for them to arrive:
 *
 * <ul>
 *   <li>{@code stdout}: structured Cloud Logging lines ({@link CloudLoggingAuditSink});
 *   <li>{@code file:PATH}: NDJSON appended to a file ({@link NdjsonFileAuditSink});
 *   <li>{@code bigquery:projects/P/datasets/D/tables/T}: both a Cloud Logging line, written as the
 *       record is made, and a row of that table, appended after the delivery ({@link
 *       BigQueryAuditSink} through {@link StorageWriteAuditTable}; {@code
 *       FAILOVER_BIGQUERY_ENDPOINT}, {@code HOST:PORT}, sends to a fake instead).
 * </ul>
 */
public final class AuditOutput implements AutoCloseable {
  private final AuditSink sink;
  private final Optional<BigQueryAuditSink> rows;
  private final List<AutoCloseable> closeables;

  private AuditOutput(
      AuditSink sink, Optional<BigQueryAuditSink> rows, List<AutoCloseable> closeables) {
    this.sink = sink;
    this.rows = rows;
    this.closeables = List.copyOf(closeables);
  }

  /**
   * Opens what {@code spec} (FAILOVER_AUDIT, validated by {@code Env}) names.
   *
   * @param outbox where rows wait when the table cannot be written (event functions: Firestore);
   *     empty where the process may touch nothing else (the command endpoints)
   * @param warn hears of rows kept or refused
   */
  public static AuditOutput open(
      String spec,
      Map<String, String> environment,
      Optional<AuditOutbox> outbox,
      PrintStream stdout,
      Consumer<String> warn) {
    if (spec.startsWith("file:")) {
      try {
        NdjsonFileAuditSink file =
            new NdjsonFileAuditSink(Path.of(spec.substring("file:".length())), true);
        return new AuditOutput(file, Optional.empty(), List.of(file));
      } catch (IOException e) {
        throw new UncheckedIOException("FAILOVER_AUDIT: cannot open " + spec, e);
      }
    }
    CloudLoggingAuditSink lines = new CloudLoggingAuditSink(stdout);
    if (!spec.startsWith("bigquery:")) {
      return new AuditOutput(lines, Optional.empty(), List.of());
    }
    StorageWriteAuditTable table =
        StorageWriteAuditTable.open(
            spec.substring("bigquery:".length()),
            Optional.ofNullable(environment.get("FAILOVER_BIGQUERY_ENDPOINT")),
            StorageWriteAuditTable.DEFAULT_TIMEOUT);
    return bigQuery(lines, table, outbox, warn, List.of(table));
  }

  /** Lines to {@code lines} and rows to {@code table} (tests build their own table). */
  public static AuditOutput bigQuery(
      AuditSink lines,
      AuditTable table,
      Optional<AuditOutbox> outbox,
      Consumer<String> warn,
      List<AutoCloseable> closeables) {
    BigQueryAuditSink rows = new BigQueryAuditSink(table, outbox, warn);
    AuditSink both =
        (AuditRecord r) -> {
          lines.write(r);
          rows.write(r);
        };
    return new AuditOutput(both, Optional.of(rows), new ArrayList<>(closeables));
  }

  /** Records are written here. */
  public AuditSink sink() {
    return sink;
  }

  /**
   * After each delivery, before the function answers: appends its rows (see {@link
   * BigQueryAuditSink}); on a tick also what the outbox keeps. Nothing for lines and files, which
   * are written as the records are made.
   *
   * @throws dev.failover.core.port.TransientException when the rows could be neither appended nor
   *     kept: the delivery must fail, to be retried
   */
  public void afterDelivery(boolean tick) {
    rows.ifPresent(tick ? BigQueryAuditSink::flushAndDrainOutbox : BigQueryAuditSink::flush);
  }

  /** Builds what the first delivery would otherwise build (the table's writer), if anything. */
  public void warm() {
    for (AutoCloseable c : closeables) {
      if (c instanceof StorageWriteAuditTable t) {
        t.open();
      }
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing on shutdown: nothing to do about a failure
      }
    }
  }
}

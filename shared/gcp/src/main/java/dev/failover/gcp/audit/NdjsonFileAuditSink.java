package dev.failover.gcp.audit;

import dev.failover.core.audit.AuditLine;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.AuditSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one JSON line per record to a local file, ready for {@code bq load
 * --source_format=NEWLINE_DELIMITED_JSON}. Each record is flushed before {@link #write} returns, so
 * that a crash loses nothing that was reported written.
 */
public final class NdjsonFileAuditSink implements AuditSink, AutoCloseable {
  private final BufferedWriter out;

  public NdjsonFileAuditSink(Path file, boolean append) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
  }

  @Override
  public synchronized void write(AuditRecord record) {
    try {
      out.write(AuditLine.encode(record));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the audit record " + record.recordId(), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}

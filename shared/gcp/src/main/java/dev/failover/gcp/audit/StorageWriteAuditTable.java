package dev.failover.gcp.audit;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import com.google.cloud.bigquery.storage.v1.JsonStreamWriter;
import dev.failover.core.port.TransientException;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The audit table through BigQuery's Storage Write API: a {@link JsonStreamWriter} on the table's
 * default stream (committed at once, at least once), one per instance, built on first use (its
 * builder reads the table's schema with {@code GetWriteStream}) and built again when it closed
 * after an error (a stream-level {@code INVALID_ARGUMENT} or {@code PERMISSION_DENIED} closes it
 * for good: later appends fail with {@code StreamWriterClosedException}).
 *
 * <p>Each append waits at most {@code timeout} (the writer itself reconnects and resends for up to
 * five minutes after {@code UNAVAILABLE}, longer than a delivery may take): past it the rows count
 * as not written, and the writer is abandoned (closed in the background: its close waits for the
 * server) so that the next append starts afresh. An append answered with an error is a {@link
 * TransientException}; rows refused for their content ({@link Exceptions.AppendSerializationError},
 * raised by the client before sending or by the server's row errors) are {@link RowsRefused}.
 *
 * <p>Rows are the records' JSON ({@link AuditRow#json}): timestamps as {@code 2026-11-01
 * 12:00:00.000000 UTC}, which the client converts to TIMESTAMP micros ({@code JsonToProtoMessage}),
 * integers and floats as JSON numbers, repeated records as arrays of objects.
 */
public final class StorageWriteAuditTable implements AuditTable, AutoCloseable {
  /** The longest an append may wait for BigQuery's answer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final String stream;
  private final BigQueryWriteClient client;
  private final Optional<ManagedChannel> channel;
  private final Duration timeout;
  private JsonStreamWriter writer;

  private StorageWriteAuditTable(
      String table,
      BigQueryWriteClient client,
      Optional<ManagedChannel> channel,
      Duration timeout) {
    this.stream = table + "/streams/_default";
    this.client = client;
    this.channel = channel;
    this.timeout = timeout;
  }

  /**
   * The table {@code projects/P/datasets/D/tables/T}, through BigQuery with the instance's
   * credentials, or through {@code endpoint} ({@code HOST:PORT}, plaintext, no credentials: a fake)
   * when one is given.
   */
  public static StorageWriteAuditTable open(
      String table, Optional<String> endpoint, Duration timeout) {
    Objects.requireNonNull(table, "table");
    try {
      if (endpoint.isPresent()) {
        ManagedChannel ch = ManagedChannelBuilder.forTarget(endpoint.get()).usePlaintext().build();
        BigQueryWriteClient client =
            BigQueryWriteClient.create(
                BigQueryWriteSettings.newBuilder()
                    .setTransportChannelProvider(
                        FixedTransportChannelProvider.create(GrpcTransportChannel.create(ch)))
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
        return new StorageWriteAuditTable(table, client, Optional.of(ch), timeout);
      }
      return new StorageWriteAuditTable(
          table, BigQueryWriteClient.create(), Optional.empty(), timeout);
    } catch (IOException e) {
      throw new TransientException("could not create the BigQuery Storage Write client: " + e, e);
    }
  }

  @Override
  public synchronized void append(List<AuditRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    JSONArray batch = new JSONArray();
    for (AuditRow r : rows) {
      try {
        batch.put(new JSONObject(r.json()));
      } catch (JSONException e) {
        throw new IllegalArgumentException("audit row " + r.recordId() + " is not JSON", e);
      }
    }
    JsonStreamWriter w = writer();
    ApiFuture<AppendRowsResponse> answer;
    try {
      answer = w.append(batch);
    } catch (Exceptions.AppendSerializationError e) {
      throw new RowsRefused(e.getRowIndexToErrorMessage());
    } catch (Exception e) {
      dropWriterIfClosed(w);
      throw new TransientException(
          "BigQuery: could not send " + rows.size() + " audit rows: " + e, e);
    }
    try {
      answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exceptions.AppendSerializationError refused) {
        throw new RowsRefused(refused.getRowIndexToErrorMessage());
      }
      dropWriterIfClosed(w);
      throw new TransientException(
          "BigQuery: the audit rows were not appended: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      abandon(w);
      throw new TransientException(
          "BigQuery: no answer to the audit rows within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(w);
      throw new TransientException("interrupted while appending audit rows", e);
    }
  }

  /** The writer, built on first use and again after it closed. */
  private JsonStreamWriter writer() {
    if (writer == null || writer.isClosed()) {
      try {
        writer = JsonStreamWriter.newBuilder(stream, client).build();
      } catch (Exception e) {
        throw new TransientException(
            "BigQuery: could not open the audit table's default stream " + stream + ": " + e, e);
      }
    }
    return writer;
  }

  /** Builds the writer now (warm-up), so that the first flush need not. */
  public synchronized void open() {
    writer();
  }

  private void dropWriterIfClosed(JsonStreamWriter w) {
    if (w.isClosed() && writer == w) {
      writer = null;
    }
  }

  /** Forgets a writer that did not answer, and closes it without waiting for it. */
  private void abandon(JsonStreamWriter w) {
    if (writer == w) {
      writer = null;
    }
    Thread t = new Thread(w::close, "failover-audit-writer-close");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
    client.close();
    channel.ifPresent(ManagedChannel::shutdownNow);
  }
}

package dev.failover.gcp.audit;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.WriteBatch;
import dev.failover.core.port.TransientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The audit outbox in the controller's Firestore database: one document per record in {@code
 * failover_audit_outbox}, its id derived from the record id (so keeping a row twice keeps one
 * document), holding the row's JSON and when it was kept. Nothing expires: a row leaves only when
 * it has been appended. Batches of at most 500 writes (Firestore's limit per batch); every failure
 * is a {@link TransientException}. Rows the table refused are parked in {@code
 * failover_audit_refused}, with the reason, and never drained.
 */
public final class FirestoreAuditOutbox implements AuditOutbox {
  public static final String COLLECTION = "failover_audit_outbox";

  /** Rows the audit table refused (a row that does not fit its schema), with why. */
  public static final String REFUSED = "failover_audit_refused";

  private static final int BATCH = 500;

  private final Firestore db;
  private final Clock clock;
  private final Duration timeout;

  public FirestoreAuditOutbox(Firestore db, Clock clock, Duration timeout) {
    this.db = db;
    this.clock = clock;
    this.timeout = timeout;
  }

  @Override
  public void keep(List<AuditRow> rows) {
    java.time.Instant now = clock.instant();
    Timestamp at = Timestamp.ofTimeSecondsAndNanos(now.getEpochSecond(), now.getNano());
    for (int from = 0; from < rows.size(); from += BATCH) {
      WriteBatch batch = db.batch();
      for (AuditRow r : rows.subList(from, Math.min(rows.size(), from + BATCH))) {
        batch.set(
            db.collection(COLLECTION).document(docId(r.recordId())),
            Map.of("record_id", r.recordId(), "row", r.json(), "kept_at", at));
      }
      await(() -> batch.commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS), "keep rows");
    }
  }

  @Override
  public void park(List<AuditRow> rows, String reason) {
    java.time.Instant now = clock.instant();
    Timestamp at = Timestamp.ofTimeSecondsAndNanos(now.getEpochSecond(), now.getNano());
    for (int from = 0; from < rows.size(); from += BATCH) {
      WriteBatch batch = db.batch();
      for (AuditRow r : rows.subList(from, Math.min(rows.size(), from + BATCH))) {
        batch.set(
            db.collection(REFUSED).document(docId(r.recordId())),
            Map.of("record_id", r.recordId(), "row", r.json(), "kept_at", at, "reason", reason));
      }
      await(() -> batch.commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS), "park rows");
    }
  }

  @Override
  public List<AuditRow> oldest(int max) {
    List<QueryDocumentSnapshot> docs =
        await(
            () ->
                db.collection(COLLECTION)
                    .orderBy("kept_at", Query.Direction.ASCENDING)
                    .limit(max)
                    .get()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getDocuments(),
            "read kept rows");
    List<AuditRow> out = new ArrayList<>();
    for (QueryDocumentSnapshot d : docs) {
      String id = d.getString("record_id");
      String row = d.getString("row");
      if (id != null && row != null) {
        out.add(new AuditRow(id, row));
      }
    }
    return out;
  }

  @Override
  public void remove(Collection<String> recordIds) {
    List<String> ids = List.copyOf(recordIds);
    for (int from = 0; from < ids.size(); from += BATCH) {
      WriteBatch batch = db.batch();
      for (String id : ids.subList(from, Math.min(ids.size(), from + BATCH))) {
        batch.delete(db.collection(COLLECTION).document(docId(id)));
      }
      await(() -> batch.commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS), "remove rows");
    }
  }

  /** Record ids are hex digests already; hashed anyway so that no id can make a bad path. */
  static String docId(String recordId) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(recordId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T await(Call<T> call, String what) {
    try {
      return call.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientException("audit outbox: interrupted while trying to " + what, e);
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new TransientException("audit outbox: could not " + what + ": " + cause, cause);
    }
  }
}

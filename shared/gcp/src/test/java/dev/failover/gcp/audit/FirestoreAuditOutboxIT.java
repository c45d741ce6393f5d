package dev.failover.gcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import dev.failover.core.audit.AuditLine;
import dev.failover.core.port.TransientException;
import dev.failover.core.testing.Emulator;
import dev.failover.core.testing.MutableClock;
import dev.failover.fake.bigquery.BigQueryWriteFake;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit outbox in Firestore, with the real client against the emulator: rows kept once per
 * record id, read back oldest first, removed by id, refused rows set apart; and the whole path of a
 * BigQuery outage through it: the rows of a failed append wait in Firestore and the next tick
 * appends them to the table (BigQueryWrite fake).
 */
class FirestoreAuditOutboxIT {
  static Emulator emulator;
  static Firestore db;
  static int run;
  MutableClock clock;
  FirestoreAuditOutbox outbox;

  @BeforeAll
  static void startEmulator() throws Exception {
    emulator = Emulator.firestore();
  }

  @AfterAll
  static void stopEmulator() throws Exception {
    if (db != null) {
      db.close();
    }
    emulator.close();
  }

  @BeforeEach
  void freshDatabase() throws Exception {
    if (db != null) {
      db.close();
    }
    // a project per test: the emulator keeps one database per project id
    db =
        FirestoreOptions.newBuilder()
            .setProjectId("demo-outbox-" + (++run))
            .setEmulatorHost(emulator.hostPort())
            .setHost(emulator.hostPort())
            .setCredentials(NoCredentials.getInstance())
            .build()
            .getService();
    clock = new MutableClock(Instant.parse("2026-11-01T12:00:00Z"));
    outbox = new FirestoreAuditOutbox(db, clock, Duration.ofSeconds(10));
  }

  static AuditRow row(String id) {
    return new AuditRow(id, AuditLine.encode(AuditRows.bare(id)));
  }

  @Test
  void keptRows_comeBackOldestFirst_oncePerRecordId_untilRemoved() {
    outbox.keep(List.of(row("b"), row("c")));
    clock.advance(Duration.ofSeconds(1));
    outbox.keep(List.of(row("a")));
    clock.advance(Duration.ofSeconds(1));
    outbox.keep(List.of(row("b"))); // b again: still one document, now the youngest
    List<String> ids = outbox.oldest(10).stream().map(AuditRow::recordId).toList();
    assertEquals(List.of("c", "a", "b"), ids);
    assertEquals(row("a"), outbox.oldest(10).get(1));
    assertEquals(List.of("c"), outbox.oldest(1).stream().map(AuditRow::recordId).toList());
    outbox.remove(List.of("c", "a"));
    assertEquals(List.of("b"), outbox.oldest(10).stream().map(AuditRow::recordId).toList());
  }

  @Test
  void moreRowsThanABatch_areKeptAndRemovedInBatches() {
    List<AuditRow> many = new ArrayList<>();
    IntStream.range(0, 1_234).forEach(i -> many.add(row(String.format("r%04d", i))));
    outbox.keep(many);
    assertEquals(1_000, outbox.oldest(1_000).size());
    outbox.remove(many.stream().map(AuditRow::recordId).toList());
    assertEquals(List.of(), outbox.oldest(10));
  }

  @Test
  void parkedRows_areNotAmongTheKeptOnes() throws Exception {
    outbox.park(List.of(row("bad")), "Missing required field: message");
    assertEquals(List.of(), outbox.oldest(10));
    var parked =
        db.collection(FirestoreAuditOutbox.REFUSED).get().get().getDocuments().stream()
            .map(d -> d.getString("record_id") + ": " + d.getString("reason"))
            .toList();
    assertEquals(List.of("bad: Missing required field: message"), parked);
  }

  @Test
  void aFirestoreThatCannotBeReached_isTransient() {
    Firestore nowhere =
        FirestoreOptions.newBuilder()
            .setProjectId("demo-outbox-nowhere")
            .setEmulatorHost("127.0.0.1:1")
            .setHost("127.0.0.1:1")
            .setCredentials(NoCredentials.getInstance())
            .build()
            .getService();
    FirestoreAuditOutbox down = new FirestoreAuditOutbox(nowhere, clock, Duration.ofSeconds(2));
    assertThrows(TransientException.class, () -> down.keep(List.of(row("a"))));
  }

  @Test
  void aBigQueryOutage_leavesTheRowsInFirestore_andTheNextTickAppendsThem() {
    String table = "projects/demo-project/datasets/failover_audit/tables/audit_records";
    try (BigQueryWriteFake fake =
            BigQueryWriteFake.start(Path.of("../../schema/audit_record.bigquery.json"), table);
        StorageWriteAuditTable t =
            StorageWriteAuditTable.open(
                table, Optional.of(fake.endpoint()), Duration.ofSeconds(2))) {
      List<String> warnings = new ArrayList<>();
      BigQueryAuditSink sink = new BigQueryAuditSink(t, Optional.of(outbox), warnings::add);
      fake.failAppends(1, Status.Code.UNAVAILABLE);
      sink.write(AuditRows.full("drain"));
      sink.write(AuditRows.bare("after"));
      sink.flush();
      assertEquals(1, fake.faultsFired());
      assertEquals(List.of(), fake.recordIds());
      assertEquals(
          List.of("drain", "after"), outbox.oldest(10).stream().map(AuditRow::recordId).toList());

      // a new instance (nothing pending, nothing known of the outbox) takes the next tick
      BigQueryAuditSink next = new BigQueryAuditSink(t, Optional.of(outbox), warnings::add);
      next.write(AuditRows.bare("tick"));
      next.flushAndDrainOutbox();
      assertEquals(List.of("tick", "drain", "after"), fake.recordIds());
      assertEquals(List.of(), outbox.oldest(10));
    }
  }
}

package dev.failover.gcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.audit.AuditLine;
import dev.failover.core.port.TransientException;
import dev.failover.fake.bigquery.BigQueryWriteFake;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No audit record is lost when the table cannot be written: with an outbox the rows wait there and
 * a later flush (any flush of this instance, every tick's) appends them; without one (or when the
 * outbox fails too) the flush throws, so the delivery fails and is retried, and the rows stay with
 * the instance for its next flush. Against the real Storage Write client and the BigQueryWrite
 * fake; each test asserts that its fault fired.
 */
class BigQueryAuditSinkTest {
  static final String TABLE = "projects/demo-project/datasets/failover_audit/tables/audit_records";

  BigQueryWriteFake fake;
  StorageWriteAuditTable table;
  InMemoryAuditOutbox outbox;
  final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void start() {
    fake = BigQueryWriteFake.start(Path.of("../../schema/audit_record.bigquery.json"), TABLE);
    table = StorageWriteAuditTable.open(TABLE, Optional.of(fake.endpoint()), Duration.ofSeconds(2));
    outbox = new InMemoryAuditOutbox();
  }

  @AfterEach
  void stop() {
    table.close();
    fake.close();
  }

  BigQueryAuditSink sink(boolean withOutbox) {
    return new BigQueryAuditSink(
        table, withOutbox ? Optional.of(outbox) : Optional.empty(), warnings::add);
  }

  @Test
  void writeCollects_andFlushAppendsTheDeliverysRecordsInOneRequest() {
    BigQueryAuditSink sink = sink(true);
    sink.write(AuditRows.full("a"));
    sink.write(AuditRows.bare("b"));
    assertEquals(List.of(), fake.recordIds(), "nothing before the flush");
    sink.flush();
    assertEquals(List.of("a", "b"), fake.recordIds());
    assertEquals(1, fake.appendRequests());
    assertEquals(0, sink.pending());
  }

  @Test
  void whenTheTableFails_theRowsWaitInTheOutbox_andTheNextTickAppendsThem() {
    BigQueryAuditSink sink = sink(true);
    fake.failAppends(1, Status.Code.UNAVAILABLE);
    sink.write(AuditRows.full("a"));
    sink.write(AuditRows.bare("b"));
    sink.flush(); // does not throw: the rows are kept
    assertEquals(1, fake.faultsFired());
    assertEquals(List.of("a", "b"), List.copyOf(outbox.kept.keySet()));
    assertEquals(List.of(), fake.recordIds());
    assertTrue(warnings.get(0).contains("wait in the outbox"), warnings.toString());

    sink.write(AuditRows.bare("c"));
    sink.flushAndDrainOutbox();
    assertEquals(List.of("c", "a", "b"), fake.recordIds());
    assertEquals(List.of(), List.copyOf(outbox.kept.keySet()));
  }

  @Test
  void afterKeepingRows_thisInstancesNextFlushAppendsThemToo_notOnlyATick() {
    BigQueryAuditSink sink = sink(true);
    fake.failAppends(1, Status.Code.UNAVAILABLE);
    sink.write(AuditRows.bare("a"));
    sink.flush();
    sink.write(AuditRows.bare("b"));
    sink.flush();
    assertEquals(1, fake.faultsFired());
    assertEquals(List.of("b", "a"), fake.recordIds());
    assertTrue(outbox.kept.isEmpty());
    int requests = fake.appendRequests();
    sink.write(AuditRows.bare("c"));
    sink.flush();
    assertEquals(requests + 1, fake.appendRequests(), "an empty outbox is not read again");
  }

  @Test
  void whenTheOutboxFailsToo_theFlushThrows_andTheRowsStayForTheNextFlush() {
    BigQueryAuditSink sink = sink(true);
    fake.failAppends(1, Status.Code.UNAVAILABLE);
    outbox.failing = true;
    sink.write(AuditRows.bare("a"));
    TransientException e = assertThrows(TransientException.class, sink::flush);
    assertTrue(e.getMessage().contains("nor kept in the outbox"), e.getMessage());
    assertEquals(1, fake.faultsFired());
    assertEquals(1, outbox.keepsRefused);
    assertEquals(1, sink.pending());
    outbox.failing = false;
    sink.write(AuditRows.bare("b"));
    sink.flush();
    assertEquals(List.of("a", "b"), fake.recordIds());
  }

  @Test
  void withoutAnOutbox_aFailedAppendThrows_andTheRowsStayForTheNextFlush() {
    BigQueryAuditSink sink = sink(false);
    fake.failAppends(1, Status.Code.UNAVAILABLE);
    sink.write(AuditRows.bare("a"));
    assertThrows(TransientException.class, sink::flush);
    assertEquals(1, fake.faultsFired());
    sink.flush();
    assertEquals(List.of("a"), fake.recordIds());
  }

  @Test
  void aRowTheTableRefuses_isSetApart_andTheOthersAreAppended() {
    BigQueryAuditSink sink = sink(true);
    // rows kept by an earlier version, one of which the table's schema no longer takes
    outbox.kept.put("fine", new AuditRow("fine", AuditLine.encode(AuditRows.bare("fine"))));
    outbox.kept.put(
        "broken",
        new AuditRow(
            "broken",
            AuditLine.encode(AuditRows.bare("broken")).replace("\"kind\":", "\"kinds\":")));
    sink.write(AuditRows.bare("new"));
    sink.flushAndDrainOutbox();
    assertEquals(List.of("new", "fine"), fake.recordIds());
    assertEquals(List.of("broken"), List.copyOf(outbox.parked.keySet()));
    assertTrue(outbox.kept.isEmpty(), "parked rows leave the outbox");
    assertTrue(
        warnings.stream().anyMatch(w -> w.startsWith("ERROR audit: the audit table refused 1")),
        warnings.toString());
  }
}

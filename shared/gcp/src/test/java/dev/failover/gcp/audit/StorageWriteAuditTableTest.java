package dev.failover.gcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.failover.core.audit.AuditLine;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.port.TransientException;
import dev.failover.fake.bigquery.BigQueryWriteFake;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit table through the real Storage Write client against the BigQueryWrite fake, which
 * checks every row against schema/audit_record.bigquery.json: what arrives is what the record says,
 * field by field, and each failure BigQuery can answer surfaces as the sink needs it.
 */
class StorageWriteAuditTableTest {
  static final String TABLE = "projects/demo-project/datasets/failover_audit/tables/audit_records";

  BigQueryWriteFake fake;
  StorageWriteAuditTable table;

  @BeforeEach
  void start() {
    fake = BigQueryWriteFake.start(Path.of("../../schema/audit_record.bigquery.json"), TABLE);
    table = StorageWriteAuditTable.open(TABLE, Optional.of(fake.endpoint()), Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    table.close();
    fake.close();
  }

  static AuditRow row(AuditRecord r) {
    return new AuditRow(r.recordId(), AuditLine.encode(r));
  }

  /** The line's JSON with its BigQuery timestamps written as the fake reads them back. */
  static JsonObject asStored(String line) {
    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
    normalise(o);
    return o;
  }

  private static void normalise(JsonElement e) {
    DateTimeFormatter bq =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
        JsonElement v = f.getValue();
        if (v.isJsonPrimitive() && v.getAsString().endsWith(" UTC")) {
          f.setValue(new JsonPrimitive(Instant.from(bq.parse(v.getAsString())).toString()));
        } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
          f.setValue(new JsonPrimitive(v.getAsBigDecimal().stripTrailingZeros()));
        } else {
          normalise(v);
        }
      }
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(StorageWriteAuditTableTest::normalise);
    }
  }

  @Test
  void everyFieldOfARecord_arrivesAsTheLineWritesIt() {
    AuditRecord full = AuditRows.full("r-full");
    AuditRecord bare = AuditRows.bare("r-bare");
    table.append(List.of(row(full), row(bare)));
    assertEquals(List.of("r-full", "r-bare"), fake.recordIds());
    List<JsonObject> stored = fake.rows();
    JsonObject fullRow = asStored(AuditLine.encode(full));
    JsonObject fullStored = stored.get(0);
    normalise(fullStored);
    assertEquals(fullRow, fullStored);
    assertEquals("2026-11-01T12:00:03.123456Z", fullStored.get("ts").getAsString());
    assertTrue(fullStored.getAsJsonObject("trigger").get("verified").getAsBoolean());
    JsonObject bareStored = stored.get(1);
    normalise(bareStored);
    JsonObject bareRow = asStored(AuditLine.encode(bare));
    // the table has every repeated column, empty where the line leaves it out
    bareRow.add("regions", new com.google.gson.JsonArray());
    bareRow.add("traffic", new com.google.gson.JsonArray());
    assertEquals(bareRow, bareStored);
    assertEquals(List.of(), fake.refusals());
  }

  @Test
  void anAppendAnsweredWithAnError_isTransient_andTheNextAppendGoesThrough() {
    fake.failAppends(1, Status.Code.INTERNAL);
    TransientException e =
        assertThrows(
            TransientException.class, () -> table.append(List.of(row(AuditRows.bare("a")))));
    assertTrue(e.getMessage().contains("INTERNAL"), e.getMessage());
    table.append(List.of(row(AuditRows.bare("b"))));
    assertEquals(1, fake.faultsFired());
    assertEquals(List.of("b"), fake.recordIds());
  }

  @Test
  void aConnectionClosedForGood_isTransient_andANewWriterServesTheNextAppend() {
    fake.breakConnections(1, Status.Code.PERMISSION_DENIED);
    assertThrows(TransientException.class, () -> table.append(List.of(row(AuditRows.bare("a")))));
    table.append(List.of(row(AuditRows.bare("b"))));
    assertEquals(1, fake.faultsFired());
    assertEquals(List.of("b"), fake.recordIds());
    assertEquals(2, fake.schemaReads(), "the second writer read the schema again");
  }

  @Test
  void anAppendWithoutAnswer_givesUpAtTheTimeout_andTheNextAppendStartsAfresh() {
    fake.stallAppends(1);
    TransientException e =
        assertThrows(
            TransientException.class, () -> table.append(List.of(row(AuditRows.bare("a")))));
    assertTrue(e.getMessage().contains("within 2 s"), e.getMessage());
    fake.release();
    table.append(List.of(row(AuditRows.bare("b"))));
    assertEquals(1, fake.faultsFired());
    assertTrue(fake.recordIds().contains("b"), fake.recordIds().toString());
  }

  @Test
  void aRowThatDoesNotFitTheSchema_isRefused_withItsIndex_andNothingIsAppended() {
    String broken = AuditLine.encode(AuditRows.bare("bad")).replace("\"message\":", "\"nessage\":");
    AuditTable.RowsRefused e =
        assertThrows(
            AuditTable.RowsRefused.class,
            () -> table.append(List.of(row(AuditRows.bare("ok")), new AuditRow("bad", broken))));
    assertEquals(List.of(1), List.copyOf(e.refused().keySet()));
    assertEquals(List.of(), fake.recordIds());
  }
}

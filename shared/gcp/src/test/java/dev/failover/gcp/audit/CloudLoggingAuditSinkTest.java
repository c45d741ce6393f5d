package dev.failover.gcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.testing.AuditSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The structured Cloud Logging line: the record's fields at the top level of jsonPayload, plus
 * severity and labels, which Cloud Logging takes out of the payload; what is left loads into the
 * schema: the line and the audit table's row say the same.
 */
class CloudLoggingAuditSinkTest {

  static AuditRecord record(AuditRecord.Kind kind, AuditRecord.Outcome outcome) {
    return new AuditRecord(
        "id-1",
        Instant.parse("2026-11-01T12:00:00Z"),
        kind,
        AuditRecord.Trigger.of("tick", "t1"),
        new AuditRecord.LoadBalancerRef(
            "p", "URL_MAP_WEIGHTS", "um", Optional.empty(), Optional.empty(), Optional.empty()),
        List.of(),
        Optional.empty(),
        false,
        outcome,
        Optional.empty(),
        3,
        "0.1.0",
        "line\nbreak");
  }

  @ParameterizedTest
  @CsvSource({
    "CHANGE, APPLIED, NOTICE",
    "CHANGE, FAILED, ERROR",
    "PAGE, SKIPPED, ALERT",
    "HOLD, SKIPPED, WARNING",
    "REJECTED, SKIPPED, WARNING",
    "INTENT, SKIPPED, INFO",
  })
  void write_oneStructuredLine_withSeverityAndLabels(
      AuditRecord.Kind kind, AuditRecord.Outcome outcome, String severity) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new CloudLoggingAuditSink(new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .write(record(kind, outcome));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, out.split("\n", -1).length - 1, "exactly one line");
    JsonObject line = JsonParser.parseString(out).getAsJsonObject();
    assertEquals(severity, line.get("severity").getAsString());
    assertEquals(
        kind.wire(),
        line.getAsJsonObject("logging.googleapis.com/labels").get("failover_kind").getAsString());
    line.remove("severity");
    line.remove("logging.googleapis.com/labels");
    assertEquals(List.of(), AuditSchema.shipped().violations(line.toString()));
  }
}

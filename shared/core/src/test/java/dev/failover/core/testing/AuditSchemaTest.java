package dev.failover.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schema check finds what would make bq load refuse a line. */
class AuditSchemaTest {
  static final String VALID =
      "{\"schema_version\":1,\"record_id\":\"r\",\"ts\":\"2026-11-01 12:00:00.000000 UTC\",\"kind\":\"hold\","
          + "\"trigger\":{\"type\":\"tick\",\"event_id\":\"t\"},"
          + "\"load_balancer\":{\"project\":\"p\",\"mode\":\"URL_MAP_WEIGHTS\",\"resource\":\"r\"},"
          + "\"regions\":[],\"dry_run\":false,\"outcome\":\"skipped\",\"latency_ms\":0,"
          + "\"controller_version\":\"v\",\"message\":\"m\"}";

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"kind\":\"hold\"|\"kind\":\"hold\",\"colour\":1|colour: not in the schema",
        "\"record_id\":\"r\",|| record_id: REQUIRED but missing",
        "\"regions\":[]|\"regions\":[null]|regions[0]: null inside a REPEATED field",
        "\"regions\":[]|\"regions\":{}|regions: REPEATED but not an array",
        "\"latency_ms\":0|\"latency_ms\":1.5|latency_ms: INTEGER but 1.5",
        "\"dry_run\":false|\"dry_run\":\"no\"|dry_run: BOOLEAN but \"no\"",
        "2026-11-01 12:00:00.000000 UTC|1 Nov 2026|ts: TIMESTAMP but \"1 Nov 2026\"",
        "\"event_id\":\"t\"|\"event_id\":7|trigger.event_id: STRING but 7",
        "\"regions\":[]|\"regions\":[{\"region\":\"us-central1\"}]|regions[0].before: REQUIRED but missing",
      })
  void violations_nameTheFieldAndTheRule(String from, String to, String problem) {
    String line = VALID.replace(from, to == null ? "" : to);
    List<String> v = AuditSchema.shipped().violations(line);
    assertEquals(problem.strip(), v.get(0), v.toString());
  }

  @ParameterizedTest
  @CsvSource({"2026-11-01 12:00:00 UTC", "2026-11-01T12:00:00Z", "2026-11-01T12:00:00.5+01:00"})
  void violations_noneForEveryTimestampFormBigQueryLoads(String ts) {
    assertEquals(
        List.of(),
        AuditSchema.shipped().violations(VALID.replace("2026-11-01 12:00:00.000000 UTC", ts)));
  }
}

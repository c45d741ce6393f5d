package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.failover.core.testing.AuditSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Runs last in the build: every audit record that the whole suite produced, in every module (dumped
 * by {@code AuditRecordsDump} as production encodes it), must load into the shipped BigQuery
 * schema. It cannot pass vacuously: each module must have contributed records, and every kind of
 * record the controller writes must be among them.
 */
class AuditSchemaIT {
  static final List<String> MODULES = List.of("shared/core", "shared/gcp", "functions", "cli");

  @Test
  void everyRecordTheSuiteProduced_loadsIntoTheSchema() throws Exception {
    Path root = Path.of(System.getProperty("failover.root", "..")).toAbsolutePath().normalize();
    AuditSchema schema = AuditSchema.shipped();
    Map<String, Integer> perModule = new TreeMap<>();
    Set<String> kinds = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    int total = 0;
    for (String module : MODULES) {
      Path dir = root.resolve(module).resolve("target/audit-records");
      int n = 0;
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
              n++;
              for (String v : schema.violations(line)) {
                problems.add(module + "/" + f.getFileName() + ": " + v + " in " + line);
              }
              kinds.add(JsonParser.parseString(line).getAsJsonObject().get("kind").getAsString());
            }
          }
        }
      }
      perModule.put(module, n);
      total += n;
    }
    assertEquals(
        List.of(),
        problems.subList(0, Math.min(20, problems.size())),
        problems.size() + " problems");
    for (String module : MODULES) {
      assertTrue(perModule.get(module) > 0, "no audit records from " + module + ": " + perModule);
    }
    assertTrue(total >= 100, "only " + total + " records: " + perModule);
    assertTrue(
        kinds.containsAll(
            Set.of(
                "intent",
                "change",
                "hold",
                "page",
                "expired",
                "ignored",
                "rejected",
                "drift",
                "drill",
                "verified")),
        "kinds seen: " + kinds);
    System.out.println(
        "audit schema: " + total + " records valid " + perModule + ", kinds " + kinds);
  }
}

package dev.failover.core.testing;

import dev.failover.core.audit.AuditLine;
import dev.failover.core.audit.AuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * At the end of each test JVM, writes every record the tests produced, encoded as production
 * encodes them ({@link AuditLine}), to the file named by the system property {@code
 * failover.audit.dump} (set per module and per plugin in the parent pom). {@code AuditSchemaIT}, in
 * the last module of the build, validates every line of every module's dump against the shipped
 * BigQuery schema. Registered for every module that uses the core test-jar (META-INF/services).
 */
public final class AuditRecordsDump implements TestExecutionListener {

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    String target = System.getProperty("failover.audit.dump");
    if (target == null) {
      return;
    }
    List<String> lines = new ArrayList<>();
    for (AuditRecord r : RecordingAuditSink.suite()) {
      lines.add(AuditLine.encode(r));
    }
    try {
      Path file = Path.of(target);
      Files.createDirectories(file.getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not dump the suite's audit records to " + target, e);
    }
  }
}

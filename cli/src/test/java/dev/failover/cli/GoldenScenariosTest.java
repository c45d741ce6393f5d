package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped scenario's timeline and audit NDJSON, byte for byte, as recorded before the
 * controller was split into its pipeline steps (issue 14). A refactoring that changes a decision, a
 * reason, a record id or a field order shows here. A deliberate change of behaviour regenerates the
 * files with {@code failoverctl simulate NAME --audit cli/src/test/resources/golden/NAME.ndjson}.
 */
class GoldenScenariosTest {

  @TempDir Path tmp;

  static java.util.List<String> shipped() {
    return SimulateCommand.SHIPPED;
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void simulate_matchesTheGoldenTimelineAndAudit(String name) throws IOException {
    Path audit = tmp.resolve(name + ".ndjson");
    StringWriter out = new StringWriter();
    picocli.CommandLine cl = Failoverctl.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(new StringWriter(), true));
    int exit = cl.execute("simulate", name, "--audit", audit.toString());

    assertEquals(0, exit);
    assertEquals(golden(name + ".ndjson"), Files.readString(audit, StandardCharsets.UTF_8));
    String timeline = out.toString();
    String withoutSummary = timeline.substring(0, timeline.lastIndexOf("\n\n") + 1);
    assertEquals(golden(name + ".txt"), withoutSummary);
  }

  private static String golden(String file) throws IOException {
    try (InputStream in = GoldenScenariosTest.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no golden file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

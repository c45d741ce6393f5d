package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationTest {
  private static final Region US = Region.of("us-central1");

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run failoverctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = Failoverctl.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Runs a shipped scenario with its timeline discarded. */
  static Simulation.Outcome run(String scenario) throws java.io.IOException {
    return new Simulation(
            SimulateCommand.load(scenario),
            new dev.failover.core.testing.RecordingAuditSink(),
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .run();
  }

  /** The region's setting each time it changes, with the scenario time: "+03:00 0". */
  static List<String> levels(Simulation.Outcome outcome, Region region) {
    List<String> changes = new ArrayList<>();
    Setting last = null;
    for (Simulation.Row row : outcome.rows()) {
      Setting s = row.config().setting(region);
      if (!s.equals(last)) {
        changes.add(Simulation.clockText(row.offset()) + " " + s.display());
        last = s;
      }
    }
    return changes;
  }

  @Test
  void regionalOutage_drainsThenRampsBack10_25_50_100() throws Exception {
    var outcome = run("regional-outage");
    List<String> changes = levels(outcome, US);
    assertEquals(
        List.of("+00:00 100", "+03:00 0", "+20:00 10", "+22:00 25", "+24:00 50", "+26:00 100"),
        changes);
    assertEquals(5, outcome.writes());
  }

  @Test
  void simulate_withoutArguments_printsTheOutageAndWritesNdjson() throws Exception {
    Path audit = tmp.resolve("audit.ndjson");
    Run r = failoverctl("simulate", "--audit", audit.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("scenario nearest-region-outage:"), r.out());
    assertTrue(r.out().contains("mode URL_MAP_SUBSETS"), r.out());
    assertTrue(r.out().contains("us-central1: ramp 0% -> 10% - healthy for 5 min; restore begins"));
    assertTrue(r.out().contains("users of us-central1: 10% us-central1, 90% europe-west1"));
    List<String> lines = Files.readAllLines(audit, StandardCharsets.UTF_8);
    assertEquals(11, lines.size());
    int applied = 0;
    for (String line : lines) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      assertEquals(1, o.get("schema_version").getAsInt());
      if (o.get("kind").getAsString().equals("change")
          && o.get("outcome").getAsString().equals("applied")) {
        applied++;
      }
    }
    assertEquals(5, applied);
    // the drain came through the Monitoring payload parser: trigger fields are read from it
    JsonObject drain = JsonParser.parseString(lines.get(1)).getAsJsonObject();
    assertEquals("sim-1", drain.getAsJsonObject("trigger").get("event_id").getAsString());
    assertEquals("0.kf3x9q2", drain.getAsJsonObject("trigger").get("incident_id").getAsString());
    assertEquals(
        "app 5xx ratio us-central1", drain.getAsJsonObject("trigger").get("policy").getAsString());
    assertTrue(
        r.out()
            .endsWith(
                "5 load-balancer writes, 11 audit records written to "
                    + audit
                    + System.lineSeparator()));
  }

  @Test
  void simulate_everyShippedScenario_runsAndWritesNdjsonThatLoadsIntoTheSchema() throws Exception {
    var schema = dev.failover.core.testing.AuditSchema.shipped();
    for (String name : SimulateCommand.SHIPPED) {
      Path file = tmp.resolve(name + ".ndjson");
      Run r = failoverctl("simulate", name, "--audit", file.toString());
      assertEquals(0, r.exit(), name + ": " + r.err());
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      assertTrue(lines.size() > 5, name + " wrote " + lines.size() + " records");
      for (String line : lines) {
        assertEquals(List.of(), schema.violations(line), name + ": " + line);
      }
      dev.failover.core.testing.Reliability.count("scenarios_passed", 1);
    }
  }

  @Test
  void simulate_allRegionsSick_pages() {
    Run r =
        failoverctl("simulate", "all-regions-sick", "--audit", tmp.resolve("a.ndjson").toString());
    assertTrue(r.out().contains("PAGE all 3 regions are wanted out"), r.out());
  }

  @Test
  void simulate_drillAborted_restoresAtOnceAndRefusesTheSecondDrill() throws Exception {
    Path audit = tmp.resolve("drill.ndjson");
    Path html = tmp.resolve("drill.html");
    Run r =
        failoverctl(
            "simulate", "drill-aborted", "--audit", audit.toString(), "--html", html.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out()
            .contains(
                "us-central1: serve 0 -> 100 - drill by alice@example.com aborted (europe-west1 is"
                    + " wanted out: incident 0.eu7h2k"),
        r.out());
    assertTrue(r.out().contains("drill of asia-east1 refused: "), r.out());
    List<String> drills =
        Files.readAllLines(audit).stream().filter(l -> l.contains("\"kind\":\"drill\"")).toList();
    assertEquals(3, drills.size(), "started, aborted, refused: " + drills);
    String page = Files.readString(html);
    assertEquals(3, page.split("class=\"marker marker-drill\"", -1).length - 1);
  }

  @Test
  void lostClose_theRegionIsBackAtFullAfterHealthRecovers_withNoCloseEverSent() throws Exception {
    var outcome = run("lost-close");
    List<String> us = levels(outcome, US);
    // opened at +3, healthy from +20; stale two hours after the open
    assertEquals(
        List.of("+00:00 100", "+03:00 0", "+123:00 10", "+125:00 25", "+127:00 50", "+129:00 100"),
        us);
    assertEquals(
        List.of("stale_incident"),
        outcome.records().stream()
            .filter(r -> r.kind() == dev.failover.core.audit.AuditRecord.Kind.EXPIRED)
            .map(r -> r.rule().orElse(""))
            .toList());
  }

  @Test
  void lateCloseIsApplied_lateOpenIsDropped_aForgottenBuildLetsItsRegionBackThroughTheRamp()
      throws Exception {
    var outcome =
        new Simulation(
                SimulateCommand.load("src/test/resources/specs/late-and-forgotten.json"),
                new dev.failover.core.testing.RecordingAuditSink(),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
            .run();
    // the close, published at +25 and delivered at +95 (over the 1-hour age limit), still ends
    // the drain: healthy since +20, so the ramp starts on delivery
    assertEquals(
        List.of("+00:00 100", "+03:00 0", "+95:00 10", "+97:00 25", "+99:00 50", "+101:00 100"),
        levels(outcome, US));
    // the open, as late, could only make things worse: dropped
    assertEquals(List.of("+00:00 100"), levels(outcome, Region.of("europe-west1")));
    // the deploy drains asia-east1 (drain_on_deploy); once forgotten it returns after the hold
    assertEquals(
        List.of("+00:00 100", "+105:00 0", "+110:00 10", "+112:00 25", "+114:00 50", "+116:00 100"),
        levels(outcome, Region.of("asia-east1")));
    List<String> audited =
        outcome.records().stream()
            .filter(
                r ->
                    r.kind() == dev.failover.core.audit.AuditRecord.Kind.EXPIRED
                        || r.kind() == dev.failover.core.audit.AuditRecord.Kind.IGNORED)
            .map(r -> r.kind().wire() + " " + r.rule().orElse("-") + " " + r.message())
            .toList();
    assertEquals(
        List.of(
            "ignored - published at 2026-11-01T12:30:00Z, more than maxEventAge (PT1H) ago;"
                + " dropped",
            "expired operator_forget build b-1 (WORKING) forgotten in asia-east1 by"
                + " operator@example.com: the deploy is stuck; the old revision serves"),
        audited);
  }

  @Test
  void reorderedCommands_theOperatorsLastWordWins_andFailoverStaysOn() throws Exception {
    var outcome = run("reordered-commands");
    Region eu = Region.of("europe-west1");
    // the drain issued before the restore, delivered after it, never drains europe-west1
    for (Simulation.Row row : outcome.rows()) {
      assertEquals("100", row.config().setting(eu).display(), Simulation.clockText(row.offset()));
    }
    List<String> stale =
        outcome.records().stream()
            .filter(r -> r.kind() == dev.failover.core.audit.AuditRecord.Kind.IGNORED)
            .map(dev.failover.core.audit.AuditRecord::message)
            .filter(m -> m.startsWith("stale: "))
            .toList();
    assertEquals(2, stale.size(), stale.toString());
    assertTrue(stale.get(0).contains("is older than the restore of europe-west1"), stale.get(0));
    assertTrue(stale.get(1).contains("is older than the unpin of us-central1"), stale.get(1));
    // the late pin-serve did not switch failover off: the incident drains us-central1
    List<String> us = levels(outcome, US);
    assertEquals(
        List.of("+00:00 100", "+08:00 0", "+19:00 10", "+21:00 25", "+23:00 50", "+25:00 100"), us);
  }

  @Test
  void simulate_unknownScenario_exits2AndSaysWhatExists() {
    Run r = failoverctl("simulate", "no-such-thing");
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: no scenario named 'no-such-thing': give a file path or one of"
            + " nearest-region-outage, subset-missing, regional-outage, flapping-region,"
            + " all-regions-sick, manual-drain-expiry, alert-storm,"
            + " rolling-deploy, pipeline-deploy, late-deliveries, drill-aborted, reordered-commands, lost-close\n",
        r.err().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void simulate_invalidScenarioFile_exits2AndNamesTheField() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad, "{\"name\":\"x\",\"duration\":\"PT1M\",\"topology\":{\"mode\":\"URL_MAP_WEIGHTS\"}}");
    Run r = failoverctl("simulate", bad.toString());
    assertEquals(2, r.exit());
    assertEquals("failoverctl: topology.project is required", r.err().strip());
  }

  @Test
  void help_listsExitCodes() {
    Run r = failoverctl("--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("2   bad usage or invalid input"), r.out());
  }
}

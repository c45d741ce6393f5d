package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.failover.core.domain.ControllerEvent;
import dev.failover.gcp.intake.Inbound;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.PubsubMessage;
import dev.failover.gcp.json.ConfigJson;
import dev.failover.gcp.json.Strict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublishCommandTest {
  static final Path TOPOLOGY = Path.of("../examples/topology.json");
  static final Map<String, String> ENV =
      Map.of("FAILOVER_TOPOLOGY_FILE", TOPOLOGY.toString(), "USER", "alice");

  @Test
  void drain_dryRun_printsTheMessageTheCommandsFunctionAccepts() throws Exception {
    Cli.Run r =
        Cli.run(
            ENV,
            "drain",
            "europe-west1",
            "--reason",
            "database maintenance",
            "--ttl",
            "1h30m",
            "--dry-run");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        "{\"schema\":\"failover.command/v1\",\"action\":\"drain\",\"region\":\"europe-west1\","
            + "\"reason\":\"database maintenance\",\"requested_by\":\"alice\",\"ttl\":\"PT1H30M\","
            + "\"issued_at\":\"2026-11-01T12:05:00Z\"}",
        r.out().strip());
    var topology = ConfigJson.topology(Strict.parse(Files.readString(TOPOLOGY), "topology"));
    Inbound in =
        new OperatorCommands(topology)
            .parse(
                new PubsubMessage("1", Optional.of(Cli.NOW), Map.of(), r.out().strip()), Cli.NOW);
    ControllerEvent.CommandEvent e = (ControllerEvent.CommandEvent) ((Inbound.Accepted) in).event();
    assertEquals(Optional.of(Duration.ofMinutes(90)), e.ttl());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "drain europe-west1 --reason x --ttl 100h --dry-run|ttl must be between PT1M and PT72H, got PT100H",
        "drain europe-west1 --reason x --ttl soon --dry-run|--ttl must look like 2h, 30m, 1h30m or PT2H, got 'soon'",
        "drain us-west9 --reason x --ttl 2h --dry-run|region us-west9 is not behind this load balancer; known regions: [asia-east1, europe-west1, us-central1]",
        "drain US --reason x --ttl 2h --dry-run|REGION: region must look like 'us-central1' (lowercase words joined by '-', ending in a number), got 'US'",
        "pin-serve asia-east1 --reason x --ttl 30s --dry-run|ttl must be between PT1M and PT72H, got PT30S",
        "drill asia-east1 --reason x --duration 4d --dry-run|ttl must be between PT1M and PT72H, got PT96H",
        "drill asia-east1 --reason x --duration half-an-hour --dry-run|--duration must look like 2h, 30m, 1h30m or PT2H, got 'half-an-hour'",
      })
  void invalidCommand_exits2AndNamesTheFieldAndTheFix(String args, String message) {
    Cli.Run r = Cli.run(ENV, args.split(" "));
    assertEquals(2, r.exit(), r.out());
    assertEquals("failoverctl: " + message, r.err().strip());
  }

  @Test
  void requestedBy_defaultsToFailoverActor_thenTheGcloudAccount_thenUser_thenTheOsUser() {
    String[] drain = {"drain", "europe-west1", "--reason", "x", "--ttl", "1h", "--dry-run"};
    Map<String, String> all =
        Map.of(
            "FAILOVER_TOPOLOGY_FILE", TOPOLOGY.toString(),
            "FAILOVER_ACTOR", "oncall-bot",
            "TEST_GCLOUD_ACCOUNT", "carol@example.com",
            "USER", "alice",
            "TEST_OS_USER", "root");
    assertEquals("oncall-bot", requestedBy(Cli.run(all, drain)));
    Map<String, String> noActor = new java.util.HashMap<>(all);
    noActor.remove("FAILOVER_ACTOR");
    assertEquals("carol@example.com", requestedBy(Cli.run(noActor, drain)));
    noActor.remove("TEST_GCLOUD_ACCOUNT");
    assertEquals("alice", requestedBy(Cli.run(noActor, drain)));
    noActor.remove("USER");
    Cli.Run inAContainer = Cli.run(noActor, drain);
    assertEquals(0, inAContainer.exit(), "works with $USER unset: " + inAContainer.err());
    assertEquals("root", requestedBy(inAContainer));
  }

  @Test
  void publishingWithoutCredentials_saysWhatToRun_notAClassName() {
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put("TEST_NO_ADC", "1");
    Cli.Run r =
        Cli.run(
            env,
            "drain",
            "europe-west1",
            "--reason",
            "x",
            "--ttl",
            "1h",
            "--via",
            "topic",
            "--project",
            "p");
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: no Google credentials to publish with: run 'gcloud auth"
            + " application-default login' (or run where a service account's credentials are), or"
            + " use --emulator HOST:PORT for a local emulator, or --dry-run to print the command"
            + " without sending it",
        r.err().strip());
  }

  private static String requestedBy(Cli.Run r) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"requested_by\":\"([^\"]*)\"").matcher(r.out());
    return m.find() ? m.group(1) : "(none: " + r.err() + ")";
  }

  @Test
  void reasonWithALineBreak_isRefusedBeforeAnythingIsPublished() {
    Cli.Run r = Cli.run(ENV, "unpin", "asia-east1", "--reason", "ok\nSEVERE: forged", "--dry-run");
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: reason must not contain control characters, got 'ok\\u000aSEVERE: forged'",
        r.err().strip());
  }

  @Test
  void drill_dryRun_printsADrillWithItsDurationAsTtl() {
    Cli.Run r =
        Cli.run(
            ENV,
            "drill",
            "us-central1",
            "--reason",
            "quarterly evacuation drill",
            "--duration",
            "30m",
            "--dry-run");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        "{\"schema\":\"failover.command/v1\",\"action\":\"drill\",\"region\":\"us-central1\","
            + "\"reason\":\"quarterly evacuation drill\",\"requested_by\":\"alice\",\"ttl\":\"PT30M\","
            + "\"issued_at\":\"2026-11-01T12:05:00Z\"}",
        r.out().strip());
  }

  @Test
  void forgetIncident_andForgetBuild_dryRun_printTheIdsTheFunctionExpects() throws Exception {
    Cli.Run incident =
        Cli.run(
            ENV,
            "forget-incident",
            "us-central1",
            "0.nwg9th6llz4w",
            "--reason",
            "alert policy deleted while open",
            "--dry-run");
    assertEquals(0, incident.exit(), incident.err());
    assertEquals(
        "{\"schema\":\"failover.command/v1\",\"action\":\"forget-incident\","
            + "\"region\":\"us-central1\",\"reason\":\"alert policy deleted while open\","
            + "\"requested_by\":\"alice\",\"issued_at\":\"2026-11-01T12:05:00Z\","
            + "\"incident_id\":\"0.nwg9th6llz4w\"}",
        incident.out().strip());
    Cli.Run build =
        Cli.run(ENV, "forget-build", "us-central1", "b-42", "--reason", "lost status", "--dry-run");
    assertEquals(0, build.exit(), build.err());
    var topology = ConfigJson.topology(Strict.parse(Files.readString(TOPOLOGY), "topology"));
    ControllerEvent.CommandEvent e =
        (ControllerEvent.CommandEvent)
            ((Inbound.Accepted)
                    new OperatorCommands(topology)
                        .parse(
                            new PubsubMessage(
                                "1", Optional.of(Cli.NOW), Map.of(), build.out().strip()),
                            Cli.NOW))
                .event();
    assertEquals(ControllerEvent.CommandEvent.Action.FORGET_BUILD, e.action());
    assertEquals(Optional.of("b-42"), e.target());
  }

  @Test
  void forgetIncident_withoutItsId_isAUsageError() {
    Cli.Run r = Cli.run(ENV, "forget-incident", "us-central1", "--reason", "x");
    assertEquals(2, r.exit());
    assertEquals(
        "Missing required parameter: 'INCIDENT_ID'", r.err().lines().findFirst().orElse(""));
  }

  @Test
  void drain_withoutTtl_isAUsageError() {
    Cli.Run r = Cli.run(ENV, "drain", "asia-east1", "--reason", "x");
    assertEquals(2, r.exit());
    assertEquals(
        "Missing required option: '--ttl=DURATION'", r.err().lines().findFirst().orElse(""));
  }

  @Test
  void withoutATopology_onlyTheRegionsFormIsChecked() {
    Cli.Run r =
        Cli.run(Map.of("USER", "bob"), "restore", "me-central2", "--reason", "done", "--dry-run");
    assertEquals(0, r.exit(), r.err());
  }
}

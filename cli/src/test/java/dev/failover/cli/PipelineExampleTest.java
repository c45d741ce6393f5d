package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.Region;
import dev.failover.core.sim.Scenario;
import dev.failover.gcp.intake.Inbound;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.PubsubMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * examples/cloudbuild.yaml, the three-region pipeline with deploy gates, read as text: every
 * region's deploy sits between a drain and a smoke test followed by a restore; every command it
 * sends is one the command endpoint accepts; and the shipped scenario pipeline-deploy replays the
 * same command sequence.
 */
class PipelineExampleTest {
  static final Path PIPELINE = Path.of("../examples/cloudbuild.yaml");

  @Test
  void everyDeploy_isGated_drainBefore_smokeTestAndRestoreAfter() throws Exception {
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^  - id: ([a-z-]+)$").matcher(Files.readString(PIPELINE));
    while (m.find()) {
      ids.add(m.group(1));
    }
    List<String> gated = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i).startsWith("deploy-")) {
        String r = ids.get(i).substring("deploy-".length());
        assertEquals("drain-" + r, ids.get(i - 1), "drained right before " + ids.get(i));
        assertEquals("smoke-" + r, ids.get(i + 1), "smoke-tested right after " + ids.get(i));
        assertEquals("restore-" + r, ids.get(i + 2), "restored only after the smoke test");
        gated.add(r);
      }
    }
    assertEquals(List.of("us", "eu", "asia"), gated);
  }

  /** The commands the pipeline sends, in order, as the endpoint receives them. */
  static List<String> commands() throws Exception {
    String text = Files.readString(PIPELINE);
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("-d \"(\\{.*\\})\"").matcher(text);
    while (m.find()) {
      out.add(
          m.group(1)
              .replace("\\\"", "\"")
              .replace("$$DRAIN_TTL", "PT30M")
              .replace("$$IMAGE", "us-docker.pkg.dev/demo-project/app/app:1a2b3c4")
              .replace("$$BUILD", "8e1d2c3b"));
    }
    return out;
  }

  @Test
  void everyCommandItSends_isOneTheCommandEndpointAccepts_andEveryDrainEnds() throws Exception {
    var topology = SimulateCommand.load("pipeline-deploy").topology();
    OperatorCommands parser = new OperatorCommands(topology);
    Instant now = Instant.parse("2026-11-01T12:00:00Z");
    List<String> sent = commands();
    assertEquals(6, sent.size(), sent.toString());
    for (String c : sent) {
      Inbound in =
          parser.parse(
              new PubsubMessage("pipeline", Optional.of(now), Map.of(), c),
              now,
              OperatorCommands.Door.ENDPOINT,
              Optional.of("deployer@demo-project.iam.gserviceaccount.com"));
      assertTrue(in instanceof Inbound.Accepted, c + " -> " + in);
      CommandEvent e = (CommandEvent) ((Inbound.Accepted) in).event();
      if (e.action() == CommandEvent.Action.DRAIN) {
        assertEquals(Optional.of(Duration.ofMinutes(30)), e.ttl(), "a bounded drain");
      }
    }
  }

  @Test
  void theShippedScenario_replaysTheSameCommandSequence() throws Exception {
    List<String> fromPipeline = new ArrayList<>();
    for (String c : commands()) {
      Matcher a =
          Pattern.compile("\"action\":\"([a-z-]+)\",\"region\":\"([a-z0-9-]+)\"").matcher(c);
      assertTrue(a.find(), c);
      fromPipeline.add(a.group(1) + " " + a.group(2));
    }
    List<String> fromScenario = new ArrayList<>();
    for (Scenario.Step s : SimulateCommand.load("pipeline-deploy").steps()) {
      if (s instanceof Scenario.CommandStep c) {
        fromScenario.add(c.action().wire() + " " + c.region());
      }
    }
    assertEquals(fromPipeline, fromScenario);
    assertEquals(
        List.of(Region.of("us-central1"), Region.of("europe-west1"), Region.of("asia-east1")),
        fromScenario.stream()
            .filter(x -> x.startsWith("drain "))
            .map(x -> Region.of(x.substring(6)))
            .toList());
  }
}

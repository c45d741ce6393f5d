package dev.failover.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lines the functions write besides the audit records, which the Terraform's log-based metrics
 * count and read (see TerraformRulesTest): the delivery line and, after a tick, a level per region.
 */
class HandlingTest {
  static final Instant T0 = Fixtures.T0;
  final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);

  Intake intake() {
    ScriptedHealthSource health = new ScriptedHealthSource();
    topology
        .regionNames()
        .forEach(r -> health.report(r, Health.Status.HEALTHY, T0.minusSeconds(3600)));
    health.report(Fixtures.US, Health.Status.UNHEALTHY, T0.minusSeconds(60));
    Env env =
        Env.embedded(
            topology,
            Policy.defaults(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.empty()),
            Duration.ofHours(1));
    return Assembly.intake(
        env,
        new InMemoryStateStore(),
        new InMemoryLoadBalancer(topology.baseConfig()),
        health,
        new RecordingAuditSink(),
        Clock.fixed(T0, ZoneOffset.UTC),
        Pause.NONE);
  }

  static byte[] envelope(String id, String data) {
    return PubsubMessage.envelope(id, T0, Map.of(), data, "projects/demo-project/subscriptions/s")
        .getBytes(StandardCharsets.UTF_8);
  }

  static List<JsonObject> lines(ByteArrayOutputStream buffer) {
    List<JsonObject> out = new ArrayList<>();
    for (String l : buffer.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        out.add(JsonParser.parseString(l).getAsJsonObject());
      }
    }
    return out;
  }

  @Test
  void afterATick_oneLevelLinePerRegion_withTheLevelTheControllerHoldsItAt() {
    Intake intake = intake();
    intake.handle(
        Intake.Stream.ALERTS,
        envelope(
            "a1",
            Payloads.monitoringIncident(
                topology,
                "0.us",
                "app 5xx us",
                Fixtures.US,
                T0.minusSeconds(120),
                Optional.empty())),
        "a1");
    Intake.Outcome tick = intake.handle(Intake.Stream.TICK, envelope("t1", "{}"), "t1");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    Handling.log(out, Intake.Stream.TICK, tick, 7);
    Handling.levels(out, tick);

    List<JsonObject> lines = lines(buffer);
    assertEquals(4, lines.size(), lines.toString());
    JsonObject delivery = lines.get(0);
    JsonObject labels = delivery.getAsJsonObject("logging.googleapis.com/labels");
    assertEquals("tick", labels.get("failover_function").getAsString());
    assertEquals("reconciled", labels.get("failover_outcome").getAsString());
    List<String> levels = new ArrayList<>();
    for (JsonObject l : lines.subList(1, 4)) {
      assertEquals(
          "level",
          l.getAsJsonObject("logging.googleapis.com/labels").get("failover_record").getAsString());
      levels.add(
          l.get("region").getAsString()
              + "="
              + l.get("level").getAsInt()
              + " "
              + l.get("phase").getAsString());
    }
    assertEquals(
        List.of("asia-east1=1000 serving", "europe-west1=1000 serving", "us-central1=0 out"),
        levels);
  }

  @Test
  void aDeliveryThatIsNotATick_writesNoLevelLines() {
    Intake intake = intake();
    Intake.Outcome o = intake.handle(Intake.Stream.ALERTS, envelope("x", "{\"not\":1}"), "x");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Handling.levels(new PrintStream(buffer, true, StandardCharsets.UTF_8), o);
    assertEquals(List.of(), lines(buffer));
  }
}

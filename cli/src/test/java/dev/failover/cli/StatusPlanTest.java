package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.failover.core.port.Pause;
import dev.failover.gcp.config.Components;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * status and plan on the embedded adapters (local files), as an operator runs them without a cloud.
 */
class StatusPlanTest {
  @TempDir Path dir;
  Map<String, String> env;

  @BeforeEach
  void files() {
    env = new HashMap<>();
    env.put("FAILOVER_TOPOLOGY_FILE", "../examples/topology.json");
    env.put("FAILOVER_STATE_FILE", dir.resolve("state.json").toString());
    env.put("FAILOVER_LB_FILE", dir.resolve("lb.json").toString());
    env.put("FAILOVER_MAX_EVENT_AGE", "P3650D");
  }

  /** Delivers the example alert through the handlers onto the same files, as the function would. */
  void deliverAlert() throws Exception {
    Env e = Env.from(env);
    Clock clock = Clock.fixed(Cli.NOW, ZoneOffset.UTC);
    try (Components rt = Components.open(e, clock, env, m -> {})) {
      String data = Files.readString(Path.of("../examples/alert-open.json"));
      String envelope =
          PubsubMessage.envelope("77", Cli.NOW, Map.of(), data, "projects/p/subscriptions/s");
      rt.intake(e, r -> {}, clock, Pause.NONE)
          .handle(Intake.Stream.ALERTS, envelope.getBytes(StandardCharsets.UTF_8), "77");
    }
  }

  @Test
  void status_showsEachRegionsSettingPhaseAndWhy() throws Exception {
    deliverAlert();
    Cli.Run r = Cli.run(env, "status");
    assertEquals(0, r.exit(), r.err());
    String us = r.out().lines().filter(l -> l.startsWith("us-central1")).findFirst().orElseThrow();
    assertTrue(
        us.matches("us-central1 +0 +OUT +0% +- +- +drained: incident 0\\.nwg9th6llz4w .*"), us);
    Cli.Run json = Cli.run(env, "status", "--output", "json");
    JsonArray arr = JsonParser.parseString(json.out()).getAsJsonArray();
    assertEquals(3, arr.size());
    assertEquals("OUT", arr.get(2).getAsJsonObject().get("phase").getAsString());
    assertTrue(
        arr.get(2)
            .getAsJsonObject()
            .get("wanted_out")
            .getAsString()
            .startsWith("incident 0.nwg9th6llz4w"));
  }

  @Test
  void status_showsADrainAwaitingTrafficVerification() throws Exception {
    deliverAlert();
    new dev.failover.gcp.embedded.FileStateStore(dir.resolve("state.json"))
        .update(
            m ->
                new dev.failover.core.port.StateStore.Change<>(
                    m.withBooks(
                        b ->
                            b.withWatches(
                                java.util.List.of(
                                    new dev.failover.core.domain.Watch(
                                        dev.failover.core.domain.Region.of("us-central1"),
                                        dev.failover.core.domain.Watch.Direction.OUT,
                                        Cli.NOW,
                                        "77",
                                        "attempt-1@fp-1")))),
                    true));
    Cli.Run r = Cli.run(env, "status");
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out().contains("awaiting traffic to leave since the write at 2026-11-01T12:05:00Z"),
        r.out());
    JsonArray arr =
        JsonParser.parseString(Cli.run(env, "status", "--output", "json").out()).getAsJsonArray();
    assertEquals(
        "{\"direction\":\"out\",\"written_at\":\"2026-11-01T12:05:00Z\"}",
        arr.get(2).getAsJsonObject().get("awaiting_verification").toString());
  }

  @Test
  void plan_afterAnEvent_showsTheWriteAndChangesNothing() throws Exception {
    String before = Cli.run(env, "status", "--output", "json").out();
    Cli.Run r = Cli.run(env, "plan", "--event", "../examples/alert-open.json");
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out().contains("would write: asia-east1=100 europe-west1=100 us-central1=0"), r.out());
    assertTrue(r.out().contains("record: {\"schema_version\":1"), r.out());
    assertTrue(
        r.out()
            .lines()
            .filter(l -> l.startsWith("record: "))
            .allMatch(l -> l.contains("\"dry_run\":true")),
        "every record is marked as a dry run: " + r.out());
    assertEquals(before, Cli.run(env, "status", "--output", "json").out(), "plan changed nothing");
    assertTrue(Files.notExists(dir.resolve("lb.json")), "the load balancer file was not written");
  }

  @Test
  void plan_now_isANoOpOnAHealthyLoadBalancer() {
    Cli.Run r = Cli.run(env, "plan");
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out().startsWith("no change: asia-east1=100 europe-west1=100 us-central1=100"), r.out());
  }
}

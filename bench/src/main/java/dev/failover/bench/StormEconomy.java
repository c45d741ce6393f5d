package dev.failover.bench;

import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.gson.JsonObject;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.gcp.compute.ComputeClients;
import dev.failover.gcp.compute.UrlMapLoadBalancer;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.intake.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Call economy under an alert storm: 1,000 Monitoring notifications (three policies about two
 * regions, most of them renotifications and redeliveries), spread over 10 s (second argument),
 * through the real parsers and handlers, with the real Compute client against the Compute fake.
 * Counts the Compute GETs and PATCHes, the state-store writes (what would be Firestore commits) and
 * the distinct effective changes. Prints one JSON object for bench/report.py.
 */
public final class StormEconomy {
  public static void main(String[] args) throws Exception {
    int notifications = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long windowNanos = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10).toNanos();
    Region us = ThreeRegions.US;
    Region eu = ThreeRegions.EU;
    Topology t = ThreeRegions.topology("app-url-map");
    try (ComputeFake fake = ComputeFake.start();
        UrlMapsClient client =
            ComputeClients.urlMaps(ComputeClients.Settings.fake(fake.endpoint()))) {
      ThreeRegions.put(fake, "app-url-map");
      InMemoryStateStore store = new InMemoryStateStore();
      ScriptedHealthSource health = new ScriptedHealthSource();
      Instant now = Instant.now();
      t.regionNames()
          .forEach(r -> health.report(r, Health.Status.UNHEALTHY, now.minusSeconds(600)));
      Env env =
          Env.embedded(
              t,
              Policy.defaults(),
              Map.of(),
              CloudBuilds.Routing.defaults(Optional.empty()),
              Duration.ofHours(1));
      Intake intake =
          Assembly.intake(
              env,
              store,
              new UrlMapLoadBalancer(client, t, Set.of(), Duration.ofSeconds(5)),
              health,
              r -> {},
              Clock.systemUTC(),
              Pause.NONE);
      String[] policies = {"app 5xx ratio", "app p95 latency", "app uptime"};
      Region[] regions = {us, eu};
      int duplicates = 0;
      long started = System.nanoTime();
      for (int i = 0; i < notifications; i++) {
        // spread over the window, as a storm arrives: notification i is due at i/n of it
        long due = started + windowNanos * i / notifications;
        while (System.nanoTime() < due) {
          Thread.sleep(1);
        }
        Region r = regions[i % 2];
        String policy = policies[i % 3];
        String data =
            Payloads.monitoringIncident(
                t,
                "0.storm-" + r + "-" + (i % 3),
                policy + " " + r,
                r,
                now.minusSeconds(60),
                Optional.empty());
        // every fifth delivery is a Pub/Sub redelivery of the previous message id
        String id = (i % 5 == 4) ? "m-" + (i - 1) : "m-" + i;
        duplicates += (i % 5 == 4) ? 1 : 0;
        intake.handle(
            Intake.Stream.ALERTS,
            PubsubMessage.envelope(id, now, Map.of(), data, "projects/demo-project/subscriptions/s")
                .getBytes(StandardCharsets.UTF_8),
            id);
      }
      long micros = (System.nanoTime() - started) / 1000;
      JsonObject o = new JsonObject();
      o.addProperty("notifications", notifications);
      o.addProperty("redeliveries", duplicates);
      o.addProperty("distinct_incidents", 6);
      o.addProperty("compute_get", fake.count(ComputeFake.Call.GET));
      o.addProperty("compute_patch", fake.count(ComputeFake.Call.PATCH));
      o.addProperty("accepted_writes", fake.writes().size());
      o.addProperty("state_writes", store.writes());
      o.addProperty("wall_ms", micros / 1000);
      o.addProperty("window_ms", windowNanos / 1_000_000);
      o.addProperty(
          "final",
          client
              .get("demo-project", "app-url-map")
              .getDefaultRouteAction()
              .getWeightedBackendServicesList()
              .toString()
              .replaceAll("\\s+", " "));
      System.out.println(o);
    }
  }
}

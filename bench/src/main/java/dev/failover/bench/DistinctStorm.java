package dev.failover.bench;

import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.cloud.firestore.Firestore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.testing.Emulator;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.gcp.compute.ComputeClients;
import dev.failover.gcp.compute.UrlMapLoadBalancer;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.intake.PubsubMessage;
import dev.failover.gcp.state.FirestoreStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storm of distinct incidents against one controller document: N incidents (first argument,
 * 1,000) over W seconds (second, 60) across three regions, each opened, renotified once (a new
 * message id, as Monitoring does) and closed 5 s later, delivered by I concurrent instances (third,
 * 8), each with its own Firestore client and store (the emulator), the real Compute client against
 * the Compute fake, and the real parsers and handlers. A delivery that fails is redelivered, as
 * Pub/Sub would, until it is acknowledged; each failure is counted.
 *
 * <p>Per delivery it records the commits its handling made and the compare-and-set retries it
 * needed (its instance handles one delivery at a time, so its store's counters belong to it), and
 * the status the handler answered. Prints one JSON object for bench/report.py.
 */
public final class DistinctStorm {

  private record Delivery(long dueNanos, String id, String data) {}

  private record Handled(String status, long commits, long retries, long micros) {}

  public static void main(String[] args) throws Exception {
    int incidents = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long windowNanos = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60).toNanos();
    int instances = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Topology t = ThreeRegions.topology("app-url-map");
    try (Emulator emulator = Emulator.firestore();
        ComputeFake fake = ComputeFake.start()) {
      ThreeRegions.put(fake, "app-url-map");
      ScriptedHealthSource health = new ScriptedHealthSource();
      Instant start = Instant.now();
      t.regionNames()
          .forEach(r -> health.report(r, Health.Status.UNHEALTHY, start.minusSeconds(600)));
      List<Delivery> storm = storm(t, incidents, windowNanos, start);
      ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>(storm);
      List<Handled> handled = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger failed = new AtomicInteger();
      List<FirestoreStateStore> stores = new ArrayList<>();
      List<AutoCloseable> clients = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(instances);
      List<Future<?>> running = new ArrayList<>();
      long began = System.nanoTime();
      for (int i = 0; i < instances; i++) {
        Firestore db = ThreeRegions.firestore(emulator);
        UrlMapsClient client =
            ComputeClients.urlMaps(ComputeClients.Settings.fake(fake.endpoint()));
        clients.add(db);
        clients.add(client);
        FirestoreStateStore store =
            new FirestoreStateStore(
                db, "demo-project__app-url-map", Duration.ofDays(7), Clock.systemUTC());
        stores.add(store);
        Intake intake =
            Assembly.intake(
                env(t),
                store,
                new UrlMapLoadBalancer(client, t, Set.of(), Duration.ofSeconds(5)),
                health,
                r -> {},
                Clock.systemUTC(),
                Pause.SLEEP);
        running.add(pool.submit(() -> instance(queue, began, intake, store, handled, failed)));
      }
      for (Future<?> f : running) {
        f.get();
      }
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      long wallMs = (System.nanoTime() - began) / 1_000_000;
      for (AutoCloseable c : clients) {
        c.close();
      }
      System.out.println(
          report(
              storm.size(),
              incidents,
              instances,
              windowNanos,
              wallMs,
              handled,
              failed.get(),
              stores,
              fake));
    }
  }

  /** Open, renotification 1 s later, close 5 s after the open: per incident, spread evenly. */
  private static List<Delivery> storm(Topology t, int incidents, long windowNanos, Instant start) {
    List<Region> regions = ThreeRegions.REGIONS;
    List<Delivery> out = new ArrayList<>();
    for (int i = 0; i < incidents; i++) {
      Region r = regions.get(i % regions.size());
      long due = windowNanos * i / incidents;
      String id = "0.storm-" + i;
      String policy = "app 5xx ratio " + r;
      Instant opened = start.plusNanos(due);
      String open = Payloads.monitoringIncident(t, id, policy, r, opened, Optional.empty());
      String closed =
          Payloads.monitoringIncident(t, id, policy, r, opened, Optional.of(opened.plusSeconds(5)));
      out.add(new Delivery(due, "open-" + i, open));
      out.add(new Delivery(due + 1_000_000_000L, "again-" + i, open));
      out.add(new Delivery(due + 5_000_000_000L, "close-" + i, closed));
    }
    out.sort(java.util.Comparator.comparingLong(Delivery::dueNanos));
    return out;
  }

  /** One function instance: takes the next due delivery, handles it, redelivers on failure. */
  private static Void instance(
      ConcurrentLinkedQueue<Delivery> queue,
      long began,
      Intake intake,
      FirestoreStateStore store,
      List<Handled> handled,
      AtomicInteger failed)
      throws InterruptedException {
    for (Delivery d = queue.poll(); d != null; d = queue.poll()) {
      while (System.nanoTime() < began + d.dueNanos()) {
        Thread.sleep(1);
      }
      long commits = store.commits();
      long retries = store.retries();
      long t0 = System.nanoTime();
      byte[] envelope =
          PubsubMessage.envelope(
                  d.id(),
                  Instant.now(),
                  Map.of(),
                  d.data(),
                  "projects/demo-project/subscriptions/s")
              .getBytes(StandardCharsets.UTF_8);
      try {
        Intake.Outcome o = intake.handle(Intake.Stream.ALERTS, envelope, d.id());
        handled.add(
            new Handled(
                o.status(),
                store.commits() - commits,
                store.retries() - retries,
                (System.nanoTime() - t0) / 1000));
      } catch (RuntimeException e) {
        // Pub/Sub redelivers a failed delivery: put it back and count the failure
        failed.incrementAndGet();
        System.err.println("delivery " + d.id() + " failed: " + e);
        queue.add(d);
      }
    }
    return null;
  }

  private static Env env(Topology t) {
    return Env.embedded(
        t,
        Policy.defaults(),
        Map.of(),
        CloudBuilds.Routing.defaults(Optional.empty()),
        Duration.ofHours(1));
  }

  private static JsonObject report(
      int deliveries,
      int incidents,
      int instances,
      long windowNanos,
      long wallMs,
      List<Handled> handled,
      int failed,
      List<FirestoreStateStore> stores,
      ComputeFake fake) {
    JsonObject o = new JsonObject();
    o.addProperty("incidents", incidents);
    o.addProperty("deliveries", deliveries);
    o.addProperty("instances", instances);
    o.addProperty("window_ms", windowNanos / 1_000_000);
    o.addProperty("wall_ms", wallMs);
    o.addProperty("acknowledged", handled.size());
    o.addProperty("failed_deliveries", failed);
    o.addProperty("commits", stores.stream().mapToLong(FirestoreStateStore::commits).sum());
    o.addProperty("conflicts", stores.stream().mapToLong(FirestoreStateStore::conflicts).sum());
    o.addProperty("compute_patch", fake.count(ComputeFake.Call.PATCH));
    JsonArray writes = new JsonArray();
    for (ComputeFake.Write w : fake.writes()) {
      // what each accepted write set: the URL map's default weights, by backend service
      StringBuilder weights = new StringBuilder();
      for (var b :
          w.after()
              .getAsJsonObject("defaultRouteAction")
              .getAsJsonArray("weightedBackendServices")) {
        String service = b.getAsJsonObject().get("backendService").getAsString();
        weights
            .append(weights.length() == 0 ? "" : " ")
            .append(service.substring(service.lastIndexOf('/') + 1))
            .append('=')
            .append(b.getAsJsonObject().get("weight").getAsInt());
      }
      JsonObject row = new JsonObject();
      row.addProperty("at", w.at().toString());
      row.addProperty("weights", weights.toString());
      writes.add(row);
    }
    o.add("writes", writes);
    JsonArray rows = new JsonArray();
    synchronized (handled) {
      for (Handled h : handled) {
        JsonObject r = new JsonObject();
        r.addProperty("status", h.status());
        r.addProperty("commits", h.commits());
        r.addProperty("retries", h.retries());
        r.addProperty("us", h.micros());
        rows.add(r);
      }
    }
    o.add("handled", rows);
    return o;
  }
}

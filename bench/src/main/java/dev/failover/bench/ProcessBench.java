package dev.failover.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.testing.Emulator;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Process-level figures under the real Functions Framework invoker, each against an empty HTTP
 * function served by the same invoker with the same JVM flags, in the same run:
 *
 * <ul>
 *   <li>cold start: process spawn to the first 2xx answer to a real-shaped Monitoring alert in a
 *       Pub/Sub push request (for our function that answer comes after the drain it causes is
 *       written: Firestore emulator and Compute fake on loopback);
 *   <li>memory: peak RSS (the kernel's VmHWM) of the process during a storm of 1,000 alert
 *       notifications (six incidents, two regions, a fifth of them redeliveries) sent over 10 s,
 *       eight at a time at most, and the Compute calls the storm caused.
 * </ul>
 *
 * <p>Both processes run with {@code -XX:MaxRAM=512m}, the memory terraform gives the functions, so
 * the JVM sizes its heap as it would there. Arguments: invoker jar, our function jar, the baseline
 * jar, runs. Prints one JSON object for bench/report.py.
 */
public final class ProcessBench {
  static final Region US = ThreeRegions.US;
  static final Region EU = ThreeRegions.EU;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public static void main(String[] args) throws Exception {
    Path invoker = Path.of(args[0]);
    Path ours = Path.of(args[1]);
    Path empty = Path.of(args[2]);
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    Path health = Files.createTempFile("failover-bench-health", ".json");
    Files.writeString(
        health,
        "{\"us-central1\":{\"status\":\"UNHEALTHY\"},\"europe-west1\":{\"status\":\"UNHEALTHY\"},"
            + "\"asia-east1\":{\"status\":\"UNHEALTHY\"}}");
    try (Emulator firestore = Emulator.firestore();
        ComputeFake fake = ComputeFake.start()) {
      List<Long> emptyStarts = new ArrayList<>();
      List<Long> ourStarts = new ArrayList<>();
      List<Long> firstEvent = new ArrayList<>();
      JsonObject storm = new JsonObject();
      for (int run = 0; run < runs; run++) {
        boolean last = run == runs - 1;
        String map = "cold-" + run;
        ThreeRegions.put(fake, map);
        Topology t = topology(map);
        Map<String, String> env = env(fake, firestore, health, map);

        Served e = Served.start(invoker, empty, "dev.failover.bench.EmptyFunction", Map.of());
        emptyStarts.add(e.firstAnswer(alert(t, "cold-" + run, 0)));
        e.stop();

        int before = fake.count(ComputeFake.Call.PATCH);
        Served o = Served.start(invoker, ours, "dev.failover.functions.AlertsFunction", env);
        ourStarts.add(o.firstAnswer(alert(t, "cold-" + run, 0)));
        firstEvent.add(o.firstLoggedLatency());
        if (fake.count(ComputeFake.Call.PATCH) != before + 1) {
          throw new IllegalStateException("the first alert did not drain (run " + run + ")");
        }
        o.stop();
      }
      // the storm: fresh processes and a fresh load balancer, so the storm's own first alert is
      // the one effective change (it drains us-central1; europe-west1 is then held by the budget)
      ThreeRegions.put(fake, "storm");
      Served e = Served.start(invoker, empty, "dev.failover.bench.EmptyFunction", Map.of());
      storm.add("baseline", storm(e, topology("storm"), fake));
      e.stop();
      Served o =
          Served.start(
              invoker,
              ours,
              "dev.failover.functions.AlertsFunction",
              env(fake, firestore, health, "storm"));
      storm.add("ours", storm(o, topology("storm"), fake));
      o.stop();
      JsonObject out = new JsonObject();
      out.addProperty("runs", runs);
      out.addProperty(
          "jvm_options", "-XX:MaxRAM=512m " + System.getProperty("bench.jvmOptions", ""));
      out.addProperty("jar_bytes", Files.size(ours));
      out.addProperty("baseline_jar_bytes", Files.size(empty));
      out.add("cold_start_ms_baseline", array(emptyStarts));
      out.add("cold_start_ms_ours", array(ourStarts));
      out.add("first_event_handling_ms_ours", array(firstEvent));
      out.add("storm", storm);
      System.out.println(out);
    } finally {
      Files.deleteIfExists(health);
    }
  }

  static Map<String, String> env(ComputeFake fake, Emulator firestore, Path health, String map) {
    return Map.of(
        "FAILOVER_ADAPTERS", "google",
        "FAILOVER_TOPOLOGY", topologyJson(map),
        "FAILOVER_COMPUTE_ENDPOINT", fake.endpoint(),
        "FIRESTORE_EMULATOR_HOST", firestore.hostPort(),
        "FAILOVER_HEALTH_FILE", health.toString());
  }

  static JsonArray array(List<Long> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  static Topology topology(String map) {
    return ThreeRegions.topology(map);
  }

  static String topologyJson(String map) {
    return ThreeRegions.topologyJson(map);
  }

  /** The Pub/Sub push body of alert notification {@code i} of the storm. */
  static String alert(Topology t, String prefix, int i) {
    Region r = i % 2 == 0 ? US : EU;
    String[] policies = {"app 5xx ratio", "app p95 latency", "app uptime"};
    String data =
        Payloads.monitoringIncident(
            t,
            "0." + prefix + "-" + r + "-" + (i % 3),
            policies[i % 3] + " " + r,
            r,
            Instant.now().minusSeconds(60),
            Optional.empty());
    String id = (i % 5 == 4) ? prefix + "-m-" + (i - 1) : prefix + "-m-" + i;
    return PubsubMessage.envelope(
        id, Instant.now(), Map.of(), data, "projects/demo-project/subscriptions/s");
  }

  /** Sends 1,000 notifications over 10 s and samples the process's memory. */
  static JsonObject storm(Served s, Topology t, ComputeFake fake) throws Exception {
    int gets = fake.count(ComputeFake.Call.GET);
    int patches = fake.count(ComputeFake.Call.PATCH);
    ExecutorService senders = Executors.newFixedThreadPool(8);
    AtomicInteger failures = new AtomicInteger();
    List<Future<?>> sent = new ArrayList<>();
    s.firstAnswer(alert(t, "storm", 0)); // the process starts cold; the storm's first alert
    long t0 = System.nanoTime();
    long peakRss = 0;
    for (int i = 1; i < 1000; i++) {
      long due = t0 + i * 10_000_000L;
      while (System.nanoTime() < due) {
        Thread.sleep(1);
      }
      if (i % 10 == 0) {
        peakRss = Math.max(peakRss, s.status("VmRSS"));
      }
      String body = alert(t, "storm", i);
      sent.add(
          senders.submit(
              () -> {
                if (s.post(body) / 100 != 2) {
                  failures.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> f : sent) {
      f.get();
    }
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    senders.shutdown();
    JsonObject o = new JsonObject();
    o.addProperty("notifications", 1000);
    o.addProperty("non_2xx", failures.get());
    o.addProperty("wall_ms", wallMs);
    o.addProperty("peak_rss_kib", Math.max(peakRss, s.status("VmHWM")));
    o.addProperty("compute_get", fake.count(ComputeFake.Call.GET) - gets);
    o.addProperty("compute_patch", fake.count(ComputeFake.Call.PATCH) - patches);
    return o;
  }

  /** One function served by the invoker in its own JVM. */
  record Served(Process process, int port, long spawnedNanos, Path log) {
    static Served start(Path invoker, Path jar, String target, Map<String, String> env)
        throws IOException {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> command = new ArrayList<>(List.of("java", "-XX:MaxRAM=512m"));
      String extra = System.getProperty("bench.jvmOptions", "").trim();
      if (!extra.isEmpty()) {
        command.addAll(List.of(extra.split("\\s+")));
      }
      command.addAll(
          List.of(
              "-jar",
              invoker.toString(),
              "--classpath",
              jar.toString(),
              "--target",
              target,
              "--port",
              Integer.toString(port)));
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().keySet().removeIf(k -> k.startsWith("FAILOVER_") || k.endsWith("_HOST"));
      pb.environment().putAll(env);
      Path log = Files.createTempFile("failover-bench-stdout", ".log");
      log.toFile().deleteOnExit();
      pb.redirectOutput(log.toFile());
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      long spawned = System.nanoTime();
      return new Served(pb.start(), port, spawned, log);
    }

    /** The latency_ms our function logged for the first event it handled (-1 if none). */
    long firstLoggedLatency() throws IOException {
      for (String line : Files.readAllLines(log)) {
        int at = line.indexOf("\"latency_ms\":");
        if (at >= 0 && line.contains("\"failover_outcome\"")) { // the function's line, not audit
          return Long.parseLong(line.substring(at + 13).replaceAll("[^0-9].*", ""));
        }
      }
      return -1;
    }

    /** Milliseconds from spawn to the first 2xx answer to {@code body}. */
    long firstAnswer(String body) throws Exception {
      long deadline = spawnedNanos + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        try {
          int status = post(body);
          if (status / 100 == 2) {
            return (System.nanoTime() - spawnedNanos) / 1_000_000;
          }
          throw new IllegalStateException("first answer was HTTP " + status);
        } catch (ConnectException notYet) {
          Thread.sleep(5);
        }
      }
      throw new IllegalStateException("no answer within 60 s");
    }

    int post(String body) throws IOException, InterruptedException {
      HttpRequest r =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A {@code /proc/PID/status} figure in KiB. */
    long status(String field) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      throw new IllegalStateException(field + " not in /proc status");
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}

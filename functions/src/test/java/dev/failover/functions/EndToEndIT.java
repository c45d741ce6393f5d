package dev.failover.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.functions.invoker.runner.Invoker;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.BuildStatus;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.Region;
import dev.failover.core.port.Pause;
import dev.failover.core.testing.Emulator;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.core.testing.Reliability;
import dev.failover.fake.bigquery.BigQueryWriteFake;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.gcp.audit.AuditOutput;
import dev.failover.gcp.audit.StorageWriteAuditTable;
import dev.failover.gcp.config.Components;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.Payloads;
import dev.failover.gcp.pubsub.Publishing;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path on real components: events published to the Pub/Sub emulator, delivered by a
 * bridge (as the functions' push subscriptions do: pull, POST the wrapped push body, ack on 2xx,
 * nack otherwise; the emulator's own push is not used because scenarios must be paused between
 * tests and deliveries counted) to the five functions served by the real Functions Framework
 * invoker over HTTP, with memory in the Firestore emulator and the load balancer in the Compute
 * fake; a scheduler thread publishes ticks. Health comes from a file the test edits. The policy's
 * times are short so that ramps finish in seconds.
 */
class EndToEndIT {
  static final String PROJECT = "demo-project";
  static final Region US = Region.of("us-central1");
  static final Region EU = Region.of("europe-west1");
  static final Region ASIA = Region.of("asia-east1");
  static final List<Region> REGIONS = List.of(US, EU, ASIA);
  static final String BS =
      "https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/app-";
  static final Map<String, String> TOPICS =
      Map.of(
          "alerts",
          "failover-alerts",
          "builds",
          "cloud-builds",
          "commands",
          "failover-commands",
          "verified",
          "failover-commands-verified",
          "tick",
          "failover-ticks");
  static final Map<String, Class<?>> TARGETS =
      Map.of(
          "alerts",
          AlertsFunction.class,
          "builds",
          BuildsFunction.class,
          "commands",
          CommandsFunction.class,
          "verified",
          VerifiedCommandsFunction.class,
          "tick",
          TickFunction.class);

  /**
   * The two command endpoints, served over HTTP; the test plays Cloud Run's part in front of them
   * (it hands on the caller's token with the signature replaced, as Cloud Run does once its IAM
   * check passed).
   */
  static final Map<String, Class<?>> ENDPOINTS =
      Map.of(
          "endpoint",
          CommandEndpointFunction.class,
          "break-glass",
          BreakGlassEndpointFunction.class);

  /** Where the endpoints publish: the emulator's verified-commands topic. */
  static dev.failover.gcp.intake.CommandEndpoint.Outlet verifiedOutlet;

  static final String EVENTS_TOPIC = "failover-events";
  static final String AUDIT_TABLE =
      "projects/" + PROJECT + "/datasets/failover_audit/tables/audit_records";
  static Emulator pubsub;
  static Emulator firestore;
  static ComputeFake fake;
  static BigQueryWriteFake bigQuery;
  static StorageWriteAuditTable auditTable;
  static ManagedChannel channel;
  static SubscriptionAdminClient subs;
  static final Map<String, Integer> ports = new HashMap<>();
  static final List<Invoker> invokers = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static final AtomicBoolean running = new AtomicBoolean(true);

  /** Between scenarios the bridge holds back, so that no message of one reaches the next. */
  static final AtomicBoolean paused = new AtomicBoolean(true);

  static ExecutorService bridge;
  static int scenario;

  String urlMap;
  Path healthFile;
  RecordingAuditSink audit;
  Components runtime;

  @BeforeAll
  static void start() throws Exception {
    // a subclass runs the same scenarios on another layout, after this class stopped everything
    running.set(true);
    paused.set(true);
    invokers.clear();
    ports.clear();
    HANDLED.clear();
    pubsub = Emulator.pubsub();
    firestore = Emulator.firestore();
    fake = ComputeFake.start();
    bigQuery =
        BigQueryWriteFake.start(Path.of("../schema/audit_record.bigquery.json"), AUDIT_TABLE);
    auditTable =
        StorageWriteAuditTable.open(
            AUDIT_TABLE, Optional.of(bigQuery.endpoint()), Duration.ofSeconds(10));
    channel = ManagedChannelBuilder.forTarget(pubsub.hostPort()).usePlaintext().build();
    TransportChannelProvider cp =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    subs =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(cp)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    try (TopicAdminClient topics =
        TopicAdminClient.create(
            TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(cp)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      // change notifications out, and a subscription a chat integration would have
      topics.createTopic(TopicName.of(PROJECT, EVENTS_TOPIC));
      subs.createSubscription(
          SubscriptionName.of(PROJECT, "events-watch"),
          TopicName.of(PROJECT, EVENTS_TOPIC),
          PushConfig.getDefaultInstance(),
          10);
      for (Map.Entry<String, String> t : TOPICS.entrySet()) {
        topics.createTopic(TopicName.of(PROJECT, t.getValue()));
        subs.createSubscription(
            SubscriptionName.of(PROJECT, "push-" + t.getKey()),
            TopicName.of(PROJECT, t.getValue()),
            PushConfig.getDefaultInstance(),
            10);
      }
    }
    for (Map.Entry<String, Class<?>> t : TARGETS.entrySet()) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Invoker inv =
          new Invoker(port, t.getValue().getName(), "http", EndToEndIT.class.getClassLoader());
      inv.startTestServer();
      invokers.add(inv);
      ports.put(t.getKey(), port);
    }
    for (Map.Entry<String, Class<?>> t : ENDPOINTS.entrySet()) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Invoker inv =
          new Invoker(port, t.getValue().getName(), "http", EndToEndIT.class.getClassLoader());
      inv.startTestServer();
      invokers.add(inv);
      ports.put(t.getKey(), port);
    }
    verifiedOutlet =
        Components.verifiedCommands(
            Map.of(
                "FAILOVER_VERIFIED_COMMANDS_TOPIC",
                "projects/" + PROJECT + "/topics/" + TOPICS.get("verified"),
                "PUBSUB_EMULATOR_HOST",
                pubsub.hostPort()));
    bridge = Executors.newFixedThreadPool(TOPICS.size() + 1);
    for (String stream : TOPICS.keySet()) {
      bridge.submit(() -> deliverLoop(stream));
    }
    bridge.submit(EndToEndIT::tickLoop);
  }

  @AfterAll
  static void stop() throws Exception {
    running.set(false);
    bridge.shutdownNow();
    for (Invoker i : invokers) {
      i.stopServer();
    }
    Wiring.install(null);
    subs.close();
    channel.shutdownNow();
    // a pull blocked on the emulator ends with the channel: no loop outlives this class
    assertTrue(
        bridge.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS), "bridge stopped");
    fake.close();
    auditTable.close();
    bigQuery.close();
    pubsub.close();
    firestore.close();
  }

  /** Deliveries each function answered with 2xx (acked), by stream: a positive barrier. */
  static final Map<String, AtomicInteger> HANDLED = new java.util.concurrent.ConcurrentHashMap<>();

  static int handled(String stream) {
    return HANDLED.computeIfAbsent(stream, k -> new AtomicInteger()).get();
  }

  /**
   * Waits until {@code n} more ticks have been handled: whatever the controller would do on its own
   * by then, it has done (absence is checked after this, never after a sleep).
   */
  static void afterTicks(int n) throws InterruptedException {
    int target = handled("tick") + n;
    await(n + " more ticks handled", Duration.ofSeconds(30), () -> handled("tick") >= target);
  }

  /** Deliveries being made now: {@link #close} waits for none before it drains the topics. */
  static final AtomicInteger IN_FLIGHT = new AtomicInteger();

  /** The push subscription's part: pull, wrap as a push body, POST, ack on 2xx, nack otherwise. */
  static void deliverLoop(String stream) {
    SubscriptionName sub = SubscriptionName.of(PROJECT, "push-" + stream);
    while (running.get()) {
      try {
        if (paused.get()) {
          Thread.sleep(50); // between tests: idle
          continue;
        }
        // a pull on the emulator blocks until a message comes: it is not counted as in flight
        PullResponse r = subs.pull(sub, 20);
        if (r.getReceivedMessagesCount() == 0) {
          Thread.sleep(50); // a poll interval on an empty subscription
          continue;
        }
        IN_FLIGHT.incrementAndGet();
        try {
          // the pause is checked again once counted: close() either sees this delivery in flight
          // or this loop sees the pause and hands the messages back
          if (paused.get()) {
            subs.modifyAckDeadline(
                sub,
                r.getReceivedMessagesList().stream().map(ReceivedMessage::getAckId).toList(),
                0);
          } else {
            deliverBatch(stream, sub, r);
          }
        } finally {
          IN_FLIGHT.decrementAndGet();
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!running.get()) {
          return;
        }
      }
    }
  }

  /**
   * The deliveries of one pull: POST each as Pub/Sub's wrapped push body (both casings of the id
   * and the time, and the delivery attempt, as the push docs show it), ack on 2xx, nack otherwise.
   */
  static void deliverBatch(String stream, SubscriptionName sub, PullResponse r) throws Exception {
    List<String> ack = new ArrayList<>();
    List<String> nack = new ArrayList<>();
    for (ReceivedMessage m : r.getReceivedMessagesList()) {
      JsonObject msg = new JsonObject();
      msg.addProperty(
          "data", Base64.getEncoder().encodeToString(m.getMessage().getData().toByteArray()));
      JsonObject attrs = new JsonObject();
      m.getMessage().getAttributesMap().forEach(attrs::addProperty);
      msg.add("attributes", attrs);
      msg.addProperty("messageId", m.getMessage().getMessageId());
      msg.addProperty("message_id", m.getMessage().getMessageId());
      Instant published =
          Instant.ofEpochSecond(
              m.getMessage().getPublishTime().getSeconds(),
              m.getMessage().getPublishTime().getNanos());
      msg.addProperty("publishTime", published.toString());
      msg.addProperty("publish_time", published.toString());
      JsonObject body = new JsonObject();
      body.add("message", msg);
      body.addProperty("subscription", sub.toString());
      body.addProperty("deliveryAttempt", Math.max(1, m.getDeliveryAttempt()));
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(stream) + "/"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
              .build();
      int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      (status / 100 == 2 ? ack : nack).add(m.getAckId());
      if (status / 100 == 2) {
        HANDLED.computeIfAbsent(stream, k -> new AtomicInteger()).incrementAndGet();
      }
    }
    if (!ack.isEmpty()) {
      subs.acknowledge(sub, ack);
    }
    if (!nack.isEmpty()) {
      subs.modifyAckDeadline(sub, nack, 0);
    }
  }

  /** Cloud Scheduler's part: a tick twice a second. */
  static void tickLoop() {
    while (running.get()) {
      try {
        publish("tick", "{}", Map.of());
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the emulator is going away at the end
      }
    }
  }

  static String publish(String stream, String data, Map<String, String> attributes) {
    return Publishing.publish(
        PROJECT, TOPICS.get(stream), data, attributes, Optional.of(pubsub.hostPort()));
  }

  /** The load balancer's layout these scenarios run on; {@link EndToEndSubsetsIT} overrides it. */
  Front front() {
    return Front.WEIGHTS;
  }

  @BeforeEach
  void freshLoadBalancer() throws Exception {
    urlMap = "app-url-map-" + (++scenario);
    fake.putUrlMap(PROJECT, urlMap, front().urlMap());
    healthFile = Files.createTempFile("health", ".json");
    health(Map.of(US, "HEALTHY", EU, "HEALTHY", ASIA, "HEALTHY"));
    install(false);
    paused.set(false);
  }

  void install(boolean drainOnDeploy) {
    Map<String, String> env = new HashMap<>();
    env.put("FAILOVER_ADAPTERS", "google");
    env.put("FAILOVER_TOPOLOGY", front().topology(urlMap));
    env.put(
        "FAILOVER_POLICY",
        "{\"restore_after\":\"PT2S\",\"step_dwell\":\"PT1S\",\"flap_window\":\"PT10M\",\"max_restore_hold\":\"PT1M\",\"drain_on_deploy\":"
            + drainOnDeploy
            + "}");
    env.put("FAILOVER_COMPUTE_ENDPOINT", fake.endpoint());
    env.put("FIRESTORE_EMULATOR_HOST", firestore.hostPort());
    env.put("FAILOVER_HEALTH_FILE", healthFile.toString());
    env.put("FAILOVER_BUILD_SERVICE", "app");
    env.put("FAILOVER_EVENTS", "projects/" + PROJECT + "/topics/" + EVENTS_TOPIC);
    env.put("PUBSUB_EMULATOR_HOST", pubsub.hostPort());
    Env e = Env.from(env);
    if (runtime != null) {
      runtime.close();
    }
    runtime = Components.open(e, Clock.systemUTC(), env, m -> {});
    audit = new RecordingAuditSink();
    // as production: each record is a line (here: kept for the assertions) and a row of the audit
    // table, appended after the delivery, kept in the Firestore outbox when the append fails
    AuditOutput rows =
        AuditOutput.bigQuery(audit, auditTable, runtime.auditOutbox(), m -> {}, List.of());
    Wiring.install(
        Wiring.Composition.of(
            runtime, runtime.intake(e, rows.sink(), Clock.systemUTC(), Pause.NONE), rows));
    for (OperatorCommands.Door door :
        List.of(OperatorCommands.Door.ENDPOINT, OperatorCommands.Door.BREAK_GLASS_ENDPOINT)) {
      // the endpoints have no outbox: their account may touch nothing else
      AuditOutput endpointRows =
          AuditOutput.bigQuery(audit, auditTable, Optional.empty(), m -> {}, List.of());
      Wiring.installEndpoint(
          door,
          dev.failover.gcp.config.Assembly.commandEndpoint(
              door, e, verifiedOutlet, endpointRows.sink(), Clock.systemUTC()),
          Optional.of(endpointRows));
    }
  }

  /**
   * POSTs a command to an endpoint as Cloud Run hands it on after its IAM check: the caller's ID
   * token with the signature replaced by SIGNATURE_REMOVED_BY_GOOGLE.
   */
  static HttpResponse<String> post(String endpoint, String email, String command) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String token =
        b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes())
            + "."
            + b64.encodeToString(
                ("{\"iss\":\"https://accounts.google.com\",\"email\":\""
                        + email
                        + "\",\"email_verified\":true,\"sub\":\"1\"}")
                    .getBytes())
            + ".SIGNATURE_REMOVED_BY_GOOGLE";
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(endpoint) + "/"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(command))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @AfterEach
  void close() throws Exception {
    paused.set(true);
    await("deliveries in flight to finish", Duration.ofSeconds(30), () -> IN_FLIGHT.get() == 0);
    for (String stream : TOPICS.keySet()) {
      SubscriptionName sub = SubscriptionName.of(PROJECT, "push-" + stream);
      for (int empty = 0; empty < 2; ) {
        // returnImmediately: a plain pull on an empty emulator subscription waits for a message
        @SuppressWarnings("deprecation")
        PullResponse r =
            subs.pull(
                com.google.pubsub.v1.PullRequest.newBuilder()
                    .setSubscription(sub.toString())
                    .setMaxMessages(100)
                    .setReturnImmediately(true)
                    .build());
        if (r.getReceivedMessagesCount() == 0) {
          empty++;
          Thread.sleep(100);
        } else {
          subs.acknowledge(
              sub, r.getReceivedMessagesList().stream().map(ReceivedMessage::getAckId).toList());
        }
      }
    }
    assertEveryRecordIsARow();
    runtime.close();
    runtime = null;
  }

  /**
   * Every record the functions wrote in this scenario arrived as a row of the audit table, and the
   * table refused none (the fake checks each row against schema/audit_record.bigquery.json).
   */
  void assertEveryRecordIsARow() {
    java.util.Set<String> written = new java.util.TreeSet<>();
    audit.records().forEach(r -> written.add(r.recordId()));
    java.util.Set<String> missing = new java.util.TreeSet<>(written);
    missing.removeAll(bigQuery.recordIds());
    // counted from what was observed, reported, then required: the CI gate sums these
    Reliability.count("audit_rows_missing", missing.size());
    assertEquals(java.util.Set.of(), missing, "records that are no row of the audit table");
    assertEquals(
        List.of(),
        bigQuery.refusals().stream().filter(r -> !r.contains("(fault ")).toList(),
        "rows the audit table refused");
  }

  void health(Map<Region, String> status) throws Exception {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<Region, String> e : status.entrySet()) {
      b.append(b.length() == 1 ? "" : ",")
          .append('"')
          .append(e.getKey())
          .append("\":{\"status\":\"")
          .append(e.getValue())
          .append("\",\"since\":\"")
          .append(Instant.now())
          .append("\"}");
    }
    Path tmp = Files.createTempFile(healthFile.getParent(), "h", ".json");
    Files.writeString(tmp, b.append('}').toString());
    Files.move(
        tmp,
        healthFile,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The share of its normal traffic {@code r} gets now, in percent. */
  int level(Region r) {
    return front().level(fake.urlMap(PROJECT, urlMap), r);
  }

  /**
   * The levels a region went through, in percent, in the order of the fake's accepted writes to
   * this URL map.
   */
  List<Integer> history(Region r) {
    List<Integer> out = new ArrayList<>();
    for (ComputeFake.Write w : fake.writes()) {
      if (!w.name().equals(urlMap)) {
        continue;
      }
      int v = front().level(w.after(), r);
      if (out.isEmpty() ? v != 100 : out.get(out.size() - 1) != v) {
        out.add(v);
      }
    }
    return out;
  }

  /** Change notifications received so far about this scenario's URL map: kind -> data objects. */
  final List<JsonObject> notifications = new ArrayList<>();

  List<JsonObject> notifications(String kind) {
    @SuppressWarnings("deprecation")
    PullResponse r =
        subs.pull(
            com.google.pubsub.v1.PullRequest.newBuilder()
                .setSubscription(SubscriptionName.of(PROJECT, "events-watch").toString())
                .setMaxMessages(100)
                .setReturnImmediately(true)
                .build());
    for (ReceivedMessage m : r.getReceivedMessagesList()) {
      JsonObject data =
          JsonParser.parseString(m.getMessage().getData().toStringUtf8()).getAsJsonObject();
      assertEquals(
          data.get("kind").getAsString(), m.getMessage().getAttributesOrThrow("kind"), "kind");
      if (data.get("resource").getAsString().equals(urlMap)) {
        data.addProperty("attribute_region", m.getMessage().getAttributesOrThrow("region"));
        notifications.add(data);
      }
    }
    if (r.getReceivedMessagesCount() > 0) {
      subs.acknowledge(
          SubscriptionName.of(PROJECT, "events-watch"),
          r.getReceivedMessagesList().stream().map(ReceivedMessage::getAckId).toList());
    }
    return notifications.stream().filter(n -> n.get("kind").getAsString().equals(kind)).toList();
  }

  static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  long writes() {
    return fake.writes().stream().filter(w -> w.name().equals(urlMap)).count();
  }

  long appliedIds() {
    return audit.records().stream()
        .filter(
            r -> r.kind() == AuditRecord.Kind.CHANGE && r.outcome() == AuditRecord.Outcome.APPLIED)
        .map(AuditRecord::recordId)
        .distinct()
        .count();
  }

  /** Every write to this URL map has exactly one applied record id. */
  void assertAudited() throws InterruptedException {
    // the fake shows a write as soon as it accepts it; the function records the outcome just after
    await("every outcome recorded", Duration.ofSeconds(10), () -> appliedIds() >= writes());
    long applied =
        audit.records().stream()
            .filter(
                r ->
                    r.kind() == AuditRecord.Kind.CHANGE
                        && r.outcome() == AuditRecord.Outcome.APPLIED)
            .map(AuditRecord::recordId)
            .distinct()
            .count();
    if (writes() != applied) {
      fake.writes().stream()
          .filter(w -> w.name().equals(urlMap))
          .forEach(
              w ->
                  System.out.println(
                      "WRITE "
                          + w.fingerprintBefore()
                          + " -> "
                          + w.fingerprintAfter()
                          + " "
                          + w.patch()));
      audit
          .records()
          .forEach(
              r ->
                  System.out.println(
                      "REC "
                          + r.kind()
                          + " "
                          + r.outcome()
                          + " "
                          + r.recordId()
                          + " "
                          + r.trigger().eventId()
                          + " "
                          + r.loadBalancer().fingerprintBefore().orElse("-")
                          + " "
                          + r.message()));
    }
    // counted from what was observed, reported, then required: the CI gate sums these
    Reliability.count("unaudited_writes", Math.abs(writes() - applied));
    assertEquals(writes(), applied, "every write has one applied record");
    Reliability.count("scenarios_passed", 1);
  }

  String alert(String id, String policy, Region r, Instant started, Optional<Instant> ended) {
    return Payloads.monitoringIncident(
        new dev.failover.core.domain.Topology(
            dev.failover.core.domain.Mode.URL_MAP_WEIGHTS,
            PROJECT,
            "app",
            List.of(dev.failover.core.domain.RegionSpec.of(r, "x", 1, 1)),
            0),
        id,
        policy,
        r,
        started,
        ended);
  }

  /**
   * Also: BigQuery fails the first appends of the outage (two requests answered UNAVAILABLE); the
   * drain is not held up, its records wait in the Firestore outbox, and the ticks append them.
   */
  @Test
  void regionalOutage_drains_thenRampsBackAfterItRecovers() throws Exception {
    Instant started = Instant.now();
    health(Map.of(US, "UNHEALTHY", EU, "HEALTHY", ASIA, "HEALTHY"));
    int faults = bigQuery.faultsFired();
    bigQuery.failAppends(2, io.grpc.Status.Code.UNAVAILABLE);
    publish("alerts", alert("0.e2e-outage", "app 5xx us", US, started, Optional.empty()), Map.of());
    await("us-central1 drained", Duration.ofSeconds(30), () -> level(US) == 0);
    await(
        "the outage of BigQuery",
        Duration.ofSeconds(30),
        () -> bigQuery.faultsFired() == faults + 2);
    Reliability.count("faults_injected", bigQuery.faultsFired() - faults);
    health(Map.of(US, "HEALTHY", EU, "HEALTHY", ASIA, "HEALTHY"));
    publish(
        "alerts",
        alert("0.e2e-outage", "app 5xx us", US, started, Optional.of(Instant.now())),
        Map.of());
    await("us-central1 restored", Duration.ofSeconds(60), () -> level(US) == 100);
    assertEquals(List.of(0, 10, 25, 50, 100), history(US), "drained, then one ramp step at a time");
    assertAudited();
    await(
        "the records kept during BigQuery's outage appended by the ticks",
        Duration.ofSeconds(30),
        () ->
            bigQuery
                .recordIds()
                .containsAll(audit.records().stream().map(AuditRecord::recordId).toList()));
  }

  @Test
  void alertStorm_fromSeveralPolicies_drainsWithOneWrite() throws Exception {
    health(Map.of(US, "UNHEALTHY", EU, "HEALTHY", ASIA, "HEALTHY"));
    Instant started = Instant.now();
    int before = handled("alerts");
    for (int i = 0; i < 60; i++) {
      publish(
          "alerts",
          alert("0.storm-" + (i % 3), "policy " + (i % 3), US, started, Optional.empty()),
          Map.of());
    }
    await("us-central1 drained", Duration.ofSeconds(30), () -> level(US) == 0);
    await("every alert handled", Duration.ofSeconds(30), () -> handled("alerts") >= before + 60);
    afterTicks(2);
    assertEquals(1, writes(), "one write for the storm");
    assertAudited();
  }

  @Test
  void everyRegionSick_freezesAfterTheBudgetAndPages() throws Exception {
    health(Map.of(US, "UNHEALTHY", EU, "UNHEALTHY", ASIA, "UNHEALTHY"));
    Instant started = Instant.now();
    // the first region falls sick alone and is drained; then the other two: the budget holds the
    // second drain, and with every region wanted out the controller freezes and pages
    publish(
        "alerts", alert("0.sick-" + US, "app 5xx " + US, US, started, Optional.empty()), Map.of());
    await("us-central1 drained", Duration.ofSeconds(30), () -> level(US) == 0);
    for (Region r : List.of(EU, ASIA)) {
      publish(
          "alerts", alert("0.sick-" + r, "app 5xx " + r, r, started, Optional.empty()), Map.of());
    }
    await(
        "a page",
        Duration.ofSeconds(30),
        () -> audit.records().stream().anyMatch(r -> r.kind() == AuditRecord.Kind.PAGE));
    afterTicks(2);
    assertEquals(1, writes(), "exactly the one drain the budget allows");
    assertEquals(100, level(EU));
    assertEquals(100, level(ASIA));
    assertAudited();
  }

  @Test
  void rollingDeploy_drainsEachRegionWhileItDeploys() throws Exception {
    install(true);
    for (Region r : List.of(US, EU)) {
      String id = "b-" + r;
      Payloads.BuildMessage working =
          Payloads.cloudBuild(
              PROJECT,
              id,
              BuildStatus.WORKING,
              "app",
              r,
              Instant.now(),
              CloudBuilds.Routing.defaults(Optional.empty()));
      publish("builds", working.data(), working.attributes());
      await(r + " drained for its deploy", Duration.ofSeconds(30), () -> level(r) == 0);
      Payloads.BuildMessage success =
          Payloads.cloudBuild(
              PROJECT,
              id,
              BuildStatus.SUCCESS,
              "app",
              r,
              Instant.now(),
              CloudBuilds.Routing.defaults(Optional.empty()));
      publish("builds", success.data(), success.attributes());
      try {
        await(r + " back after its deploy", Duration.ofSeconds(60), () -> level(r) == 100);
      } catch (AssertionError e) {
        audit
            .records()
            .forEach(
                x ->
                    System.out.println(
                        "REC "
                            + x.kind()
                            + " "
                            + x.outcome()
                            + " "
                            + x.trigger().type()
                            + " "
                            + x.message()));
        throw e;
      }
      assertEquals(List.of(0, 10, 25, 50, 100), history(r));
    }
    assertAudited();
  }

  @Test
  void manualDrainWithExpiry_comesBackWhenThePinRunsOut() throws Exception {
    String drain =
        OperatorCommands.encode(
            ControllerEvent.CommandEvent.Action.DRAIN,
            EU,
            "e2e drill",
            "alice@example.com",
            Optional.of(Duration.ofMinutes(1)),
            false,
            Instant.now(),
            Optional.empty());
    publish("commands", drain, Map.of());
    await("europe-west1 drained", Duration.ofSeconds(30), () -> level(EU) == 0);
    await(
        "europe-west1 back after the pin expired", Duration.ofSeconds(100), () -> level(EU) == 100);
    assertTrue(audit.records().stream().anyMatch(r -> r.kind() == AuditRecord.Kind.EXPIRED));
    assertEquals(List.of(0, 10, 25, 50, 100), history(EU));
    assertAudited();
  }

  @Test
  void commandsThroughTheEndpoints_carryTheVerifiedPrincipal_breakGlassOnlyThroughItsOwn()
      throws Exception {
    String glass =
        OperatorCommands.encode(
            ControllerEvent.CommandEvent.Action.DRAIN,
            EU,
            "e2e break glass",
            "whoever I claim to be",
            Optional.of(Duration.ofMinutes(5)),
            true,
            Instant.now(),
            Optional.empty());
    HttpResponse<String> forbidden = post("endpoint", "carol@example.com", glass);
    assertEquals(403, forbidden.statusCode(), forbidden.body());
    publish("commands", glass, Map.of("failover_principal", "ceo@example.com"));
    await(
        "the break-glass command published straight to the topic rejected",
        Duration.ofSeconds(30),
        () ->
            audit.records().stream()
                .anyMatch(
                    r ->
                        r.kind() == AuditRecord.Kind.REJECTED
                            && r.trigger().principal().isEmpty()
                            && r.message().startsWith("break_glass is accepted only")));
    assertEquals(100, level(EU), "neither refused command changed anything");

    HttpResponse<String> accepted = post("break-glass", "dana@example.com", glass);
    assertEquals(202, accepted.statusCode(), accepted.body());
    assertTrue(accepted.body().contains("\"principal\":\"dana@example.com\""), accepted.body());
    await(
        "europe-west1 drained by the break-glass command",
        Duration.ofSeconds(30),
        () -> level(EU) == 0);
    // the command's delivery records it with the principal; the write itself may come from a tick
    // that read the pin first (the scheduler runs alongside), so look for the delivery's record
    await(
        "the break-glass command recorded with its principal",
        Duration.ofSeconds(10),
        () ->
            audit.records().stream()
                .anyMatch(r -> r.trigger().principal().equals(Optional.of("dana@example.com"))));
    AuditRecord recorded =
        audit.records().stream()
            .filter(r -> r.trigger().principal().equals(Optional.of("dana@example.com")))
            .findFirst()
            .orElseThrow();
    assertEquals(Optional.of("whoever I claim to be"), recorded.trigger().actor());
    assertEquals(
        Optional.of("dana@example.com"),
        runtime.store().load().region(EU).pin().orElseThrow().principal(),
        "the pin names its verified sender");

    HttpResponse<String> restored =
        post(
            "endpoint",
            "carol@example.com",
            OperatorCommands.encode(
                ControllerEvent.CommandEvent.Action.RESTORE,
                EU,
                "e2e done",
                "carol",
                Optional.empty(),
                false,
                Instant.now(),
                Optional.empty()));
    assertEquals(202, restored.statusCode(), restored.body());
    await("europe-west1 back through the ramp", Duration.ofSeconds(60), () -> level(EU) == 100);
    assertEquals(List.of(0, 10, 25, 50, 100), history(EU));
    assertAudited();
  }

  @Test
  void drill_drainsUnderTheRules_andIsAbortedWhenAnotherRegionFails() throws Exception {
    publish("commands", command(ControllerEvent.CommandEvent.Action.DRILL, US, "PT30M"), Map.of());
    await("us-central1 drained for the drill", Duration.ofSeconds(30), () -> level(US) == 0);
    await(
        "a drill notification",
        Duration.ofSeconds(10),
        () ->
            notifications("drill").stream()
                .anyMatch(n -> n.get("rule").getAsString().equals("drill")));
    JsonObject started = notifications("drill").get(0);
    assertEquals("us-central1", started.get("attribute_region").getAsString());
    assertEquals("alice@example.com", started.get("actor").getAsString());

    // europe-west1 fails during the drill: us-central1 comes back at once, europe-west1 drains
    health(Map.of(US, "HEALTHY", EU, "UNHEALTHY", ASIA, "HEALTHY"));
    publish(
        "alerts",
        alert("0.e2e-drill", "app 5xx eu", EU, Instant.now(), Optional.empty()),
        Map.of());
    await("drill aborted", Duration.ofSeconds(30), () -> level(US) == 100 && level(EU) == 0);
    assertEquals(List.of(0, 100), history(US), "restored at once, no ramp");
    await(
        "an aborted-drill notification",
        Duration.ofSeconds(10),
        () ->
            notifications("drill").stream()
                .anyMatch(n -> n.get("rule").getAsString().equals("drill_aborted")));

    // a drill while europe-west1 is out is refused, and nothing moves
    long before = writes();
    publish(
        "commands", command(ControllerEvent.CommandEvent.Action.DRILL, ASIA, "PT30M"), Map.of());
    await(
        "the refusal",
        Duration.ofSeconds(30),
        () ->
            audit.records().stream()
                .anyMatch(
                    r ->
                        r.kind() == AuditRecord.Kind.DRILL
                            && r.error().orElse("").startsWith("refused: ")));
    assertEquals(before, writes());
    assertEquals(100, level(ASIA));
    afterTicks(3); // a refused command is acked, not redelivered again and again
    assertEquals(
        1,
        audit.records().stream()
            .filter(
                r ->
                    r.kind() == AuditRecord.Kind.DRILL
                        && r.error().orElse("").startsWith("refused: "))
            .count());
    assertAudited();
  }

  @Test
  void drift_aPersonsChangeIsRecordedAndAdopted_notFought() throws Exception {
    afterTicks(3); // a few ticks on the untouched load balancer: no drift
    assertEquals(List.of(), notifications("drift"));
    // someone takes europe-west1 off in the console
    JsonObject patch = new JsonObject();
    patch.add("defaultRouteAction", front().without(fake.urlMap(PROJECT, urlMap), EU));
    fake.editOutOfBand("urlMaps", PROJECT, urlMap, patch);

    await("a drift notification", Duration.ofSeconds(30), () -> !notifications("drift").isEmpty());
    JsonObject drift = notifications("drift").get(0);
    assertEquals("adopt", drift.get("rule").getAsString());
    assertEquals("europe-west1", drift.get("attribute_region").getAsString());
    afterTicks(4); // ticks go on: the adopted change stands
    assertEquals(0, level(EU));
    assertEquals(0, writes(), "the controller did not fight the change");
    assertEquals(1, notifications("drift").size(), "one notification per change, not per tick");
    assertTrue(
        audit.records().stream()
            .anyMatch(
                r ->
                    r.kind() == AuditRecord.Kind.DRIFT
                        && r.message().contains("adopted [europe-west1]")));
    assertAudited();
  }

  static String command(ControllerEvent.CommandEvent.Action action, Region r, String ttl) {
    return OperatorCommands.encode(
        action,
        r,
        "e2e evacuation drill",
        "alice@example.com",
        Optional.of(Duration.parse(ttl)),
        false,
        Instant.now(),
        Optional.empty());
  }

  /**
   * How the scenarios' load balancer is laid out, read and edited by hand, in each URL-map mode.
   * Levels are in percent of a region's normal traffic, so that both modes share the scenarios.
   */
  enum Front {
    /** A backend service per region, weights 100 each. */
    WEIGHTS {
      @Override
      JsonObject urlMap() {
        Map<String, Integer> w = new java.util.LinkedHashMap<>();
        REGIONS.forEach(r -> w.put(BS + r, 100));
        return defaultRoute(w);
      }

      @Override
      String topology(String urlMap) {
        StringBuilder regions = new StringBuilder();
        for (Region r : REGIONS) {
          regions
              .append(regions.length() == 0 ? "" : ",")
              .append("{\"region\":\"")
              .append(r)
              .append("\",\"backend\":\"")
              .append(BS)
              .append(r)
              .append("\",\"base_weight\":100,\"capacity_rps\":1000}");
        }
        return "{\"mode\":\"URL_MAP_WEIGHTS\",\"project\":\""
            + PROJECT
            + "\",\"resource\":\""
            + urlMap
            + "\",\"expected_rps\":1500,\"regions\":["
            + regions
            + "]}";
      }

      @Override
      int level(JsonObject urlMap, Region r) {
        return weights(urlMap).get(BS + r);
      }

      @Override
      JsonObject without(JsonObject urlMap, Region r) {
        Map<String, Integer> w = weights(urlMap);
        w.put(BS + r, 0);
        return defaultRoute(w).getAsJsonObject("defaultRouteAction");
      }
    },

    /**
     * Backend services {@code all} and {@code all-but-X} per region (what the service-front module
     * lays out with max_regions_out = 1), all = 1000. Each region's 300 RPS of users spill whole to
     * the first other region in REGIONS' order that serves: 600 there stays under 80 % of its 1000.
     */
    SUBSETS {
      @Override
      JsonObject urlMap() {
        return defaultRoute(subsetWeights(Optional.empty()));
      }

      @Override
      String topology(String urlMap) {
        StringBuilder regions = new StringBuilder();
        StringBuilder subsets = new StringBuilder();
        for (Region r : REGIONS) {
          regions
              .append(regions.length() == 0 ? "" : ",")
              .append("{\"region\":\"")
              .append(r)
              .append("\",\"backend\":\"https://www.googleapis.com/compute/v1/projects/")
              .append(PROJECT)
              .append("/regions/")
              .append(r)
              .append("/networkEndpointGroups/app-all\",\"capacity_rps\":1000,\"users_rps\":300,")
              .append("\"spill_to\":[")
              .append(
                  String.join(
                      ",",
                      REGIONS.stream()
                          .filter(o -> !o.equals(r))
                          .map(o -> "\"" + o + "\"")
                          .toList()))
              .append("]}");
        }
        for (String name : subsetNames()) {
          subsets
              .append(subsets.length() == 0 ? "" : ",")
              .append("{\"name\":\"")
              .append(name)
              .append("\",\"backend\":\"")
              .append(BS)
              .append(name)
              .append("\",\"regions\":[")
              .append(String.join(",", held(name).stream().map(r -> "\"" + r + "\"").toList()))
              .append("]}");
        }
        return "{\"mode\":\"URL_MAP_SUBSETS\",\"project\":\""
            + PROJECT
            + "\",\"resource\":\""
            + urlMap
            + "\",\"expected_rps\":900,\"regions\":["
            + regions
            + "],\"subsets\":["
            + subsets
            + "]}";
      }

      /** The weight of the subsets holding {@code r}, over all the weight. */
      @Override
      int level(JsonObject urlMap, Region r) {
        int in = 0;
        int total = 0;
        for (Map.Entry<String, Integer> e : weights(urlMap).entrySet()) {
          total += e.getValue();
          if (held(e.getKey().substring(BS.length())).contains(r)) {
            in += e.getValue();
          }
        }
        return Math.round(100f * in / total);
      }

      @Override
      JsonObject without(JsonObject urlMap, Region r) {
        return defaultRoute(subsetWeights(Optional.of(r))).getAsJsonObject("defaultRouteAction");
      }

      /** 1000 on {@code all}, or on {@code all-but-out}; 0 on every other subset. */
      Map<String, Integer> subsetWeights(Optional<Region> out) {
        Map<String, Integer> w = new java.util.LinkedHashMap<>();
        for (String name : subsetNames()) {
          boolean on = name.equals(out.map(r -> "all-but-" + r).orElse("all"));
          w.put(BS + name, on ? 1000 : 0);
        }
        return w;
      }

      List<String> subsetNames() {
        List<String> out = new ArrayList<>(List.of("all"));
        REGIONS.forEach(r -> out.add("all-but-" + r));
        return out;
      }

      List<Region> held(String subset) {
        return REGIONS.stream().filter(r -> !subset.equals("all-but-" + r)).toList();
      }
    };

    /** The URL map as first created. */
    abstract JsonObject urlMap();

    /** FAILOVER_TOPOLOGY for that URL map. */
    abstract String topology(String urlMap);

    /** The share of its normal traffic {@code r} gets in {@code urlMap}, in percent. */
    abstract int level(JsonObject urlMap, Region r);

    /** The default route action of {@code urlMap} with {@code r} taken out, as a person would. */
    abstract JsonObject without(JsonObject urlMap, Region r);

    static Map<String, Integer> weights(JsonObject urlMap) {
      Map<String, Integer> out = new java.util.LinkedHashMap<>();
      for (var e :
          urlMap.getAsJsonObject("defaultRouteAction").getAsJsonArray("weightedBackendServices")) {
        JsonObject w = e.getAsJsonObject();
        out.put(w.get("backendService").getAsString(), w.get("weight").getAsInt());
      }
      return out;
    }

    static JsonObject defaultRoute(Map<String, Integer> weights) {
      com.google.gson.JsonArray wbs = new com.google.gson.JsonArray();
      weights.forEach(
          (bs, w) -> {
            JsonObject o = new JsonObject();
            o.addProperty("backendService", bs);
            o.addProperty("weight", w);
            wbs.add(o);
          });
      JsonObject action = new JsonObject();
      action.add("weightedBackendServices", wbs);
      JsonObject um = new JsonObject();
      um.add("defaultRouteAction", action);
      return um;
    }
  }
}

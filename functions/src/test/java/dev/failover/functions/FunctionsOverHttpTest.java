package dev.failover.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.functions.invoker.runner.Invoker;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.port.TransientException;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.audit.AuditOutput;
import dev.failover.gcp.audit.AuditRow;
import dev.failover.gcp.audit.AuditTable;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alerts function served by the real Functions Framework invoker (1.4.3), over HTTP, as a
 * Pub/Sub push subscription calls it: 204 (acked) for handled and refused input, 500 (redelivered)
 * for a transient failure, and the push bodies Pub/Sub and its emulator really send.
 */
class FunctionsOverHttpTest {
  private static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  private static Invoker invoker;
  private static int port;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private InMemoryLoadBalancer lb;
  private RecordingAuditSink audit;
  private static int ids = 1000;

  @BeforeAll
  static void startInvoker() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    invoker =
        new Invoker(
            port,
            AlertsFunction.class.getName(),
            "http",
            FunctionsOverHttpTest.class.getClassLoader());
    invoker.startTestServer();
  }

  @AfterAll
  static void stopInvoker() throws Exception {
    invoker.stopServer();
    Wiring.install(null);
  }

  private ScriptedHealthSource health;

  private static Env env() {
    return Env.embedded(
        TOPOLOGY,
        Policy.defaults(),
        Map.of(),
        CloudBuilds.Routing.defaults(Optional.empty()),
        Duration.ofDays(3650));
  }

  @BeforeEach
  void install() {
    lb = new InMemoryLoadBalancer(TOPOLOGY.baseConfig());
    audit = new RecordingAuditSink();
    health = new ScriptedHealthSource();
    for (Region r : TOPOLOGY.regionNames()) {
      health.report(r, Health.Status.HEALTHY, Instant.now().minus(Duration.ofHours(1)));
    }
    // the golden alert started in 2026-11; the test clock is the real one. Health agrees with the
    // alert: an incident that old in a healthy region would be closed as stale
    // (incident_stale_after)
    health.report(Region.of("us-central1"), Health.Status.UNHEALTHY, Instant.now());
    Wiring.install(
        Wiring.Composition.of(
            Assembly.intake(
                env(),
                new InMemoryStateStore(),
                lb,
                health,
                audit,
                Clock.systemUTC(),
                Pause.NONE)));
  }

  private static String alertData() throws Exception {
    try (InputStream in = FunctionsOverHttpTest.class.getResourceAsStream("/alert-open.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** What a push subscription sends: POST, the wrapped message as JSON. */
  private static HttpResponse<String> push(String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static String envelope(String data) {
    String id = Integer.toString(ids++);
    return PubsubMessage.envelope(
        id, Instant.now(), Map.of(), data, "projects/demo-project/subscriptions/failover-alerts");
  }

  @Test
  void aPushOfAValidAlert_is204AndDrains() throws Exception {
    HttpResponse<String> r = push(envelope(alertData()));
    assertEquals(204, r.statusCode());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
  }

  /**
   * The body as the Pub/Sub emulator pushes it (gcp-local-testing recipe, section 2: slashes
   * escaped, both casings of the id and the time) and as Pub/Sub documents it with a dead-letter
   * policy ({@code deliveryAttempt}): both are read, and the message id is the one deduplicated on.
   */
  @Test
  void theGoldenPushBodies_areReadAsTheMessageTheyCarry() throws Exception {
    String data = Base64.getEncoder().encodeToString(alertData().getBytes(StandardCharsets.UTF_8));
    String now = Instant.now().toString();
    String emulator =
        "{\"subscription\":\"projects\\/demo-project\\/subscriptions\\/failover-alerts\","
            + "\"message\":{\"publishTime\":\""
            + now
            + "\",\"data\":\""
            + data
            + "\",\"publish_time\":\""
            + now
            + "\",\"messageId\":\"4\",\"attributes\":{},\"message_id\":\"4\"}}";
    assertEquals(204, push(emulator).statusCode());
    assertEquals(1, lb.writes().size());
    String documented =
        "{\"message\":{\"attributes\":{},\"data\":\""
            + data
            + "\",\"messageId\":\"4\",\"message_id\":\"4\",\"publishTime\":\""
            + now
            + "\",\"publish_time\":\""
            + now
            + "\"},\"subscription\":\"projects/demo-project/subscriptions/failover-alerts\","
            + "\"deliveryAttempt\":2}";
    assertEquals(204, push(documented).statusCode());
    assertEquals(1, lb.writes().size(), "the same message id: a redelivery, nothing new");
    assertTrue(
        audit.records().stream()
            .anyMatch(a -> a.kind().wire().equals("ignored") && a.trigger().eventId().equals("4")),
        audit.records().toString());
  }

  @Test
  void rejectedInput_is204SoPubSubDoesNotRetryIt() throws Exception {
    HttpResponse<String> r = push("{\"message\":{\"data\":\"!!\",\"messageId\":\"9\"}}");
    assertEquals(204, r.statusCode());
    assertEquals(0, lb.writes().size());
    assertEquals("rejected", audit.records().get(0).kind().wire());
  }

  @Test
  void anEnvelopeOverTheLimit_isRejectedAsSuch_andAcked() throws Exception {
    HttpResponse<String> r =
        push("{\"pad\":\"" + "x".repeat(PubsubMessage.MAX_ENVELOPE_BYTES) + "\"}");
    assertEquals(204, r.statusCode());
    assertEquals(0, lb.writes().size());
    assertTrue(audit.records().get(0).message().contains("at most"), audit.records().toString());
  }

  @Test
  void aGet_is405AndChangesNothing() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, r.statusCode());
    assertEquals(0, lb.writes().size());
    assertEquals(0, audit.records().size());
  }

  /**
   * The audit table down and no outbox to keep the rows in: the drain is written all the same (it
   * never waits for BigQuery), the delivery answers 500 so Pub/Sub redelivers, and the redelivery
   * (a duplicate for the controller) appends the first attempt's rows with its own.
   */
  @Test
  void auditRowsThatCanBeNeitherAppendedNorKept_failTheDelivery_andArriveWithTheRedelivery()
      throws Exception {
    List<List<AuditRow>> appended = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger(1);
    AuditTable table =
        rows -> {
          if (failures.getAndDecrement() > 0) {
            throw new TransientException("BigQuery answered UNAVAILABLE");
          }
          appended.add(rows);
        };
    AuditOutput out = AuditOutput.bigQuery(audit, table, Optional.empty(), m -> {}, List.of());
    Wiring.install(
        Wiring.Composition.of(
            Assembly.intake(
                env(),
                new InMemoryStateStore(),
                lb,
                health,
                out.sink(),
                Clock.systemUTC(),
                Pause.NONE),
            out));
    String envelope = envelope(alertData());
    assertEquals(500, push(envelope).statusCode());
    assertEquals(1, lb.writes().size(), "the drain went out");
    assertEquals(List.of(), appended);
    assertEquals(204, push(envelope).statusCode());
    List<String> ids = appended.stream().flatMap(List::stream).map(AuditRow::recordId).toList();
    assertEquals(
        audit.records().stream().map(a -> a.recordId()).distinct().toList(),
        ids.stream().distinct().toList(),
        "every record, the first attempt's included, is a row");
    assertEquals(1, lb.writes().size(), "the redelivery changed nothing");
  }

  @Test
  void transientFailure_is500SoPubSubRedelivers() throws Exception {
    lb.failNextApply(new TransientException("compute answered 503"));
    HttpResponse<String> r = push(envelope(alertData()));
    assertEquals(500, r.statusCode());
    assertTrue(audit.records().stream().anyMatch(a -> a.outcome().wire().equals("failed")));
  }
}

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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alerts function served by the real Functions Framework invoker (1.4.3), over HTTP, in binary
 * and structured CloudEvents mode: 2xx for handled and refused input, 500 for a transient failure.
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
            "cloudevent",
            FunctionsOverHttpTest.class.getClassLoader());
    invoker.startTestServer();
  }

  @AfterAll
  static void stopInvoker() throws Exception {
    invoker.stopServer();
    Wiring.install(null);
  }

  @BeforeEach
  void install() {
    lb = new InMemoryLoadBalancer(TOPOLOGY.baseConfig());
    audit = new RecordingAuditSink();
    ScriptedHealthSource health = new ScriptedHealthSource();
    for (Region r : TOPOLOGY.regionNames()) {
      health.report(r, Health.Status.HEALTHY, Instant.now().minus(Duration.ofHours(1)));
    }
    // the golden alert started in 2026-11; the test clock is the real one. Health agrees with the
    // alert: an incident that old in a healthy region would be closed as stale
    // (incident_stale_after)
    health.report(Region.of("us-central1"), Health.Status.UNHEALTHY, Instant.now());
    Env env =
        Env.embedded(
            TOPOLOGY,
            Policy.defaults(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.empty()),
            Duration.ofDays(3650));
    Wiring.install(
        Wiring.Composition.of(
            Assembly.intake(
                env, new InMemoryStateStore(), lb, health, audit, Clock.systemUTC(), Pause.NONE)));
  }

  private static String alertData() throws Exception {
    try (InputStream in = FunctionsOverHttpTest.class.getResourceAsStream("/alert-open.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static HttpResponse<String> binary(String envelope, String id) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Content-Type", "application/json")
            .header("ce-specversion", "1.0")
            .header("ce-id", id)
            .header("ce-type", "google.cloud.pubsub.topic.v1.messagePublished")
            .header(
                "ce-source", "//pubsub.googleapis.com/projects/demo-project/topics/failover-alerts")
            .POST(HttpRequest.BodyPublishers.ofString(envelope))
            .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> structured(String envelope, String id) throws Exception {
    String body =
        "{\"specversion\":\"1.0\",\"id\":\""
            + id
            + "\",\"type\":\"google.cloud.pubsub.topic.v1.messagePublished\","
            + "\"source\":\"//pubsub.googleapis.com/projects/demo-project/topics/failover-alerts\","
            + "\"datacontenttype\":\"application/json\",\"data\":"
            + envelope
            + "}";
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Content-Type", "application/cloudevents+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static String envelope(String data) {
    String id = Integer.toString(ids++);
    return PubsubMessage.envelope(
        id, Instant.now(), Map.of(), data, "projects/demo-project/subscriptions/eventarc-s");
  }

  @Test
  void binaryMode_validAlert_is200AndDrains() throws Exception {
    HttpResponse<String> r = binary(envelope(alertData()), "b-1");
    assertEquals(200, r.statusCode());
    assertEquals("asia-east1=100 europe-west1=100 us-central1=0", lb.config().display());
  }

  @Test
  void structuredMode_validAlert_is200AndDrains() throws Exception {
    HttpResponse<String> r = structured(envelope(alertData()), "s-1");
    assertEquals(200, r.statusCode());
    assertEquals(1, lb.writes().size());
  }

  @Test
  void rejectedInput_is200SoPubSubDoesNotRetryIt() throws Exception {
    HttpResponse<String> r = binary("{\"message\":{\"data\":\"!!\",\"messageId\":\"9\"}}", "r-1");
    assertEquals(200, r.statusCode());
    assertEquals(0, lb.writes().size());
    assertEquals("rejected", audit.records().get(0).kind().wire());
  }

  @Test
  void transientFailure_is500SoPubSubRedelivers() throws Exception {
    lb.failNextApply(new TransientException("compute answered 503"));
    HttpResponse<String> r = binary(envelope(alertData()), "t-1");
    assertEquals(500, r.statusCode());
    assertTrue(audit.records().stream().anyMatch(a -> a.outcome().wire().equals("failed")));
  }
}

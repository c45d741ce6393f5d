package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * failoverctl sending commands through the command endpoints: a local server stands in for Cloud
 * Run and the endpoint, and records what it received.
 */
class EndpointSendTest {
  record Received(String path, String authorization, String body) {}

  private HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private int status = 202;
  private String answer =
      "{\"message_id\":\"1789\",\"principal\":\"alice@example.com\",\"verified\":true,"
          + "\"endpoint\":\"commands\"}";
  private final Map<String, String> env = new HashMap<>(PublishCommandTest.ENV);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          synchronized (received) {
            received.add(
                new Received(
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body));
          }
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    env.put("FAILOVER_COMMAND_ENDPOINT", base + "/commands");
    env.put("FAILOVER_BREAK_GLASS_ENDPOINT", base + "/break-glass");
    env.put("FAILOVER_ID_TOKEN", "eyJ.token.sig");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static final String[] DRAIN = {
    "drain", "europe-west1", "--reason", "database maintenance", "--ttl", "2h"
  };

  @Test
  void aDrain_goesToTheCommandEndpoint_asTheCaller_andSaysWhoTheEndpointVerified() {
    Cli.Run preview = Cli.run(env, concat(DRAIN, "--dry-run"));
    Cli.Run r = Cli.run(env, DRAIN);
    assertEquals(0, r.exit(), r.err());
    assertEquals("1789\nsent as alice@example.com (verified by the endpoint)\n", r.out());
    assertEquals(
        List.of(new Received("/commands", "Bearer eyJ.token.sig", preview.out().strip())),
        received);
  }

  @Test
  void breakGlass_goesToTheBreakGlassEndpoint() {
    Cli.Run r =
        Cli.run(
            env,
            "pin-serve",
            "us-central1",
            "--reason",
            "keep it in",
            "--ttl",
            "30m",
            "--break-glass");
    assertEquals(0, r.exit(), r.err());
    assertEquals("/break-glass", received.get(0).path());
    assertTrue(received.get(0).body().contains("\"break_glass\":true"));
  }

  @Test
  void breakGlass_straightToTheTopic_isRefusedBeforeAnythingIsSent() {
    Cli.Run r =
        Cli.run(
            env,
            "drain",
            "us-central1",
            "--reason",
            "x",
            "--ttl",
            "30m",
            "--break-glass",
            "--via",
            "topic",
            "--project",
            "p");
    assertEquals(2, r.exit());
    assertTrue(
        r.err().startsWith("failoverctl: break_glass is accepted only through the break-glass"),
        r.err());
    assertEquals(List.of(), received);
  }

  @Test
  void theEndpointsRefusal_isShownInItsWords() {
    status = 400;
    answer = "{\"error\":\"region us-central1 is not behind this load balancer\"}";
    Cli.Run r = Cli.run(env, DRAIN);
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: the endpoint refused the command (400): region us-central1 is not behind"
            + " this load balancer\n",
        r.err());
  }

  @Test
  void cloudRunsOwnRefusal_saysWhichRoleIsMissing() {
    status = 403;
    answer = "<html><body>Error: Forbidden. Your client does not have permission</body></html>";
    Cli.Run r = Cli.run(env, DRAIN);
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: Cloud Run refused the call (403): your account needs roles/run.invoker on"
            + " the endpoint (members of operators_group, or command_endpoint_invokers)\n",
        r.err());
  }

  @Test
  void noEndpoint_orNoCredentials_sayWhatToDo_andSendNothing() {
    Map<String, String> noEndpoint = new HashMap<>(env);
    noEndpoint.remove("FAILOVER_COMMAND_ENDPOINT");
    Cli.Run r = Cli.run(noEndpoint, DRAIN);
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: no command endpoint: set FAILOVER_COMMAND_ENDPOINT (terraform output -raw"
            + " command_endpoint_url) or give --endpoint URL; --via topic publishes straight to"
            + " the commands topic, recorded as unverified\n",
        r.err());
    Map<String, String> noToken = new HashMap<>(env);
    noToken.remove("FAILOVER_ID_TOKEN");
    Cli.Run t = Cli.run(noToken, DRAIN);
    assertEquals(2, t.exit());
    assertTrue(
        t.err()
            .startsWith(
                "failoverctl: no credentials to call the command endpoint with: run 'gcloud auth"
                    + " login'"),
        t.err());
    assertTrue(t.err().contains("(FAILOVER_ID_TOKEN is not set)"), t.err());
    assertEquals(List.of(), received);
  }

  @Test
  void aPlainHttpEndpointElsewhere_isRefused_tokensGoOnlyOverTls() {
    Cli.Run r = Cli.run(env, concat(DRAIN, "--endpoint", "http://failover.example.com/"));
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: --endpoint must be an https:// URL (the endpoint's Cloud Run URL), got"
            + " 'http://failover.example.com/'\n",
        r.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

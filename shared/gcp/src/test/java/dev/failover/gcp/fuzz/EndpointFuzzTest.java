package dev.failover.gcp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.failover.core.app.InputRefusals;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.intake.CommandEndpoint;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.VerifiedCaller;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the command endpoint: fuzzed headers (a token whose claims, signature
 * and header name come from the fuzzer) and body. Whatever arrives: nothing escapes as an
 * exception, the status is one the endpoint documents, something is published only with 202 and
 * then with a non-blank principal, and every refusal is audited exactly once.
 */
class EndpointFuzzTest {
  static final Set<Integer> STATUSES = Set.of(202, 400, 401, 403, 405, 413);

  @org.junit.jupiter.api.AfterAll
  static void report() {
    dev.failover.core.testing.Reliability.count(
        "bad_inputs_tried", IntakeFuzzing.TRIED.getAndSet(0));
  }

  @FuzzTest(maxDuration = "20s")
  void fuzz(FuzzedDataProvider in) {
    IntakeFuzzing.TRIED.incrementAndGet();
    RecordingAuditSink audit = new RecordingAuditSink();
    List<Map<String, String>> published = new ArrayList<>();
    Clock clock = Clock.fixed(IntakeFuzzing.NOW, ZoneOffset.UTC);
    OperatorCommands.Door door =
        in.consumeBoolean()
            ? OperatorCommands.Door.ENDPOINT
            : OperatorCommands.Door.BREAK_GLASS_ENDPOINT;
    CommandEndpoint endpoint =
        new CommandEndpoint(
            door,
            new OperatorCommands(IntakeFuzzing.TOPOLOGY),
            (data, attributes) -> {
              published.add(attributes);
              return "m";
            },
            new InputRefusals(IntakeFuzzing.TOPOLOGY, "fuzz", audit, clock),
            clock);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String claims = in.consumeString(300);
    String signature = in.consumeBoolean() ? VerifiedCaller.REMOVED : in.consumeString(20);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String token =
        b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + (in.consumeBoolean()
                ? b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                : claims)
            + "."
            + signature;
    String name = in.consumeBoolean() ? "Authorization" : "X-Serverless-Authorization";
    if (in.consumeBoolean()) {
      headers.put(name, List.of((in.consumeBoolean() ? "Bearer " : "") + token));
    }
    String method = in.consumeBoolean() ? "POST" : in.consumeString(8);
    byte[] body = in.consumeRemainingAsBytes();
    CommandEndpoint.Response r = endpoint.handle(method, headers, body);
    assertTrue(STATUSES.contains(r.status()), r.status() + " " + r.body());
    if (r.status() == 202) {
      assertEquals(1, published.size());
      assertTrue(!published.get(0).get(OperatorCommands.PRINCIPAL_ATTRIBUTE).isBlank());
      assertEquals(door.wire(), published.get(0).get(OperatorCommands.DOOR_ATTRIBUTE));
      assertEquals(0, audit.records().size());
    } else {
      assertEquals(0, published.size(), "a refusal published");
      assertEquals(1, audit.records().size(), "a refusal is audited once");
    }
  }
}

package dev.failover.gcp.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.app.InputRefusals;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Topology;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.intake.OperatorCommands.Door;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command endpoints: who may send what, and what each refusal leaves behind. */
class CommandEndpointTest {
  static final Instant NOW = Instant.parse("2026-11-01T12:20:00Z");
  static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  static final Map<String, List<String>> ALICE =
      VerifiedCallerTest.checkedBy(VerifiedCallerTest.USER_CLAIMS);

  record Published(String data, Map<String, String> attributes) {}

  private final List<Published> published = new ArrayList<>();
  private final RecordingAuditSink audit = new RecordingAuditSink();

  private CommandEndpoint endpoint(Door door, CommandEndpoint.Outlet outlet) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    return new CommandEndpoint(
        door,
        new OperatorCommands(TOPOLOGY),
        outlet,
        new InputRefusals(TOPOLOGY, "0.1.0", audit, clock),
        clock);
  }

  private CommandEndpoint endpoint(Door door) {
    return endpoint(
        door,
        (data, attributes) -> {
          published.add(new Published(data, attributes));
          return "m-" + published.size();
        });
  }

  private static byte[] body(String fields) {
    return IntakeTest.command(fields).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDrainFromAnOperator_isPublishedAsSent_withThePrincipalCloudRunAuthenticated() {
    byte[] drain = body(",\"action\":\"drain\",\"ttl\":\"PT2H\"");
    CommandEndpoint.Response r = endpoint(Door.ENDPOINT).handle("POST", ALICE, drain);
    assertEquals(202, r.status(), r.body());
    assertEquals(
        "{\"message_id\":\"m-1\",\"principal\":\"alice@example.com\",\"verified\":true,"
            + "\"endpoint\":\"commands\"}",
        r.body());
    assertEquals(
        List.of(
            new Published(
                new String(drain, StandardCharsets.UTF_8),
                Map.of(
                    "failover_principal", "alice@example.com", "failover_endpoint", "commands"))),
        published);
    assertEquals(List.of(), audit.records(), "the commands function audits it once handled");
  }

  @Test
  void breakGlass_atTheCommandEndpoint_isForbidden_auditedWithWhoTried_andNotPublished() {
    CommandEndpoint.Response r =
        endpoint(Door.ENDPOINT)
            .handle(
                "POST", ALICE, body(",\"action\":\"drain\",\"ttl\":\"PT2H\",\"break_glass\":true"));
    assertEquals(403, r.status());
    assertTrue(r.body().contains("break_glass is accepted only through the break-glass endpoint"));
    assertEquals(List.of(), published);
    AuditRecord refused = audit.records().get(0);
    assertEquals(AuditRecord.Kind.REJECTED, refused.kind());
    assertEquals(Optional.of("wrong_door"), refused.rule());
    assertEquals(Optional.of("alice@example.com"), refused.trigger().principal());
    assertEquals(Optional.of("bob@example.com"), refused.trigger().actor());
  }

  @Test
  void theBreakGlassEndpoint_takesBreakGlass_andNothingElse() {
    CommandEndpoint glass = endpoint(Door.BREAK_GLASS_ENDPOINT);
    CommandEndpoint.Response ok =
        glass.handle(
            "POST", ALICE, body(",\"action\":\"pin-serve\",\"ttl\":\"PT1H\",\"break_glass\":true"));
    assertEquals(202, ok.status(), ok.body());
    assertEquals("break-glass", published.get(0).attributes().get("failover_endpoint"));
    CommandEndpoint.Response restore = glass.handle("POST", ALICE, body(",\"action\":\"restore\""));
    assertEquals(400, restore.status());
    assertEquals(
        "{\"error\":\"the break-glass endpoint takes only drain and pin-serve with break_glass"
            + " true; send restore to the command endpoint\",\"principal\":\"alice@example.com\"}",
        restore.body());
    assertEquals(1, published.size());
    assertEquals(1, audit.records().size());
    assertEquals(Optional.of("wrong_door"), audit.records().get(0).rule());
  }

  @Test
  void aCommandTheParserRefuses_is400_namingTheField_andChangesNothing() {
    CommandEndpoint.Response r =
        endpoint(Door.ENDPOINT)
            .handle("POST", ALICE, body(",\"action\":\"drain\",\"ttl\":\"PT100H\""));
    assertEquals(400, r.status());
    assertTrue(r.body().contains("ttl must be between PT1M and PT72H"), r.body());
    assertEquals(List.of(), published);
    assertEquals(1, audit.records().size());
  }

  @Test
  void noVerifiedCaller_is401_auditedWithoutAPrincipal() {
    CommandEndpoint.Response r =
        endpoint(Door.ENDPOINT)
            .handle("POST", Map.of(), body(",\"action\":\"drain\",\"ttl\":\"PT2H\""));
    assertEquals(401, r.status());
    assertEquals(List.of(), published);
    assertEquals(Optional.empty(), audit.records().get(0).trigger().principal());
    assertTrue(audit.records().get(0).message().startsWith("no Authorization header"));
  }

  @Test
  void otherMethods_oversizedAndNonUtf8Bodies_areRefused() {
    CommandEndpoint e = endpoint(Door.ENDPOINT);
    assertEquals(405, e.handle("GET", ALICE, new byte[0]).status());
    assertEquals(413, e.handle("POST", ALICE, new byte[PubsubMessage.MAX_DATA_BYTES + 1]).status());
    assertEquals(400, e.handle("POST", ALICE, new byte[] {(byte) 0xff, (byte) 0xfe}).status());
    assertEquals(List.of(), published);
    assertEquals(3, audit.records().size());
  }

  @Test
  void thePublishFailing_is503_sayingNothingWasPublished() {
    CommandEndpoint e =
        endpoint(
            Door.ENDPOINT,
            (data, attributes) -> {
              throw new java.io.IOException("UNAVAILABLE: connection reset");
            });
    CommandEndpoint.Response r =
        e.handle("POST", ALICE, body(",\"action\":\"drain\",\"ttl\":\"PT2H\""));
    assertEquals(503, r.status());
    assertEquals(
        "{\"error\":\"Pub/Sub did not take the command (UNAVAILABLE: connection reset); nothing"
            + " was published: send it again\"}",
        r.body());
  }

  @Test
  void theSameRequestTwice_isAuditedUnderTheSameRecordId() {
    CommandEndpoint e = endpoint(Door.ENDPOINT);
    byte[] bad = body(",\"action\":\"drain\"");
    e.handle("POST", ALICE, bad);
    e.handle("POST", ALICE, bad);
    assertEquals(audit.records().get(0).recordId(), audit.records().get(1).recordId());
  }
}

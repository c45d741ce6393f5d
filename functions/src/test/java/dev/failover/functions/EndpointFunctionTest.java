package dev.failover.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.Mode;
import dev.failover.core.port.TransientException;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.audit.AuditOutput;
import dev.failover.gcp.audit.AuditRow;
import dev.failover.gcp.audit.AuditTable;
import dev.failover.gcp.intake.CommandEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The command endpoints have no outbox (their account may touch nothing but the verified-commands
 * topic and the audit table): a refusal whose audit row cannot be written is answered 503, send
 * again, never with an answer whose record is only a log line; a published command's answer stands.
 */
class EndpointFunctionTest {
  final List<AuditRow> appended = new ArrayList<>();
  boolean down;
  final AuditTable table =
      rows -> {
        if (down) {
          throw new TransientException("BigQuery answered UNAVAILABLE");
        }
        appended.addAll(rows);
      };
  final AuditOutput out =
      AuditOutput.bigQuery(new RecordingAuditSink(), table, Optional.empty(), m -> {}, List.of());
  final Wiring.Endpoint endpoint =
      new Wiring.Endpoint(
          dev.failover.gcp.config.Assembly.commandEndpoint(
              dev.failover.gcp.intake.OperatorCommands.Door.ENDPOINT,
              dev.failover.gcp.config.Env.embedded(
                  Fixtures.three(Mode.URL_MAP_WEIGHTS),
                  dev.failover.core.domain.Policy.defaults(),
                  java.util.Map.of(),
                  dev.failover.gcp.intake.CloudBuilds.Routing.defaults(Optional.empty()),
                  java.time.Duration.ofHours(1)),
              (data, attributes) -> "m-1",
              out.sink(),
              java.time.Clock.systemUTC()),
          Optional.of(out));

  CommandEndpoint.Response refuse() {
    return EndpointFunction.afterDelivery(
        endpoint, endpoint.handler().handle("POST", java.util.Map.of(), "{}".getBytes()));
  }

  @Test
  void aRefusal_isAnsweredAsItIs_whenItsRowIsAppended() {
    CommandEndpoint.Response r = refuse();
    assertEquals(401, r.status(), r.body());
    assertEquals(1, appended.size(), "the refusal's row");
  }

  @Test
  void aRefusalWhoseRowCannotBeWritten_is503_andTheRowGoesWithTheNextRequest() {
    down = true;
    CommandEndpoint.Response r = refuse();
    assertEquals(503, r.status());
    assertTrue(r.body().contains("send again"), r.body());
    down = false;
    assertEquals(401, refuse().status());
    assertEquals(2, appended.size(), "both refusals' rows");
  }

  @Test
  void aPublishedCommand_keepsIts202_whenAnEarlierRowIsStillPending() {
    down = true;
    refuse();
    CommandEndpoint.Response published =
        EndpointFunction.afterDelivery(
            endpoint, new CommandEndpoint.Response(202, "{\"message_id\":\"m-1\"}"));
    assertEquals(202, published.status());
    assertEquals(0, appended.size());
  }
}

package dev.failover.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.gson.JsonObject;
import dev.failover.gcp.intake.CommandEndpoint;
import dev.failover.gcp.intake.OperatorCommands.Door;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * The HTTP entry points of the two command endpoints: read the request (the body up to one byte
 * past the limit, so an oversized one is refused as such), hand it to the use case ({@link
 * CommandEndpoint}), answer with its status and JSON, and log one line.
 */
abstract class EndpointFunction implements HttpFunction {
  EndpointFunction() {
    Wiring.warmEndpoint(door());
  }

  abstract Door door();

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    long started = System.nanoTime();
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(PubsubMessage.MAX_DATA_BYTES + 1);
    }
    Wiring.Endpoint endpoint = Wiring.endpoint(door());
    CommandEndpoint.Response r =
        afterDelivery(
            endpoint, endpoint.handler().handle(request.getMethod(), request.getHeaders(), body));
    response.setStatusCode(r.status());
    response.setContentType("application/json");
    response.getWriter().write(r.body());
    log(System.out, door(), r, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * A refusal's audit row appended before the answer. If it can be neither appended nor kept (the
   * endpoints have no outbox), the caller is told to send again, 503, rather than given an answer
   * whose record is only a log line: a command is never refused without a row in the audit table. A
   * published command writes no record here (the verified-commands function records it); rows of
   * earlier refusals that are still pending do not change its answer, and stay for the next.
   */
  static CommandEndpoint.Response afterDelivery(
      Wiring.Endpoint endpoint, CommandEndpoint.Response r) {
    try {
      endpoint.audit().ifPresent(a -> a.afterDelivery(false));
      return r;
    } catch (RuntimeException e) {
      if (r.status() == 202) {
        return r;
      }
      return new CommandEndpoint.Response(
          503,
          "{\"error\":\"the audit record of this request could not be written; nothing was"
              + " published: send again\"}");
    }
  }

  static void log(PrintStream out, Door door, CommandEndpoint.Response r, long millis) {
    String function = door == Door.ENDPOINT ? "command-endpoint" : "break-glass-endpoint";
    String outcome = r.status() == 202 ? "published" : r.status() >= 500 ? "failed" : "refused";
    JsonObject line =
        Handling.summaryLine(
            r.status() == 202 ? "NOTICE" : r.status() >= 500 ? "ERROR" : "WARNING",
            function + ": " + r.status() + " " + outcome + ": " + r.body(),
            function,
            outcome);
    line.addProperty("status", r.status());
    line.addProperty("latency_ms", millis);
    synchronized (out) {
      out.println(line);
    }
  }
}

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
    CommandEndpoint.Response r =
        Wiring.endpoint(door()).handle(request.getMethod(), request.getHeaders(), body);
    response.setStatusCode(r.status());
    response.setContentType("application/json");
    response.getWriter().write(r.body());
    log(System.out, door(), r, (System.nanoTime() - started) / 1_000_000);
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

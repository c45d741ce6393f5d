package dev.failover.functions;

import com.google.gson.JsonObject;
import dev.failover.gcp.intake.Intake;
import io.cloudevents.CloudEvent;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The four steps every entry point takes: parse (the CloudEvent's data), guard and call the use
 * case ({@link Intake#handle}), and log one summary line. Rejected and ignored input returns
 * normally (acked); transient failures throw (HTTP 500, Pub/Sub redelivers).
 */
final class Handling {
  private Handling() {}

  static Intake.Outcome accept(Intake.Stream stream, CloudEvent event) {
    byte[] data = event.getData() == null ? null : event.getData().toBytes();
    long started = System.nanoTime();
    Intake.Outcome o = Wiring.intake().handle(stream, data, event.getId());
    log(System.out, stream, o, (System.nanoTime() - started) / 1_000_000);
    if (stream == Intake.Stream.TICK) {
      levels(System.out, o);
    }
    return o;
  }

  /**
   * After a tick, one line per region with the level the controller holds it at (thousandths), for
   * the log-based metric that draws each region's level over time on the dashboard (terraform's
   * {@code failover_region_level}): a line a minute per region keeps the chart continuous, where
   * the audit records only mark the changes.
   */
  static void levels(PrintStream out, Intake.Outcome o) {
    o.result()
        .flatMap(dev.failover.core.app.Controller.Result::plan)
        .ifPresent(
            plan ->
                plan.nextStates()
                    .forEach(
                        (region, state) -> {
                          JsonObject line = new JsonObject();
                          line.addProperty("severity", "INFO");
                          line.addProperty(
                              "message", "level " + region.name() + " " + state.level());
                          JsonObject labels = new JsonObject();
                          labels.addProperty("failover_record", "level");
                          line.add("logging.googleapis.com/labels", labels);
                          line.addProperty("region", region.name());
                          line.addProperty("level", state.level());
                          line.addProperty("phase", state.phase().name().toLowerCase(Locale.ROOT));
                          synchronized (out) {
                            out.println(line);
                          }
                        }));
  }

  /**
   * The one line every entry point logs per request: severity, message, and the labels the
   * log-based metrics and the audit sink filter on ({@code failover_function}, {@code
   * failover_outcome}).
   */
  static JsonObject summaryLine(String severity, String message, String function, String outcome) {
    JsonObject line = new JsonObject();
    line.addProperty("severity", severity);
    line.addProperty("message", message);
    JsonObject labels = new JsonObject();
    labels.addProperty("failover_function", function);
    labels.addProperty("failover_outcome", outcome);
    line.add("logging.googleapis.com/labels", labels);
    return line;
  }

  static void log(PrintStream out, Intake.Stream stream, Intake.Outcome o, long millis) {
    JsonObject line =
        summaryLine(
            o.status().equals("rejected") || o.status().equals("refused")
                ? "WARNING"
                : o.wrote() ? "NOTICE" : "INFO",
            stream.wire() + " " + o.eventId() + ": " + o.status() + ": " + o.summary(),
            stream.wire(),
            o.status());
    line.addProperty("event_id", o.eventId());
    line.addProperty("latency_ms", millis);
    synchronized (out) {
      out.println(line);
    }
  }
}

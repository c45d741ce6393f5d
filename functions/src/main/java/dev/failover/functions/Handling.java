package dev.failover.functions;

import com.google.gson.JsonObject;
import dev.failover.gcp.intake.Intake;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The four steps every entry point takes: parse (the push request's envelope), guard and call the
 * use case ({@link Intake#handle}), and log one summary line. Rejected and ignored input returns
 * normally (acked); transient failures throw (HTTP 500, Pub/Sub redelivers). Whatever the outcome,
 * the delivery's audit records are handed on before the answer ({@link Wiring#afterDelivery}): a
 * function instance gets no CPU once it has answered.
 */
final class Handling {
  private Handling() {}

  static Intake.Outcome accept(Intake.Stream stream, byte[] envelope) {
    long started = System.nanoTime();
    Intake.Outcome o;
    try {
      o = Wiring.intake().handle(stream, envelope, null);
    } catch (RuntimeException | Error e) {
      try {
        Wiring.afterDelivery(stream);
      } catch (RuntimeException f) {
        e.addSuppressed(f);
      }
      throw e;
    }
    Wiring.afterDelivery(stream);
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

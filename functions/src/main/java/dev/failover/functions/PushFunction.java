package dev.failover.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.IOException;
import java.io.InputStream;

/**
 * The HTTP entry point of one event stream, fed by a Pub/Sub push subscription that the Terraform
 * owns (so that its dead-letter topic, retry backoff and ack deadline are set by the apply, which
 * an Eventarc trigger's subscription cannot be: see the controller module's {@code
 * subscriptions.tf}). The body is Pub/Sub's wrapped push request, {@code {"message": {...},
 * "subscription": ...}}, the same envelope Eventarc put in a CloudEvent's data.
 *
 * <p>Pub/Sub acknowledges a push on 102, 200, 201, 202 or 204 and redelivers on anything else
 * (Pub/Sub "Push subscriptions", receiving messages). So: handled, refused and ignored input
 * answers 204 (acked: redelivery cannot fix it); a transient failure throws, which the invoker
 * answers with 500 (1.4.1 and later), so Pub/Sub redelivers with the subscription's backoff and,
 * after its last attempt, dead-letters the message.
 */
abstract class PushFunction implements HttpFunction {
  PushFunction() {
    Wiring.warm();
  }

  abstract Intake.Stream stream();

  @Override
  public void service(HttpRequest request, HttpResponse response) throws IOException {
    if (!"POST".equals(request.getMethod())) {
      // Pub/Sub only POSTs; anything else is someone else, and changes nothing
      response.setStatusCode(405);
      response.appendHeader("Allow", "POST");
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      // one byte past the limit, so that an oversized envelope is refused as such
      body = in.readNBytes(PubsubMessage.MAX_ENVELOPE_BYTES + 1);
    }
    Handling.accept(stream(), body);
    response.setStatusCode(204);
  }
}

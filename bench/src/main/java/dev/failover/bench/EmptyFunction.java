package dev.failover.bench;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;

/**
 * The cold-start and memory baseline: an HTTP function that answers a Pub/Sub push with 204 and
 * does nothing else, as ours is served (a push subscription's request).
 */
public final class EmptyFunction implements HttpFunction {
  @Override
  public void service(HttpRequest request, HttpResponse response) {
    response.setStatusCode(204);
  }
}

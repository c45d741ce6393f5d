package dev.failover.gcp.compute;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.port.TransientException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Translates what the Compute client throws into the controller's failure classes, once: HTTP 412
 * (a stale fingerprint) → {@link StaleFingerprintException}; throttling, unavailability, timeouts,
 * an operation that never finished → {@link TransientException}; everything else → {@link
 * PermanentException}. The cause is kept.
 */
final class ComputeErrors {
  private static final Set<StatusCode.Code> TRANSIENT =
      Set.of(
          StatusCode.Code.RESOURCE_EXHAUSTED,
          StatusCode.Code.UNAVAILABLE,
          StatusCode.Code.DEADLINE_EXCEEDED,
          StatusCode.Code.ABORTED,
          StatusCode.Code.INTERNAL,
          StatusCode.Code.UNKNOWN);

  /**
   * Error reasons ({@code error.errors[].reason}) a later attempt may not meet, whatever the HTTP
   * status: Compute answers 403 for a rate limit and 400 for a resource still being changed.
   */
  private static final Set<String> TRANSIENT_REASONS =
      Set.of(
          "rateLimitExceeded",
          "userRateLimitExceeded",
          "quotaExceeded",
          "resourceNotReady",
          "backendError",
          "internalError");

  private ComputeErrors() {}

  /** The reasons of the API's JSON error body ({@code error.errors[].reason}). */
  static Set<String> reasons(ApiException api) {
    Set<String> out = new java.util.TreeSet<>();
    if (api.getCause() instanceof com.google.api.client.http.HttpResponseException h
        && h.getContent() != null) {
      try {
        com.google.gson.JsonObject error =
            com.google.gson.JsonParser.parseString(h.getContent())
                .getAsJsonObject()
                .getAsJsonObject("error");
        if (error != null && error.has("errors")) {
          for (com.google.gson.JsonElement e : error.getAsJsonArray("errors")) {
            if (e.isJsonObject() && e.getAsJsonObject().has("reason")) {
              out.add(e.getAsJsonObject().get("reason").getAsString());
            }
          }
        }
      } catch (RuntimeException notJson) {
        // no reasons to read
      }
    }
    return out;
  }

  /**
   * The API's own error message (from the JSON body: {@code error.message}), which names the field
   * and the rule; gax only keeps the HTTP reason phrase in {@link ApiException#getMessage()}.
   */
  static String message(ApiException api) {
    if (api.getCause() instanceof com.google.api.client.http.HttpResponseException h
        && h.getContent() != null) {
      try {
        com.google.gson.JsonObject body =
            com.google.gson.JsonParser.parseString(h.getContent()).getAsJsonObject();
        if (body.has("error") && body.getAsJsonObject("error").has("message")) {
          return body.getAsJsonObject("error").get("message").getAsString();
        }
      } catch (RuntimeException notJson) {
        // fall through to the reason phrase
      }
    }
    return api.getMessage();
  }

  static RuntimeException translate(String what, Throwable t) {
    Throwable cause = t;
    if (cause instanceof ExecutionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApiException api) {
      Object transport = api.getStatusCode().getTransportCode();
      int http = transport instanceof Integer i ? i : -1;
      String detail =
          what + ": HTTP " + (http > 0 ? http : api.getStatusCode().getCode()) + " " + message(api);
      if (http == 412) {
        return new StaleFingerprintException(detail, api);
      }
      Set<String> reasons = reasons(api);
      if (TRANSIENT.contains(api.getStatusCode().getCode())
          || reasons.stream().anyMatch(TRANSIENT_REASONS::contains)) {
        return new TransientException(detail, api);
      }
      return new PermanentException(detail, api);
    }
    if (cause instanceof CancellationException || cause instanceof TimeoutException) {
      return new TransientException(what + ": the operation did not finish in time", cause);
    }
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new TransientException(what + ": interrupted", cause);
    }
    if (cause instanceof RuntimeException r
        && (r instanceof TransientException || r instanceof PermanentException)) {
      return r;
    }
    return new TransientException(what + ": " + cause, cause);
  }
}

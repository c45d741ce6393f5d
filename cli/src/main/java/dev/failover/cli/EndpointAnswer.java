package dev.failover.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.failover.core.domain.Text;

/**
 * What a command endpoint answered: its JSON ({@code message_id} and {@code principal}, or {@code
 * error}), or, when Cloud Run refused the call before the endpoint saw it, Cloud Run's own page.
 */
record EndpointAnswer(int status, String messageId, String principal, String error) {

  static EndpointAnswer of(int status, String body) {
    try {
      JsonElement e = JsonParser.parseString(body);
      if (e.isJsonObject()) {
        JsonObject o = e.getAsJsonObject();
        return new EndpointAnswer(
            status, text(o, "message_id"), text(o, "principal"), text(o, "error"));
      }
    } catch (RuntimeException notJson) {
      // Cloud Run's own refusal is an HTML page
    }
    return new EndpointAnswer(status, "", "", "");
  }

  private static String text(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
  }

  /** The message for a refusal: the endpoint's reason, or what Cloud Run's status means. */
  String refusal(String url, boolean breakGlass) {
    if (!error.isEmpty()) {
      return "the endpoint refused the command (" + status + "): " + Text.printable(error);
    }
    return switch (status) {
      case 401 ->
          "Cloud Run refused the identity token (401): it must be a Google-signed ID token for "
              + url
              + " (gcloud auth print-identity-token, or a service account's)";
      case 403 ->
          "Cloud Run refused the call (403): your account needs roles/run.invoker on the endpoint"
              + (breakGlass
                  ? " (members of break_glass_group)"
                  : " (members of operators_group, or command_endpoint_invokers)");
      case 404 -> "no endpoint at " + url + " (404): check FAILOVER_COMMAND_ENDPOINT";
      default -> "the endpoint answered " + status + "; nothing is known to have been sent";
    };
  }
}

package dev.failover.gcp.intake;

import com.google.gson.JsonElement;
import dev.failover.core.domain.Text;
import dev.failover.gcp.json.Strict;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who called the command endpoint, as the platform authenticated them.
 *
 * <p>The endpoint is a Cloud Run function that requires IAM authentication: Cloud Run checks the
 * caller's Google-signed ID token and {@code roles/run.invoker} before the request reaches the
 * code. It checks the token in {@code X-Serverless-Authorization} when that header is present, else
 * the one in {@code Authorization}, and hands the checked token on with its signature replaced by
 * {@value #REMOVED} (Cloud Run troubleshooting, "signature-removed"). So:
 *
 * <ul>
 *   <li>the token read here is the one Cloud Run checked: {@code X-Serverless-Authorization} when
 *       present (an {@code Authorization} header beside it was not checked and is never read), else
 *       {@code Authorization};
 *   <li>its signature must be {@value #REMOVED}: a token that still carries a signature did not go
 *       through the check (the endpoint was deployed without IAM, or is called locally), and is
 *       refused rather than trusted on its word;
 *   <li>the principal is the token's {@code email} when {@code email_verified} is true (users, and
 *       service accounts whose tokens carry their email), else its {@code sub}, as {@code
 *       subject:<id>}.
 * </ul>
 *
 * The signature is not verified here: that is the platform's job, done before this code runs, and
 * it is why the endpoint must never be deployed with {@code invoker_iam_disabled}.
 */
public final class VerifiedCaller {
  /** What Cloud Run puts in place of the signature of a token it has verified. */
  public static final String REMOVED = "SIGNATURE_REMOVED_BY_GOOGLE";

  private static final int MAX_TOKEN = 16 * 1024;

  private VerifiedCaller() {}

  /** Thrown when no verified caller can be read; the message says why, naming the header. */
  public static final class UnverifiedCallerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnverifiedCallerException(String message) {
      super(message);
    }
  }

  /**
   * The principal of the request with these headers (names in any case).
   *
   * @throws UnverifiedCallerException when there is none the platform verified
   */
  public static String principal(Map<String, List<String>> headers) {
    Optional<String> serverless = single(headers, "X-Serverless-Authorization");
    String header = serverless.isPresent() ? "X-Serverless-Authorization" : "Authorization";
    String value =
        serverless
            .or(() -> single(headers, "Authorization"))
            .orElseThrow(
                () ->
                    new UnverifiedCallerException(
                        "no Authorization header: call the endpoint with an identity token"
                            + " (failoverctl does; or curl -H \"Authorization: Bearer $(gcloud auth"
                            + " print-identity-token)\")"));
    if (value.length() > MAX_TOKEN) {
      throw new UnverifiedCallerException(header + " is longer than " + MAX_TOKEN + " characters");
    }
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new UnverifiedCallerException(header + " must be 'Bearer <identity token>'");
    }
    String[] parts = value.substring(7).trim().split("\\.", -1);
    if (parts.length != 3) {
      throw new UnverifiedCallerException(
          header + " does not hold a JWT (three dot-separated parts)");
    }
    if (!REMOVED.equals(parts[2])) {
      throw new UnverifiedCallerException(
          header
              + " carries a token the platform did not verify (its signature is still there):"
              + " the endpoint must run with Cloud Run's IAM check (never invoker_iam_disabled)");
    }
    Strict claims;
    try {
      String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
      claims = Strict.parse(json, "the identity token's claims");
    } catch (IllegalArgumentException e) {
      throw new UnverifiedCallerException(
          header + ": the identity token's claims are not base64url JSON: " + e.getMessage());
    }
    JsonElement email = claims.raw().get("email");
    JsonElement verified = claims.raw().get("email_verified");
    if (email != null
        && email.isJsonPrimitive()
        && email.getAsJsonPrimitive().isString()
        && verified != null
        && verified.isJsonPrimitive()
        && (verified.getAsJsonPrimitive().isBoolean()
            ? verified.getAsBoolean()
            : "true".equals(verified.getAsString()))) {
      return checked(email.getAsString().toLowerCase(Locale.ROOT), "email");
    }
    JsonElement sub = claims.raw().get("sub");
    if (sub != null && sub.isJsonPrimitive() && sub.getAsJsonPrimitive().isString()) {
      return "subject:" + checked(sub.getAsString(), "sub");
    }
    throw new UnverifiedCallerException(
        "the identity token names nobody (no verified email, no sub claim)");
  }

  private static String checked(String value, String claim) {
    if (value.isBlank()
        || value.length() > 256
        || value.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw new UnverifiedCallerException(
          "the identity token's "
              + claim
              + " claim is not a usable name: '"
              + Text.printable(value)
              + "'");
    }
    return value;
  }

  /** The one value of a header; two values of an authentication header are refused. */
  private static Optional<String> single(Map<String, List<String>> headers, String name) {
    List<String> found = null;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
        if (found != null) {
          throw new UnverifiedCallerException(name + " is given twice");
        }
        found = e.getValue();
      }
    }
    if (found == null || found.isEmpty()) {
      return Optional.empty();
    }
    if (found.size() > 1) {
      throw new UnverifiedCallerException(name + " is given twice");
    }
    return Optional.of(found.get(0));
  }
}

package dev.failover.gcp.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the caller Cloud Run authenticated from the token it hands on. */
class VerifiedCallerTest {
  /** The claims of a user's Google ID token as gcloud auth print-identity-token issues them. */
  static final String USER_CLAIMS =
      "{\"iss\":\"https://accounts.google.com\",\"azp\":\"32555940559.apps.googleusercontent.com\","
          + "\"aud\":\"32555940559.apps.googleusercontent.com\",\"sub\":\"113284000000000000001\","
          + "\"hd\":\"example.com\",\"email\":\"Alice@example.com\",\"email_verified\":true,"
          + "\"at_hash\":\"x\",\"iat\":1793534400,\"exp\":1793538000}";

  /** A service account's token from the metadata server with format=standard: no email. */
  static final String SERVICE_ACCOUNT_STANDARD_CLAIMS =
      "{\"aud\":\"https://failover-command-endpoint-abc-ew.a.run.app\",\"azp\":\"10593\","
          + "\"exp\":1793538000,\"iat\":1793534400,\"iss\":\"https://accounts.google.com\","
          + "\"sub\":\"105930000000000000042\"}";

  static String token(String claims, String signature) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(
            "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
        + "."
        + signature;
  }

  /** The Authorization header as it reaches the function: signature replaced by Cloud Run. */
  static Map<String, List<String>> checkedBy(String claims) {
    return Map.of("authorization", List.of("Bearer " + token(claims, VerifiedCaller.REMOVED)));
  }

  @Test
  void aUsersToken_theVerifiedEmail_inLowerCase() {
    assertEquals("alice@example.com", VerifiedCaller.principal(checkedBy(USER_CLAIMS)));
  }

  @Test
  void aServiceAccountsTokenWithoutEmail_itsSubject() {
    assertEquals(
        "subject:105930000000000000042",
        VerifiedCaller.principal(checkedBy(SERVICE_ACCOUNT_STANDARD_CLAIMS)));
  }

  @Test
  void anEmailNotVerified_fallsBackToTheSubject() {
    String claims = USER_CLAIMS.replace("\"email_verified\":true", "\"email_verified\":false");
    assertEquals("subject:113284000000000000001", VerifiedCaller.principal(checkedBy(claims)));
  }

  @Test
  void serverlessAuthorization_isTheOneCloudRunChecked_theAuthorizationBesideItIsNeverRead() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put(
        "Authorization",
        List.of(
            "Bearer "
                + token(
                    USER_CLAIMS.replace("Alice@example.com", "mallory@example.com"),
                    VerifiedCaller.REMOVED)));
    headers.put(
        "X-Serverless-Authorization",
        List.of("Bearer " + token(SERVICE_ACCOUNT_STANDARD_CLAIMS, VerifiedCaller.REMOVED)));
    assertEquals("subject:105930000000000000042", VerifiedCaller.principal(headers));
  }

  @Test
  void aTokenStillSigned_didNotGoThroughTheCheck_andIsRefused() {
    Map<String, List<String>> headers =
        Map.of("Authorization", List.of("Bearer " + token(USER_CLAIMS, "c2lnbmF0dXJl")));
    VerifiedCaller.UnverifiedCallerException e =
        assertThrows(
            VerifiedCaller.UnverifiedCallerException.class,
            () -> VerifiedCaller.principal(headers));
    assertEquals(
        "Authorization carries a token the platform did not verify (its signature is still there):"
            + " the endpoint must run with Cloud Run's IAM check (never invoker_iam_disabled)",
        e.getMessage());
  }

  @Test
  void refusals_nameTheHeaderAndTheProblem() {
    assertRefused(
        Map.of(),
        "no Authorization header: call the endpoint with an identity token (failoverctl does; or"
            + " curl -H \"Authorization: Bearer $(gcloud auth print-identity-token)\")");
    assertRefused(
        Map.of("Authorization", List.of("Basic YWxpY2U6c2VjcmV0")),
        "Authorization must be 'Bearer <identity token>'");
    assertRefused(
        Map.of("Authorization", List.of("Bearer abc.def")),
        "Authorization does not hold a JWT (three dot-separated parts)");
    assertRefused(
        Map.of("Authorization", List.of("Bearer a", "Bearer b")), "Authorization is given twice");
    assertRefused(
        Map.of(
            "Authorization",
            List.of("Bearer eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24." + VerifiedCaller.REMOVED)),
        "Authorization: the identity token's claims are not base64url JSON: the identity token's"
            + " claims is not valid JSON");
    assertRefused(
        checkedBy("{\"iss\":\"https://accounts.google.com\"}"),
        "the identity token names nobody (no verified email, no sub claim)");
    assertRefused(
        checkedBy("{\"email\":\"a\\nb@example.com\",\"email_verified\":true}"),
        "the identity token's email claim is not a usable name: 'a\\u000ab@example.com'");
  }

  private static void assertRefused(Map<String, List<String>> headers, String why) {
    VerifiedCaller.UnverifiedCallerException e =
        assertThrows(
            VerifiedCaller.UnverifiedCallerException.class,
            () -> VerifiedCaller.principal(headers));
    assertTrue(e.getMessage().startsWith(why), e.getMessage());
  }
}

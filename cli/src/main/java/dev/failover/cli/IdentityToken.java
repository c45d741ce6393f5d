package dev.failover.cli;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An identity token for calling a command endpoint, from the first source that has one:
 *
 * <ol>
 *   <li>{@code FAILOVER_ID_TOKEN}, when a pipeline minted one itself;
 *   <li>Application Default Credentials that can mint identity tokens: a service account (key,
 *       metadata server on Cloud Build, Cloud Run, GKE), impersonation, or a person's {@code gcloud
 *       auth application-default login};
 *   <li>the account {@code gcloud} is logged in with ({@code gcloud auth print-identity-token}).
 * </ol>
 *
 * Cloud Run checks the token and the caller's {@code roles/run.invoker}; the endpoint reads the
 * caller from it.
 */
final class IdentityToken {

  /** One place a token may come from; empty when it has none, with the reason in {@code tried}. */
  @FunctionalInterface
  interface Source {
    Optional<String> token(String audience, Map<String, String> env, List<String> tried);
  }

  private final List<Source> sources;

  IdentityToken(List<Source> sources) {
    this.sources = List.copyOf(sources);
  }

  /** The three sources, in order. */
  static IdentityToken standard() {
    return new IdentityToken(
        List.of(IdentityToken::fromVariable, IdentityToken::fromAdc, IdentityToken::fromGcloud));
  }

  /** Only {@code FAILOVER_ID_TOKEN}: tests, and callers that must not reach for credentials. */
  static IdentityToken variableOnly() {
    return new IdentityToken(List.of(IdentityToken::fromVariable));
  }

  /**
   * A token for {@code audience} (the endpoint's URL).
   *
   * @throws IllegalArgumentException saying what to run when no source has one
   */
  String forAudience(String audience, Map<String, String> env) {
    List<String> tried = new ArrayList<>();
    for (Source s : sources) {
      Optional<String> t = s.token(audience, env, tried);
      if (t.isPresent()) {
        return t.get();
      }
    }
    throw new IllegalArgumentException(
        "no credentials to call the command endpoint with: run 'gcloud auth login' (or 'gcloud auth"
            + " application-default login'), or run where a service account's credentials are"
            + " (a pipeline), or set FAILOVER_ID_TOKEN; --dry-run shows the command without"
            + " sending it ("
            + String.join("; ", tried)
            + ")");
  }

  static Optional<String> fromVariable(
      String audience, Map<String, String> env, List<String> tried) {
    String t = env.getOrDefault("FAILOVER_ID_TOKEN", "").strip();
    if (t.isEmpty()) {
      tried.add("FAILOVER_ID_TOKEN is not set");
      return Optional.empty();
    }
    return Optional.of(t);
  }

  static Optional<String> fromAdc(String audience, Map<String, String> env, List<String> tried) {
    GoogleCredentials c;
    try {
      c = GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      tried.add("no Application Default Credentials");
      return Optional.empty();
    }
    if (!(c instanceof IdTokenProvider p)) {
      tried.add(
          "Application Default Credentials of kind "
              + c.getClass().getSimpleName()
              + " cannot mint identity tokens");
      return Optional.empty();
    }
    try {
      return Optional.of(
          p.idTokenWithAudience(
                  audience,
                  List.of(IdTokenProvider.Option.FORMAT_FULL, IdTokenProvider.Option.INCLUDE_EMAIL))
              .getTokenValue());
    } catch (IOException | RuntimeException e) {
      tried.add("Application Default Credentials gave no identity token: " + e.getMessage());
      return Optional.empty();
    }
  }

  static Optional<String> fromGcloud(String audience, Map<String, String> env, List<String> tried) {
    try {
      Process p =
          new ProcessBuilder("gcloud", "auth", "print-identity-token", "--quiet")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        tried.add("gcloud auth print-identity-token did not answer within 60 s");
        return Optional.empty();
      }
      String token = new String(out, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0 || token.isEmpty()) {
        tried.add("gcloud has no logged-in account");
        return Optional.empty();
      }
      return Optional.of(token);
    } catch (IOException e) {
      tried.add("gcloud is not installed");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tried.add("interrupted while asking gcloud");
      return Optional.empty();
    }
  }
}

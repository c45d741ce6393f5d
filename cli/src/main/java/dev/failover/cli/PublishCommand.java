package dev.failover.cli;

import dev.failover.core.domain.ControllerEvent.CommandEvent.Action;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.RegionSpec;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.intake.Inbound;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.PubsubMessage;
import dev.failover.gcp.pubsub.Publishing;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Sends an operator command (schema {@code failover.command/v1}) after checking it with the very
 * parser the commands function runs, so what is refused here would be refused there.
 *
 * <p>By default through the command endpoint ({@code FAILOVER_COMMAND_ENDPOINT}; break-glass
 * through {@code FAILOVER_BREAK_GLASS_ENDPOINT}) with an identity token ({@link IdentityToken}):
 * the audit records then show who sent it, as Cloud Run authenticated them. {@code --via topic}
 * (implied by {@code --emulator}) publishes straight to the commands topic, where the sender is
 * recorded as unverified and break-glass is refused.
 */
abstract class PublishCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "REGION", description = "the region, e.g. us-central1")
  String region;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "why (required, at most 500 characters)")
  String reason;

  @Option(
      names = "--requested-by",
      paramLabel = "WHO",
      description =
          "who asks (default: $FAILOVER_ACTOR, else the account gcloud is logged in with, else"
              + " $USER, else the OS user name)")
  String requestedBy;

  @Option(
      names = "--project",
      paramLabel = "PROJECT",
      description =
          "project of the commands topic (default: $FAILOVER_PROJECT, else the topology's)")
  String project;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "commands topic (default: $FAILOVER_COMMANDS_TOPIC, else failover-commands)")
  String topic;

  @Option(
      names = "--emulator",
      paramLabel = "HOST:PORT",
      description = "Pub/Sub emulator (default: $PUBSUB_EMULATOR_HOST)")
  String emulator;

  @Option(
      names = "--via",
      paramLabel = "endpoint|topic",
      description =
          "endpoint: the command endpoint, as yourself (default); topic: straight to the commands"
              + " topic, recorded unverified (default with --emulator)")
  String via;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "the command endpoint (default: $FAILOVER_COMMAND_ENDPOINT; with --break-glass"
              + " $FAILOVER_BREAK_GLASS_ENDPOINT): terraform output command_endpoint_url")
  String endpoint;

  @Option(
      names = "--dry-run",
      description = "print the message that would be published, publish nothing")
  boolean dryRun;

  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();

  /** Where identity tokens come from; tests use only FAILOVER_ID_TOKEN. */
  IdentityToken tokens = IdentityToken.standard();

  /** The account gcloud is logged in with, if any; tests give their own. */
  java.util.function.Supplier<Optional<String>> gcloudAccount = PublishCommand::activeGcloudAccount;

  /** The OS user name (without $USER too: containers and CI often have none). */
  java.util.function.Supplier<String> osUser = () -> System.getProperty("user.name", "");

  /**
   * Who asks, when --requested-by is not given: $FAILOVER_ACTOR, else the account gcloud is logged
   * in with, else $USER, else the OS user name.
   */
  private String defaultActor(Map<String, String> env) {
    String actor = env.getOrDefault("FAILOVER_ACTOR", "");
    if (!actor.isBlank()) {
      return actor;
    }
    Optional<String> account = gcloudAccount.get().filter(a -> !a.isBlank());
    if (account.isPresent()) {
      return account.get();
    }
    actor = env.getOrDefault("USER", "");
    return actor.isBlank() ? osUser.get() : actor;
  }

  /** {@code gcloud config get-value account}, when gcloud is installed and logged in. */
  static Optional<String> activeGcloudAccount() {
    try {
      Process p =
          new ProcessBuilder("gcloud", "config", "get-value", "account", "--quiet")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String a = new String(out, java.nio.charset.StandardCharsets.UTF_8).strip();
      return a.isEmpty() || a.contains(" ") ? Optional.empty() : Optional.of(a);
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  abstract Action action();

  Optional<Duration> ttl() {
    return Optional.empty();
  }

  boolean breakGlass() {
    return false;
  }

  /** The incident or build id a forget command names. */
  Optional<String> target() {
    return Optional.empty();
  }

  @Override
  public Integer call() {
    Map<String, String> env = config.environment();
    Instant now = clock.instant();
    String actor = requestedBy != null ? requestedBy : defaultActor(env);
    if (actor.isBlank()) {
      throw new IllegalArgumentException("--requested-by is required (or set FAILOVER_ACTOR)");
    }
    Region r;
    try {
      r = Region.of(region);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("REGION: " + e.getMessage());
    }
    Topology topology;
    if (config.hasTopology()) {
      topology = config.env().topology();
    } else {
      // without a topology only the region's form can be checked here; the function checks the rest
      topology =
          new Topology(
              Mode.URL_MAP_WEIGHTS,
              "unknown-project",
              "unknown",
              List.of(RegionSpec.of(r, "unknown", 1, 1)),
              0);
    }
    String data =
        OperatorCommands.encode(action(), r, reason, actor, ttl(), breakGlass(), now, target());
    Optional<String> emu =
        Optional.ofNullable(emulator != null ? emulator : env.get("PUBSUB_EMULATOR_HOST"));
    boolean viaTopic = viaTopic(emu);
    OperatorCommands.Door door =
        viaTopic
            ? OperatorCommands.Door.TOPIC
            : breakGlass()
                ? OperatorCommands.Door.BREAK_GLASS_ENDPOINT
                : OperatorCommands.Door.ENDPOINT;
    Inbound checked =
        new OperatorCommands(topology)
            .parse(
                new PubsubMessage("local-check", Optional.of(now), Map.of(), data),
                now,
                door,
                viaTopic ? Optional.empty() : Optional.of("you"));
    if (checked instanceof Inbound.Rejected rejected) {
      throw new IllegalArgumentException(rejected.reason());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      out.println(data);
      return 0;
    }
    if (!viaTopic) {
      return send(env, data, out);
    }
    String p =
        project != null
            ? project
            : env.getOrDefault("FAILOVER_PROJECT", config.hasTopology() ? topology.project() : "");
    if (p.isBlank()) {
      throw new IllegalArgumentException(
          "--project is required (or set FAILOVER_PROJECT, or give a topology)");
    }
    String t =
        topic != null ? topic : env.getOrDefault("FAILOVER_COMMANDS_TOPIC", "failover-commands");
    if (emu.isEmpty()) {
      requireCredentials();
    }
    String id = Publishing.publish(p, t, data, Map.of(), emu);
    out.println(id);
    return 0;
  }

  /**
   * Application Default Credentials, as the Pub/Sub client will look for them; tests give theirs.
   */
  Callable<Object> adc = com.google.auth.oauth2.GoogleCredentials::getApplicationDefault;

  /** Says what to run when there are no Google credentials to publish with. */
  private void requireCredentials() {
    try {
      adc.call();
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "no Google credentials to publish with: run 'gcloud auth application-default login'"
              + " (or run where a service account's credentials are), or use --emulator HOST:PORT"
              + " for a local emulator, or --dry-run to print the command without sending it");
    }
  }

  private boolean viaTopic(Optional<String> emulatorHost) {
    if (via == null) {
      return emulatorHost.isPresent();
    }
    return switch (via) {
      case "topic" -> true;
      case "endpoint" -> false;
      default ->
          throw new IllegalArgumentException("--via must be endpoint or topic, got '" + via + "'");
    };
  }

  /** POSTs the command to its endpoint as the caller; prints the message id and the principal. */
  private int send(Map<String, String> env, String data, PrintWriter out) {
    String variable = breakGlass() ? "FAILOVER_BREAK_GLASS_ENDPOINT" : "FAILOVER_COMMAND_ENDPOINT";
    String url = endpoint != null ? endpoint : env.getOrDefault(variable, "");
    if (url.isBlank()) {
      throw new IllegalArgumentException(
          "no "
              + (breakGlass() ? "break-glass" : "command")
              + " endpoint: set "
              + variable
              + " (terraform output -raw "
              + (breakGlass() ? "break_glass_endpoint_url" : "command_endpoint_url")
              + ") or give --endpoint URL; --via topic publishes straight to the commands topic,"
              + " recorded as unverified");
    }
    java.net.URI uri;
    try {
      uri = java.net.URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--endpoint: '" + url + "' is not a URL");
    }
    boolean local = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost());
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && local)) {
      throw new IllegalArgumentException(
          "--endpoint must be an https:// URL (the endpoint's Cloud Run URL), got '" + url + "'");
    }
    String audience = uri.getScheme() + "://" + uri.getAuthority();
    String token = tokens.forAudience(audience, env);
    java.net.http.HttpResponse<String> response;
    try {
      response =
          java.net.http.HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(20))
              .build()
              .send(
                  java.net.http.HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(60))
                      .header("Content-Type", "application/json")
                      .header("Authorization", "Bearer " + token)
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofString(data))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "could not reach " + url + " (" + e.getMessage() + "); nothing was sent", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending to " + url, e);
    }
    EndpointAnswer answer = EndpointAnswer.of(response.statusCode(), response.body());
    if (response.statusCode() != 202) {
      throw new IllegalArgumentException(answer.refusal(url, breakGlass()));
    }
    out.println(answer.messageId());
    out.println("sent as " + answer.principal() + " (verified by the endpoint)");
    return 0;
  }

  /**
   * {@code 2h}, {@code 30m}, {@code 1h30m}, {@code 90s}, {@code 1d}, or ISO-8601 ({@code PT2H}).
   */
  static Duration parseTtl(String text) {
    return parseDuration("--ttl", text);
  }

  static Duration parseDuration(String option, String text) {
    if (text.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            option + ": '" + text + "' is not an ISO-8601 duration such as PT2H");
      }
    }
    Matcher m = Pattern.compile("(\\d{1,6})([dhms])").matcher(text);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
              });
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException(
          option + " must look like 2h, 30m, 1h30m or PT2H, got '" + text + "'");
    }
    return d;
  }

  /** The two commands that set a pin: a TTL is required, break-glass is allowed. */
  abstract static class PinCommand extends PublishCommand {
    @Option(
        names = "--ttl",
        required = true,
        paramLabel = "DURATION",
        description = "how long the pin holds: 1m..72h, e.g. 2h")
    String ttl;

    @Option(
        names = "--break-glass",
        description = "override the safety rules (never the last serving region); audited as such")
    boolean breakGlass;

    @Override
    Optional<Duration> ttl() {
      return Optional.of(parseTtl(ttl));
    }

    @Override
    boolean breakGlass() {
      return breakGlass;
    }
  }

  @CommandLine.Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description = "Pin a region out for a while: publish a drain command.")
  static final class Drain extends PinCommand {
    @Override
    Action action() {
      return Action.DRAIN;
    }
  }

  @CommandLine.Command(
      name = "pin-serve",
      mixinStandardHelpOptions = true,
      description = "Keep a region in whatever else says: publish a pin-serve command.")
  static final class PinServe extends PinCommand {
    @Override
    Action action() {
      return Action.PIN_SERVE;
    }
  }

  @CommandLine.Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = "Clear a region's drain pin (it comes back once healthy, through the ramp).")
  static final class Restore extends PublishCommand {
    @Override
    Action action() {
      return Action.RESTORE;
    }
  }

  @CommandLine.Command(
      name = "drill",
      mixinStandardHelpOptions = true,
      description = {
        "Rehearse a regional evacuation: publish a drill command. The region is drained under every"
            + " safety rule and restored at once when the duration ends; the controller refuses a"
            + " drill a rule would hold, and aborts one (restoring the region) when another region"
            + " is wanted out. Each step is audited as kind drill and published as a change"
            + " notification. End it early with 'failoverctl restore REGION'."
      })
  static final class Drill extends PublishCommand {
    @Option(
        names = "--duration",
        required = true,
        paramLabel = "DURATION",
        description = "how long the region stays drained: 1m..72h, e.g. 30m")
    String duration;

    @Override
    Action action() {
      return Action.DRILL;
    }

    @Override
    Optional<Duration> ttl() {
      return Optional.of(parseDuration("--duration", duration));
    }
  }

  @CommandLine.Command(
      name = "unpin",
      mixinStandardHelpOptions = true,
      description = "Clear any pin on a region.")
  static final class Unpin extends PublishCommand {
    @Override
    Action action() {
      return Action.UNPIN;
    }
  }

  @CommandLine.Command(
      name = "forget-incident",
      mixinStandardHelpOptions = true,
      description = {
        "Close an open incident the controller holds for a region, when you know better than the"
            + " signal (its alert policy was deleted while the incident was open, the close was"
            + " lost). The region then comes back once health has been good for the restore hold,"
            + " through the ramp, like after any close. Audited with your reason."
      })
  static final class ForgetIncident extends PublishCommand {
    @Parameters(index = "1", paramLabel = "INCIDENT_ID", description = "the incident's id")
    String incidentId;

    @Override
    Action action() {
      return Action.FORGET_INCIDENT;
    }

    @Override
    Optional<String> target() {
      return Optional.of(incidentId);
    }
  }

  @CommandLine.Command(
      name = "forget-build",
      mixinStandardHelpOptions = true,
      description = {
        "Stop a region's newest build from wanting it out (its last status was lost, or its failure"
            + " left the old revision serving). Later statuses of that build are ignored; a newer"
            + " build counts as usual. Audited with your reason."
      })
  static final class ForgetBuild extends PublishCommand {
    @Parameters(index = "1", paramLabel = "BUILD_ID", description = "the build's id")
    String buildId;

    @Override
    Action action() {
      return Action.FORGET_BUILD;
    }

    @Override
    Optional<String> target() {
      return Optional.of(buildId);
    }
  }
}

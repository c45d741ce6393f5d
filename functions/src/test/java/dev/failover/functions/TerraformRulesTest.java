package dev.failover.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What tfcheck (types, arguments, references) cannot see in the Terraform: rules that an apply
 * would only break at run time, read from the .tf files of terraform/.
 */
class TerraformRulesTest {
  static final Path ROOT = Path.of("../terraform");

  /** One {@code resource "TYPE" "NAME" { ... }} block, its body without the outer braces. */
  record Block(Path file, String type, String name, String body) {
    String address() {
      return type + "." + name;
    }
  }

  static List<Block> resources() throws IOException {
    List<Block> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".tf"))
              .filter(p -> !p.toString().contains("/.terraform/"))
              .sorted()
              .toList()) {
        String text = Files.readString(f);
        Matcher m =
            Pattern.compile("(?m)^resource \"([a-z0-9_]+)\" \"([a-z0-9_]+)\" \\{").matcher(text);
        while (m.find()) {
          out.add(new Block(f, m.group(1), m.group(2), body(text, m.end() - 1)));
        }
      }
    }
    assertTrue(out.size() > 40, "read the resources: " + out.size());
    return out;
  }

  /** The text between the brace at {@code open} and its match (strings hold balanced braces). */
  static String body(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return text.substring(open + 1, i);
      }
    }
    throw new IllegalStateException("unbalanced braces after " + open);
  }

  static List<Block> ofType(List<Block> all, String type) {
    return all.stream().filter(b -> b.type().equals(type)).toList();
  }

  static final String PUBSUB_AGENT =
      "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com";

  @Test
  void everyDeadLetterTopic_mayBePublishedToByPubSubsAgent_andItsSourcesReadByIt()
      throws Exception {
    List<Block> all = resources();
    // subscriptions Terraform creates with a dead-letter policy
    Set<String> deadLetterTopics = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    for (Block s : ofType(all, "google_pubsub_subscription")) {
      Matcher dl =
          Pattern.compile("dead_letter_topic\\s*=\\s*google_pubsub_topic\\.([a-z0-9_]+)\\.id")
              .matcher(s.body());
      if (dl.find()) {
        deadLetterTopics.add(dl.group(1));
        boolean subscriberGrant =
            ofType(all, "google_pubsub_subscription_iam_member").stream()
                .anyMatch(
                    g ->
                        g.body().contains("google_pubsub_subscription." + s.name() + ".")
                            && g.body().contains("roles/pubsub.subscriber")
                            && g.body().contains(PUBSUB_AGENT));
        if (!subscriberGrant) {
          missing.add(s.address() + ": Pub/Sub's agent needs subscriber on it");
        }
      }
    }
    // the functions' Eventarc subscriptions get theirs from the dead_letter_setup output
    String outputs = Files.readString(ROOT.resolve("modules/failover-controller/outputs.tf"));
    String setup =
        body(outputs, outputs.indexOf("{", outputs.indexOf("output \"dead_letter_setup\"")));
    Matcher t = Pattern.compile("google_pubsub_topic\\.([a-z0-9_]+)\\.id").matcher(setup);
    assertTrue(t.find(), "dead_letter_setup names the dead-letter topic");
    deadLetterTopics.add(t.group(1));
    assertTrue(setup.contains("--role=roles/pubsub.subscriber"), setup);
    assertTrue(
        setup.contains(
            "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"),
        setup);
    for (String topic : deadLetterTopics) {
      boolean publisherGrant =
          ofType(all, "google_pubsub_topic_iam_member").stream()
              .anyMatch(
                  g ->
                      g.body().contains("google_pubsub_topic." + topic + ".name")
                          && g.body().contains("roles/pubsub.publisher")
                          && g.body().contains(PUBSUB_AGENT));
      if (!publisherGrant) {
        missing.add("google_pubsub_topic." + topic + ": Pub/Sub's agent needs publisher on it");
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void everyFunction_isBuiltByAServiceAccountOfItsOwnThatMayWriteItsImageAndLogs()
      throws Exception {
    List<Block> all = resources();
    List<Block> functions = ofType(all, "google_cloudfunctions2_function");
    assertEquals(
        2, functions.size(), "the controller's functions and the command endpoints: two for_each");
    for (Block f : functions) {
      String build = body(f.body(), f.body().indexOf("{", f.body().indexOf("build_config")));
      Matcher sa =
          Pattern.compile("service_account\\s*=\\s*google_service_account\\.([a-z0-9_]+)\\.id")
              .matcher(build);
      assertTrue(sa.find(), f.address() + " build_config.service_account: " + build);
      String account = "google_service_account." + sa.group(1) + ".email";
      Set<String> roles = new TreeSet<>();
      for (Block g : all) {
        Matcher role = Pattern.compile("role\\s*=\\s*\"([a-zA-Z./]+)\"").matcher(g.body());
        if (g.type().endsWith("_iam_member") && g.body().contains(account) && role.find()) {
          roles.add(role.group(1));
        }
      }
      assertEquals(
          Set.of(
              "roles/artifactregistry.writer",
              "roles/logging.logWriter",
              "roles/storage.objectViewer"),
          roles,
          "the roles of the build account (Custom service account for Cloud Build)");
    }
  }

  @Test
  void theAppRunsAsItsOwnServiceAccount_withNoRoles() throws Exception {
    List<Block> all = resources();
    Block app =
        ofType(all, "google_cloud_run_v2_service").stream()
            .filter(b -> b.name().equals("app"))
            .findFirst()
            .orElseThrow();
    Matcher sa =
        Pattern.compile("service_account\\s*=\\s*google_service_account\\.([a-z0-9_]+)\\.email")
            .matcher(app.body());
    assertTrue(sa.find(), "template.service_account of the app: " + app.body());
    String account = "google_service_account." + sa.group(1);
    List<String> grants =
        all.stream()
            .filter(b -> b.type().endsWith("_iam_member") || b.type().endsWith("_iam_binding"))
            .filter(b -> b.body().contains(account + ".email"))
            .map(Block::address)
            .toList();
    assertEquals(List.of(), grants, "the app's account has no roles");
    assertTrue(
        ofType(all, "google_cloud_run_v2_service_iam_member").stream()
            .noneMatch(b -> b.body().contains("allUsers")),
        "no allUsers binding: domain-restricted sharing refuses it");
  }

  /**
   * The command endpoints (issue 17): the verified-commands topic has exactly one publisher, the
   * endpoints' account, which holds nothing else; each endpoint is invoked only by the group named
   * for it; nothing is granted to allUsers or allAuthenticatedUsers and IAM is never disabled on
   * them; the commands topic is published to only by the members the variable names.
   */
  @Test
  void theVerifiedCommandsTopic_isPublishedOnlyByTheEndpoints_andTheEndpointsOnlyByTheirGroups()
      throws Exception {
    List<Block> all = resources();
    List<Block> grants =
        all.stream()
            .filter(b -> b.type().endsWith("_iam_member") || b.type().endsWith("_iam_binding"))
            .toList();
    List<String> onVerified =
        grants.stream()
            .filter(b -> b.body().contains("google_pubsub_topic.verified_commands."))
            .map(b -> b.address() + " " + member(b))
            .toList();
    assertEquals(
        List.of(
            "google_pubsub_topic_iam_member.endpoint_publishes_verified"
                + " serviceAccount:${google_service_account.endpoint.email}"),
        onVerified);
    List<String> endpointAccountGrants =
        grants.stream()
            .filter(b -> b.body().contains("google_service_account.endpoint.email"))
            .map(Block::address)
            .toList();
    assertEquals(
        List.of("google_pubsub_topic_iam_member.endpoint_publishes_verified"),
        endpointAccountGrants,
        "the endpoints' account may publish verified commands and nothing else");
    List<String> onEndpoints =
        grants.stream()
            .filter(b -> b.body().contains("google_cloudfunctions2_function.endpoint["))
            .map(b -> b.address() + " " + member(b) + " " + role(b))
            .toList();
    assertEquals(
        List.of(
            "google_cloud_run_v2_service_iam_member.endpoint_invokers each.value.member"
                + " roles/run.invoker"),
        onEndpoints);
    String endpoints = Files.readString(ROOT.resolve("modules/failover-controller/endpoints.tf"));
    assertTrue(
        endpoints.contains(
            "invokers    = concat([var.operators_group], var.command_endpoint_invokers)"),
        "the command endpoint: the operators group and the pipelines named");
    assertTrue(
        endpoints.contains("invokers    = [var.break_glass_group]"),
        "the break-glass endpoint: its own group alone");
    for (Block b : grants) {
      assertTrue(
          !b.body().contains("allUsers") && !b.body().contains("allAuthenticatedUsers"),
          b.address() + " grants to everyone");
    }
    for (Block f : ofType(all, "google_cloudfunctions2_function")) {
      assertTrue(
          !Pattern.compile("(?m)^\\s*invoker_iam_disabled\\s*=").matcher(f.body()).find(),
          f.address() + " sets invoker_iam_disabled");
    }
    List<String> onCommands =
        grants.stream()
            .filter(b -> b.body().contains("google_pubsub_topic.commands."))
            .map(b -> b.address() + " " + member(b))
            .toList();
    assertEquals(
        List.of("google_pubsub_topic_iam_member.direct_command_publishers each.value"), onCommands);
  }

  private static String member(Block b) {
    Matcher m = Pattern.compile("member\\s*=\\s*\"?([^\"\\n]+)\"?").matcher(b.body());
    return m.find() ? m.group(1).strip() : "";
  }

  private static String role(Block b) {
    Matcher m = Pattern.compile("role\\s*=\\s*\"([^\"]+)\"").matcher(b.body());
    return m.find() ? m.group(1) : "";
  }

  /** Metric types Google publishes that the Terraform reads, each from Google's metrics list. */
  static final Set<String> GOOGLE_METRICS =
      Set.of(
          "run.googleapis.com/request_count",
          "run.googleapis.com/request_latencies",
          "loadbalancing.googleapis.com/https/backend_request_count",
          "pubsub.googleapis.com/subscription/num_undelivered_messages");

  @Test
  void everyMetricTheDashboardAndAlertsRead_isPublishedByGoogleOrALogMetricOfOurs()
      throws Exception {
    List<Block> all = resources();
    Map<String, Block> logMetrics = new TreeMap<>();
    ofType(all, "google_logging_metric").forEach(b -> logMetrics.put(b.name(), b));
    assertTrue(logMetrics.size() >= 3, logMetrics.keySet().toString());
    Pattern metricType = Pattern.compile("metric\\.type=\\\\\"([^\\\\]+)\\\\\"");
    List<String> unknown = new ArrayList<>();
    int read = 0;
    for (Block b : all) {
      if (!b.type().equals("google_monitoring_alert_policy")
          && !b.type().equals("google_monitoring_dashboard")) {
        continue;
      }
      String text = b.type().equals("google_monitoring_dashboard") ? dashboardLocals() : b.body();
      Matcher m = metricType.matcher(text);
      while (m.find()) {
        read++;
        String type = m.group(1);
        Matcher user =
            Pattern.compile(
                    "\\$\\{local\\.user_metric\\}/\\$\\{google_logging_metric\\.([a-z0-9_]+)\\.name\\}")
                .matcher(type);
        if (user.matches()) {
          if (!logMetrics.containsKey(user.group(1))) {
            unknown.add(b.address() + ": no log metric " + user.group(1));
          }
        } else if (!GOOGLE_METRICS.contains(type)) {
          unknown.add(b.address() + ": " + type);
        }
      }
    }
    assertTrue(read >= 12, "metric types read: " + read);
    assertEquals(List.of(), unknown);
  }

  /** The dashboard is built in a locals block of observability.tf. */
  static String dashboardLocals() throws IOException {
    String text = Files.readString(ROOT.resolve("modules/failover-controller/observability.tf"));
    int at = text.indexOf("dashboard = {");
    assertTrue(at > 0, "the dashboard local");
    return body(text, text.indexOf("{", at));
  }

  @Test
  void theLogMetrics_countLinesAndFieldsTheFunctionsWrite() throws Exception {
    // the labels and fields the code writes, as HandlingTest and AuditLineTest show them
    Set<String> labels =
        Set.of(
            "failover_record=\\\"audit\\\"",
            "failover_record=\\\"level\\\"",
            "failover_function=\\\"tick\\\"",
            "failover_outcome=\\\"reconciled\\\"");
    Set<String> fields = Set.of("kind", "rule", "outcome", "level", "region");
    List<String> unknown = new ArrayList<>();
    for (Block b : ofType(resources(), "google_logging_metric")) {
      Matcher l = Pattern.compile("labels\\.([a-z_]+=\\\\\"[a-z]+\\\\\")").matcher(b.body());
      int n = 0;
      while (l.find()) {
        n++;
        if (!labels.contains(l.group(1))) {
          unknown.add(b.address() + " filters on " + l.group(1));
        }
      }
      if (n == 0) {
        unknown.add(b.address() + " filters on no label of the functions' lines");
      }
      Matcher e = Pattern.compile("EXTRACT\\(jsonPayload\\.([a-z_]+)\\)").matcher(b.body());
      while (e.find()) {
        if (!fields.contains(e.group(1))) {
          unknown.add(b.address() + " extracts " + e.group(1));
        }
      }
    }
    assertEquals(List.of(), unknown);
    assertEquals("tick", dev.failover.gcp.intake.Intake.Stream.TICK.wire());
  }

  @Test
  void theAlertsOnTheControllerItself_goToTheChannelsTheUserNames() throws Exception {
    List<String> wrong = new ArrayList<>();
    int own = 0;
    for (Block b : ofType(resources(), "google_monitoring_alert_policy")) {
      boolean input = b.body().contains("purpose = \"failover\"");
      String expected =
          input
              ? "notification_channels = [google_monitoring_notification_channel.alerts.id]"
              : "notification_channels = var.notification_channels";
      if (!input) {
        own++;
      }
      if (!b.body().contains(expected)) {
        wrong.add(b.address() + " should have " + expected);
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(5, own, "page, traffic not moved, dead letters, function errors, tick stopped");
  }
}

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

  static Block only(List<Block> all, String type, String name) {
    List<Block> found =
        all.stream().filter(b -> b.type().equals(type) && b.name().equals(name)).toList();
    assertEquals(1, found.size(), type + "." + name);
    return found.get(0);
  }

  /** What a block's for_each iterates, or "" for a single resource. */
  static String forEachOf(Block b) {
    Matcher m = Pattern.compile("(?m)^  for_each\\s*=\\s*(.+)$").matcher(b.body());
    return m.find() ? m.group(1).strip() : "";
  }

  /** The whole number an argument is set to, e.g. {@code timeout_seconds = 120}. */
  static int intArg(String body, String name) {
    Matcher m = Pattern.compile("(?m)^\\s*" + name + "\\s*=\\s*([0-9]+)\\s*$").matcher(body);
    assertTrue(m.find(), name + " in " + body);
    return Integer.parseInt(m.group(1));
  }

  static final String PUBSUB_AGENT =
      "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com";

  /**
   * Every event path ends in a dead-letter topic that the apply sets (issue 26): each event
   * function is fed by a push subscription of ours, never by an Eventarc trigger (whose
   * subscription Terraform cannot reach), and that subscription has a dead-letter policy, a retry
   * backoff, no expiry, an ack deadline above the function's timeout, and the OIDC identity that
   * may invoke the function.
   */
  @Test
  void everyEventFunction_isFedByAPushSubscriptionOfOurs_withADeadLetterTopic() throws Exception {
    List<Block> all = resources();
    Block fn = only(all, "google_cloudfunctions2_function", "fn");
    assertTrue(!fn.body().contains("event_trigger"), "an Eventarc trigger on " + fn.address());
    Block sub = only(all, "google_pubsub_subscription", "push");
    assertTrue(sub.body().contains("for_each = local.functions"), sub.body());
    assertTrue(
        sub.body()
            .contains(
                "push_endpoint = google_cloudfunctions2_function.fn[each.key].service_config[0].uri"),
        "pushes to the function: " + sub.body());
    assertTrue(
        sub.body().contains("service_account_email = google_service_account.trigger.email"),
        "pushes as the trigger account: " + sub.body());
    int policy = sub.body().indexOf("dead_letter_policy {");
    assertTrue(policy > 0, "a dead-letter policy: " + sub.body());
    String deadLetter = body(sub.body(), sub.body().indexOf("{", policy));
    assertTrue(
        deadLetter.contains("dead_letter_topic     = google_pubsub_topic.dead_letter.id")
            && deadLetter.contains("max_delivery_attempts = local.delivery[each.key].attempts"),
        "the dead-letter topic and the attempts before it: " + deadLetter);
    assertTrue(sub.body().contains("retry_policy {"), "a retry backoff: " + sub.body());
    assertTrue(
        Pattern.compile("expiration_policy \\{\\s*ttl = \"\"\\s*}").matcher(sub.body()).find(),
        "never expires: " + sub.body());
    int ack = intArg(sub.body(), "ack_deadline_seconds");
    int timeout = intArg(fn.body(), "timeout_seconds");
    assertTrue(ack > timeout && ack <= 600, "ack deadline " + ack + " vs timeout " + timeout);
    Block invoke = only(all, "google_cloud_run_v2_service_iam_member", "trigger_invokes");
    assertTrue(
        invoke.body().contains("for_each = local.functions")
            && invoke.body().contains("roles/run.invoker")
            && invoke.body().contains("google_service_account.trigger.email"),
        invoke.body());
  }

  @Test
  void everyDeadLetterTopic_mayBePublishedToByPubSubsAgent_andItsSourcesReadByIt()
      throws Exception {
    List<Block> all = resources();
    // subscriptions Terraform creates with a dead-letter policy
    Set<String> deadLetterTopics = new TreeSet<>();
    List<String> missing = new ArrayList<>();
    int withPolicy = 0;
    for (Block s : ofType(all, "google_pubsub_subscription")) {
      Matcher dl =
          Pattern.compile("dead_letter_topic\\s*=\\s*google_pubsub_topic\\.([a-z0-9_]+)\\.id")
              .matcher(s.body());
      if (dl.find()) {
        withPolicy++;
        deadLetterTopics.add(dl.group(1));
        boolean subscriberGrant =
            ofType(all, "google_pubsub_subscription_iam_member").stream()
                .anyMatch(
                    g ->
                        g.body().contains("google_pubsub_subscription." + s.name())
                            && forEachOf(g).equals(forEachOf(s))
                            && g.body().contains("roles/pubsub.subscriber")
                            && g.body().contains(PUBSUB_AGENT));
        if (!subscriberGrant) {
          missing.add(s.address() + ": Pub/Sub's agent needs subscriber on it");
        }
      }
    }
    assertEquals(1, withPolicy, "the functions' push subscriptions");
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
      Pattern keeps =
          Pattern.compile("(?m)^  topic\\s*=\\s*google_pubsub_topic\\." + topic + "\\.id$");
      boolean kept =
          ofType(all, "google_pubsub_subscription").stream()
              .anyMatch(b -> keeps.matcher(b.body()).find());
      if (!kept) {
        missing.add(
            "google_pubsub_topic." + topic + ": no subscription keeps what is dead-lettered");
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

  /**
   * Cloud Functions builds from its own copy of the source, in gcf-v2-sources-NUMBER-REGION
   * (provider issue 20571): the build account may read that bucket, and only that bucket beyond the
   * module's own.
   */
  @Test
  void theBuildAccount_mayReadTheBucketCloudFunctionsBuildsFrom() throws Exception {
    List<Block> all = resources();
    String main = Files.readString(ROOT.resolve("modules/failover-controller/main.tf"));
    assertTrue(
        main.contains(
            "function_sources_bucket = \"gcf-v2-sources-${data.google_project.this.number}-${var.region}\""),
        "the bucket's name: gcf-v2-sources-<project number>-<region>");
    List<Block> reads =
        all.stream()
            .filter(b -> b.type().endsWith("_iam_member"))
            .filter(b -> b.body().contains("google_service_account.build.email"))
            .filter(b -> b.body().contains("roles/storage.objectViewer"))
            .toList();
    assertEquals(2, reads.size(), "the module's bucket and Cloud Functions' copy");
    Block project =
        reads.stream()
            .filter(b -> b.type().equals("google_project_iam_member"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no grant reaches gcf-v2-sources"));
    assertTrue(
        project
            .body()
            .contains(
                "resource.name == \\\"projects/_/buckets/${local.function_sources_bucket}\\\" ||"
                    + " resource.name.startsWith(\\\"projects/_/buckets/${local.function_sources_bucket}/\\\")"),
        "limited to that bucket and its objects: " + project.body());
    Block own =
        reads.stream()
            .filter(b -> b.type().equals("google_storage_bucket_iam_member"))
            .findFirst()
            .orElseThrow();
    assertTrue(own.body().contains("bucket = google_storage_bucket.source.name"), own.body());
  }

  /**
   * What must settle before it is used waits (issue 26): the build account's grants before any
   * function is built, Google's service agents before anything is granted to them, and new log
   * metrics before an alert policy names them (provider issue 11102).
   */
  @Test
  void theWaits_sitBetweenWhatMustSettleAndWhatUsesIt() throws Exception {
    List<Block> all = resources();
    List<String> wrong = new ArrayList<>();
    // 1. build grants -> functions
    Block build = only(all, "time_sleep", "build_grants_settle");
    for (Block g : all) {
      if (g.type().endsWith("_iam_member")
          && g.body().contains("google_service_account.build.email")
          && !dependsOn(build).contains(g.address())) {
        wrong.add(build.address() + " does not wait for " + g.address());
      }
    }
    for (Block f : ofType(all, "google_cloudfunctions2_function")) {
      if (!dependsOn(f).contains("time_sleep.build_grants_settle")) {
        wrong.add(f.address() + " is built before the build account's grants settled");
      }
    }
    // 2. service agents -> grants to them
    Block agents = only(all, "time_sleep", "agents_settle");
    if (!dependsOn(agents).contains("google_project_service_identity.agent")) {
      wrong.add(agents.address() + " does not wait for the agents");
    }
    for (Block g : all) {
      if (g.type().endsWith("_iam_member")
          && g.body().contains("@gcp-sa-")
          && !dependsOn(g).contains("time_sleep.agents_settle")) {
        wrong.add(g.address() + " grants to a service agent before it settled");
      }
    }
    // 3. log metrics -> alert policies that read them
    Block metrics = only(all, "time_sleep", "log_metrics_usable");
    int policies = 0;
    for (Block p : ofType(all, "google_monitoring_alert_policy")) {
      Matcher m = Pattern.compile("google_logging_metric\\.([a-z0-9_]+)\\.name").matcher(p.body());
      while (m.find()) {
        policies++;
        if (!metrics.body().contains("google_logging_metric." + m.group(1) + ".id")) {
          wrong.add(metrics.address() + " is not triggered by google_logging_metric." + m.group(1));
        }
        if (!dependsOn(p).contains("time_sleep.log_metrics_usable")) {
          wrong.add(p.address() + " names a new log metric before it is usable");
        }
      }
    }
    assertTrue(policies >= 3, "page, traffic not moved, tick stopped: " + policies);
    assertTrue(intDuration(metrics.body()) >= 600, "up to 10 minutes: " + metrics.body());
    assertTrue(intDuration(build.body()) >= 60, build.body());
    assertEquals(List.of(), wrong);
  }

  /**
   * Monitoring filters (alert policies, the dashboard) are written in the Monitoring filter
   * language: it matches one of several values with {@code one_of(...)} and has no {@code
   * label=("a" OR "b")}, which is the Logging query language's (Monitoring "Filters"; whether the
   * API refuses the OR form is unverified, the documented form is used everywhere). Locals a filter
   * names are read as they are defined.
   */
  @Test
  void noMonitoringFilter_usesTheLoggingQueryLanguage() throws Exception {
    List<Block> all = resources();
    String locals = moduleLocals();
    List<String> wrong = new ArrayList<>();
    int filters = 0;
    Pattern filter =
        Pattern.compile(
            "(?m)\\b(?:filter|denominator_filter)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|join\\([^\\n]*|$)");
    for (Block b : all) {
      boolean monitoring =
          b.type().equals("google_monitoring_alert_policy")
              || b.type().equals("google_monitoring_dashboard");
      if (!monitoring) {
        continue;
      }
      String text = b.type().equals("google_monitoring_dashboard") ? dashboardLocals() : b.body();
      Matcher f = filter.matcher(text);
      while (f.find()) {
        filters++;
        String expanded = expandLocals(f.group(0), locals);
        if (LOGGING_SYNTAX.matcher(expanded).find()) {
          wrong.add(b.address() + ": " + expanded);
        }
      }
    }
    assertTrue(filters >= 15, "filters read: " + filters);
    assertEquals(List.of(), wrong);
    // and the controller's own services are matched as Monitoring documents it
    assertTrue(
        locals.contains(
            "\"resource.labels.service_name=one_of(${join(\", \", [for n in local.controller_services : \"\\\"${n}\\\"\"])})\""),
        "function_series uses one_of");
  }

  /** A label compared with a parenthesised list, an OR inside a value, or a Logging-only field. */
  static final Pattern LOGGING_SYNTAX =
      Pattern.compile("=\\s*\\(|\" OR \"|jsonPayload|logName|\\bseverity\\b|local\\.function_logs");

  /** Every {@code locals { ... }} block of the controller module, one after the other. */
  static String moduleLocals() throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.list(ROOT.resolve("modules/failover-controller"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tf")).sorted().toList()) {
        String text = Files.readString(f);
        Matcher m = Pattern.compile("(?m)^locals \\{").matcher(text);
        while (m.find()) {
          out.append(body(text, m.end() - 1)).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** {@code ${local.X}} replaced by X's definition (the lines from {@code X =} to the next key). */
  static String expandLocals(String text, String locals) {
    Matcher m = Pattern.compile("\\$\\{local\\.([a-z_]+)\\}").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Matcher def =
          Pattern.compile("(?ms)^  " + m.group(1) + "\\s*=\\s*(.*?)(?=^  [a-z_]+\\s*=|\\z)")
              .matcher(locals);
      String replacement = def.find() ? def.group(1) : m.group(0);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The audit table is written by the controller's accounts only (issue 26): the five functions and
   * the endpoints append through a role that holds exactly the Storage Write API's two permissions,
   * granted on the table alone; no log sink, no dataset-wide or project-wide BigQuery write role,
   * nobody else.
   */
  @Test
  void theAuditTable_isWrittenByTheControllersAccountsOnly() throws Exception {
    List<Block> all = resources();
    Block role = only(all, "google_project_iam_custom_role", "audit_writer");
    assertTrue(
        role.body()
            .contains("permissions = [\"bigquery.tables.get\", \"bigquery.tables.updateData\"]"),
        role.body());
    List<String> onAudit =
        all.stream()
            .filter(b -> b.type().startsWith("google_bigquery_") && b.type().contains("_iam_"))
            .map(b -> b.address() + " " + role(b) + member(b))
            .toList();
    assertEquals(List.of("google_bigquery_table_iam_member.audit_writers each.value"), onAudit);
    Block grant = only(all, "google_bigquery_table_iam_member", "audit_writers");
    assertTrue(
        grant.body().contains("role       = google_project_iam_custom_role.audit_writer.id"),
        grant.body());
    assertTrue(
        grant.body().contains("table_id   = google_bigquery_table.audit_records.table_id"),
        grant.body());
    assertTrue(grant.body().contains("for_each = local.audit_writers"), grant.body());
    String main = Files.readString(ROOT.resolve("modules/failover-controller/main.tf"));
    int at = main.indexOf("audit_writers = merge(");
    assertTrue(at > 0, "local.audit_writers");
    String writers = main.substring(at, main.indexOf("\n  )", at));
    assertTrue(
        writers.contains(
                "{ for k, a in google_service_account.fn : k => \"serviceAccount:${a.email}\" }")
            && writers.contains(
                "{ endpoints = \"serviceAccount:${google_service_account.endpoint.email}\" }"),
        "the functions' and the endpoints' accounts: " + writers);
    assertEquals(List.of(), ofType(all, "google_logging_project_sink"), "no log sink writes rows");
    for (Block b : all) {
      assertTrue(
          !b.body().matches("(?s).*roles/bigquery\\.(dataEditor|dataOwner|admin).*"),
          b.address() + " grants a BigQuery write role");
    }
  }

  /** The addresses in a block's {@code depends_on = [...]}. */
  static Set<String> dependsOn(Block b) {
    Matcher m = Pattern.compile("depends_on\\s*=\\s*\\[([^\\]]*)\\]").matcher(b.body());
    Set<String> out = new TreeSet<>();
    if (m.find()) {
      for (String a : m.group(1).split(",")) {
        if (!a.isBlank()) {
          out.add(a.strip());
        }
      }
    }
    return out;
  }

  static int intDuration(String body) {
    Matcher m = Pattern.compile("create_duration\\s*=\\s*\"([0-9]+)s\"").matcher(body);
    assertTrue(m.find(), body);
    return Integer.parseInt(m.group(1));
  }

  /** The service agent behind each domain, and the API whose identity creates it. */
  static final Map<String, String> AGENT_SERVICES =
      Map.of(
          "gcp-sa-pubsub", "pubsub.googleapis.com",
          "gcp-sa-cloudscheduler", "cloudscheduler.googleapis.com",
          "gcp-sa-monitoring-notification", "monitoring.googleapis.com");

  /**
   * Every service agent the module grants to is created first (google_project_service_identity): on
   * a fresh project it may not exist yet, and IAM refuses a grant to an account that does not.
   */
  @Test
  void everyServiceAgentGrantedTo_isCreatedByTheModule() throws Exception {
    List<Block> all = resources();
    Block identities = only(all, "google_project_service_identity", "agent");
    assertTrue(identities.body().contains("provider = google-beta"), identities.body());
    Set<String> granted = new TreeSet<>();
    for (Block g : all) {
      Matcher m =
          Pattern.compile("@(gcp-sa-[a-z-]+)\\.iam\\.gserviceaccount\\.com").matcher(g.body());
      while (m.find()) {
        granted.add(m.group(1));
      }
    }
    assertEquals(AGENT_SERVICES.keySet(), granted, "the agents the module grants to");
    for (String agent : granted) {
      assertTrue(
          identities.body().contains("\"" + AGENT_SERVICES.get(agent) + "\""),
          agent + " is not created: " + identities.body());
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
        "the endpoints' account may publish verified commands and nothing else (besides appending"
            + " audit rows, through local.audit_writers: theAuditTable_isWrittenByTheControllersAccountsOnly)");
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

package dev.failover.gcp.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.failover.core.domain.ControllerEvent.CommandEvent.Action;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.Pause;
import dev.failover.core.testing.Fixtures;
import dev.failover.core.testing.RecordingAuditSink;
import dev.failover.gcp.audit.ChangeNotifications;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.json.ConfigJson;
import dev.failover.gcp.json.Strict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas published in schema/ (for users' editors and CI) against the hand-written
 * parsers the controller runs: on every case of the hostile corpus and every golden file, both
 * accept or both refuse. Where the parser refuses what no JSON Schema can see (the deployment's
 * regions, ranges of durations, the clock), the case is named here with the reason.
 */
class SchemaAgreementTest {
  static final Path SCHEMAS = Path.of("../../schema");
  static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);
  static final Instant NOW = IntakeTest.NOW;

  static Schema schema(String file) throws Exception {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(Files.readString(SCHEMAS.resolve(file)), InputFormat.JSON);
  }

  /** The schema's verdict: its errors, or the reason the text is not JSON at all. */
  static List<String> errors(Schema schema, String json) {
    try {
      return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    } catch (RuntimeException notJson) {
      return List.of("not JSON: " + notJson.getMessage());
    }
  }

  /** What the parser refuses for reasons outside any JSON Schema, by case. */
  static final Map<String, String> BEYOND_THE_SCHEMA =
      Map.of(
          "command region not behind the load balancer",
          "which regions exist depends on the deployment's topology",
          "ttl of 100 hours",
          "PT1M..PT72H is a range of durations; the schema checks their form",
          "issued_at a day ahead",
          "at most 5 minutes ahead depends on the clock");

  @Test
  void commands_theSchemaAndTheParserAgreeOnEveryCaseOfTheHostileCorpus() throws Exception {
    Schema schema = schema("command.v1.schema.json");
    OperatorCommands parser = new OperatorCommands(TOPOLOGY);
    List<String> disagreements = new ArrayList<>();
    Set<String> beyond = new java.util.TreeSet<>();
    int cases = 0;
    for (IntakeTest.Hostile h :
        IntakeTest.hostile().filter(h -> h.stream() == Intake.Stream.COMMANDS).toList()) {
      String data = PubsubMessage.fromEnvelope(h.body(), "x").data();
      boolean parserAccepts =
          parser.parse(new PubsubMessage("1", Optional.of(NOW), Map.of(), data), NOW)
              instanceof Inbound.Accepted;
      boolean schemaAccepts = errors(schema, data).isEmpty();
      cases++;
      if (BEYOND_THE_SCHEMA.containsKey(h.name())) {
        assertTrue(schemaAccepts && !parserAccepts, h.name() + ": " + errors(schema, data));
        beyond.add(h.name());
      } else if (parserAccepts != schemaAccepts) {
        disagreements.add(
            h.name() + ": parser " + parserAccepts + ", schema " + errors(schema, data));
      }
    }
    assertEquals(List.of(), disagreements);
    assertEquals(BEYOND_THE_SCHEMA.keySet(), beyond, "every named exception is in the corpus");
    assertTrue(cases >= 20, "read the command cases of the corpus: " + cases);
  }

  @Test
  void commands_everyGoldenCommandAndEveryActionFailoverctlSends_isValid() throws Exception {
    Schema schema = schema("command.v1.schema.json");
    List<String> valid = new ArrayList<>();
    valid.add(IntakeTest.golden("commands/drain.json"));
    valid.add(IntakeTest.golden("commands/drill.json"));
    valid.add(Files.readString(Path.of("../../examples/command-drain.json")));
    for (Action a : Action.values()) {
      valid.add(
          OperatorCommands.encode(
              a,
              Region.of("us-central1"),
              "why",
              "alice@example.com",
              a.needsTtl() ? Optional.of(Duration.ofHours(2)) : Optional.empty(),
              a == Action.DRAIN,
              NOW,
              a.targetField().map(f -> "id-1")));
    }
    for (String c : valid) {
      assertEquals(List.of(), errors(schema, c), c);
      boolean breakGlass = c.contains("\"break_glass\":true");
      Inbound in =
          new OperatorCommands(TOPOLOGY)
              .parse(
                  new PubsubMessage("1", Optional.of(NOW), Map.of(), c),
                  NOW,
                  breakGlass
                      ? OperatorCommands.Door.BREAK_GLASS_ENDPOINT
                      : OperatorCommands.Door.ENDPOINT,
                  Optional.of("alice@example.com"));
      assertTrue(in instanceof Inbound.Accepted, c + " -> " + in);
    }
    assertEquals(3 + Action.values().length, valid.size());
  }

  /** Topologies: the examples, Terraform's golden outputs, and broken variants of them. */
  @Test
  void topologies_theSchemaAndTheParserAgree() throws Exception {
    Schema schema = schema("topology.schema.json");
    String example = Files.readString(Path.of("../../examples/topology.json"));
    Map<String, String> cases = new TreeMap<>();
    cases.put("examples/topology.json", example);
    try (var files = Files.list(Path.of("../../terraform/modules/topology-json/tests"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        cases.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    cases.put("unknown field", example.replaceFirst("\\{", "{\"colour\":\"red\","));
    cases.put("unknown mode", example.replace("URL_MAP_WEIGHTS", "ROUND_ROBIN"));
    cases.put("region malformed", example.replace("\"us-central1\"", "\"US\""));
    cases.put(
        "capacity missing", example.replaceFirst("\"capacity_rps\": 1000", "\"users_rps\": 1"));
    cases.put(
        "base weight a string",
        example.replaceFirst("\"base_weight\": 100", "\"base_weight\": \"100\""));
    cases.put(
        "no regions",
        "{\"mode\":\"URL_MAP_WEIGHTS\",\"project\":\"p\",\"resource\":\"r\",\"regions\":[]}");
    cases.put("not an object", "[]");
    int valid = agree(schema, cases, text -> ConfigJson.topology(Strict.parse(text, "t")));
    assertTrue(valid >= 3, "the example and Terraform's outputs are valid: " + valid);
  }

  @Test
  void policies_theSchemaAndTheParserAgree() throws Exception {
    Schema schema = schema("policy.schema.json");
    Map<String, String> cases = new TreeMap<>();
    cases.put("empty", "{}");
    cases.put(
        "every field",
        "{\"min_serving_regions\":1,\"max_drained_fraction\":0.34,\"headroom\":0.8,"
            + "\"restore_after\":\"PT5M\",\"ramp_steps\":[10,25,50,100],\"step_dwell\":\"PT2M\","
            + "\"flap_window\":\"PT1H\",\"max_restore_hold\":\"PT1H\",\"drain_on_deploy\":true,"
            + "\"deploy_timeout\":\"PT20M\",\"incident_stale_after\":\"PT2H\",\"drift\":\"adopt\","
            + "\"drift_pin_ttl\":\"PT1H\",\"verify_below_rps\":1.0,\"verify_within\":\"PT10M\"}");
    cases.put("headroom above 1", "{\"headroom\":2}");
    cases.put("drift unknown", "{\"drift\":\"ignore\"}");
    cases.put("unknown field", "{\"speed\":\"fast\"}");
    cases.put("restore_after not a duration", "{\"restore_after\":\"5 minutes\"}");
    cases.put("ramp step a string", "{\"ramp_steps\":[\"10\",100]}");
    cases.put("no serving region kept", "{\"min_serving_regions\":0}");
    cases.put("drain_on_deploy a string", "{\"drain_on_deploy\":\"yes\"}");
    cases.put("min_serving_regions a string", "{\"min_serving_regions\":\"2\"}");
    cases.put("negative restore_after", "{\"restore_after\":\"-PT5M\"}");
    int valid = agree(schema, cases, text -> ConfigJson.controls(Strict.parse(text, "policy")));
    assertEquals(2, valid);
  }

  /** Each case: schema and parser both accept or both refuse; returns how many both accept. */
  private static int agree(
      Schema schema, Map<String, String> cases, java.util.function.Consumer<String> parse) {
    List<String> disagreements = new ArrayList<>();
    int valid = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      boolean parserAccepts;
      try {
        parse.accept(c.getValue());
        parserAccepts = true;
      } catch (IllegalArgumentException e) {
        parserAccepts = false;
      }
      List<String> errors = errors(schema, c.getValue());
      if (parserAccepts != errors.isEmpty()) {
        disagreements.add(c.getKey() + ": parser " + parserAccepts + ", schema " + errors);
      }
      valid += parserAccepts && errors.isEmpty() ? 1 : 0;
    }
    assertEquals(List.of(), disagreements);
    return valid;
  }

  /**
   * Change notifications as the controller publishes them over a drain, a command and a restore.
   */
  @Test
  void changeEvents_everyNotificationPublishedOverAnIncidentAndACommand_isValid() throws Exception {
    Schema schema = schema("event.v1.schema.json");
    List<String> published = new ArrayList<>();
    RecordingAuditSink audit = new RecordingAuditSink();
    ChangeNotifications events =
        new ChangeNotifications(audit, (data, attributes) -> published.add(data), w -> {});
    ScriptedHealthSource health = new ScriptedHealthSource();
    for (Region r : TOPOLOGY.regionNames()) {
      health.report(r, Health.Status.HEALTHY, NOW.minus(Duration.ofHours(1)));
    }
    Env env =
        Env.embedded(
            TOPOLOGY,
            Policy.defaults(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.of("app")),
            Duration.ofHours(1));
    Intake intake =
        Assembly.intake(
            env,
            new InMemoryStateStore(),
            new InMemoryLoadBalancer(TOPOLOGY.baseConfig()),
            health,
            events,
            Clock.fixed(NOW, ZoneOffset.UTC),
            Pause.NONE);
    deliver(
        intake,
        Intake.Stream.ALERTS,
        IntakeTest.golden("monitoring/cloud-run-5xx-open.json"),
        Map.of(),
        "1");
    deliver(
        intake,
        Intake.Stream.VERIFIED_COMMANDS,
        IntakeTest.golden("commands/drain.json"),
        Map.of("failover_principal", "carol@example.com", "failover_endpoint", "commands"),
        "2");
    deliver(
        intake,
        Intake.Stream.COMMANDS,
        IntakeTest.command(",\"action\":\"restore\"").replace("us-central1", "europe-west1"),
        Map.of(),
        "3");
    assertTrue(published.size() >= 2, "notifications published: " + published);
    for (String e : published) {
      assertEquals(List.of(), errors(schema, e), e);
    }
    Set<String> kinds =
        published.stream()
            .map(e -> e.replaceAll(".*\"kind\":\"([a-z]+)\".*", "$1"))
            .collect(Collectors.toSet());
    assertTrue(kinds.contains("change"), kinds.toString());
    assertTrue(
        published.stream().anyMatch(e -> e.contains("\"verified\":true")), "a verified command");
    // a notification that broke the schema is refused: the test can fail
    assertTrue(
        !errors(
                schema,
                published.get(0).replace("\"schema\":\"failover.event/v1\"", "\"schema\":\"x\""))
            .isEmpty());
    Predicate<String> commandWithoutVerified =
        e -> e.contains("\"trigger_type\":\"command\"") && !e.contains("\"verified\"");
    assertTrue(published.stream().noneMatch(commandWithoutVerified));
  }

  private static void deliver(
      Intake intake, Intake.Stream stream, String data, Map<String, String> attrs, String id) {
    String envelope =
        PubsubMessage.envelope(id, NOW.minusSeconds(2), attrs, data, "projects/p/subscriptions/s");
    intake.handle(stream, envelope.getBytes(StandardCharsets.UTF_8), id);
  }
}

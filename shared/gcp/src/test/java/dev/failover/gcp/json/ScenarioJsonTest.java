package dev.failover.gcp.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.core.domain.Mode;
import dev.failover.core.sim.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioJsonTest {

  private static final String TOPOLOGY =
      "\"topology\":{\"mode\":\"URL_MAP_WEIGHTS\",\"project\":\"demo-project\",\"resource\":\"um\","
          + "\"expected_rps\":100,\"regions\":[{\"region\":\"us-central1\",\"backend\":\"bs-us\","
          + "\"capacity_rps\":100},{\"region\":\"europe-west1\",\"backend\":\"bs-eu\",\"capacity_rps\":100}]}";

  private static String scenario(String events) {
    return "{\"name\":\"t\",\"duration\":\"PT10M\"," + TOPOLOGY + ",\"events\":[" + events + "]}";
  }

  @Test
  void parse_readsEveryKindOfEvent() {
    Scenario s =
        ScenarioJson.parse(
            scenario(
                "{\"at\":\"PT1M\",\"health\":{\"region\":\"us-central1\",\"status\":\"UNHEALTHY\"}},"
                    + "{\"at\":\"PT2M\",\"incident\":{\"region\":\"us-central1\",\"id\":\"i\",\"state\":\"open\",\"copies\":3}},"
                    + "{\"at\":\"PT3M\",\"build\":{\"region\":\"us-central1\",\"id\":\"b\",\"status\":\"FAILURE\"}},"
                    + "{\"at\":\"PT4M\",\"command\":{\"action\":\"pin-serve\",\"region\":\"europe-west1\",\"reason\":\"r\",\"ttl\":\"PT1H\"}},"
                    + "{\"at\":\"PT5M\",\"redeliver\":{\"index\":1}}"));
    assertEquals(Mode.URL_MAP_WEIGHTS, s.topology().mode());
    assertEquals(5, s.steps().size());
    assertEquals(3, ((Scenario.IncidentStep) s.steps().get(1)).copies());
    assertEquals(Duration.ofMinutes(1), s.tickEvery());
  }

  @Test
  void published_makesALateDelivery_theSentStepKeepsItsSourceTime() {
    Scenario s =
        ScenarioJson.parse(
            scenario(
                "{\"at\":\"PT9M\",\"published\":\"PT2M\",\"incident\":{\"region\":\"us-central1\",\"id\":\"i\",\"state\":\"closed\"}},"
                    + "{\"at\":\"PT3M\",\"command\":{\"action\":\"forget-build\",\"region\":\"us-central1\",\"reason\":\"r\",\"build_id\":\"b-7\"}}"));
    Scenario.LateStep late = (Scenario.LateStep) s.steps().get(1);
    assertEquals(Duration.ofMinutes(9), late.at());
    assertEquals(Duration.ofMinutes(2), late.sent().at());
    assertEquals(java.util.Optional.of("b-7"), ((Scenario.CommandStep) s.steps().get(0)).target());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"at\":\"PT1M\",\"health\":{\"region\":\"us-central1\",\"status\":\"GREEN\"}}"
            + "|events[0].health.status must be one of [HEALTHY, UNHEALTHY, NO_DATA], got 'GREEN'",
        "{\"at\":\"1 minute\",\"health\":{\"region\":\"us-central1\",\"status\":\"HEALTHY\"}}"
            + "|events[0].at must be an ISO-8601 duration such as PT30M or PT2H, got '1 minute'",
        "{\"at\":\"PT1M\",\"health\":{\"region\":\"US\",\"status\":\"HEALTHY\"}}"
            + "|events[0].health.region: region must look like 'us-central1' (lowercase words joined by '-', ending in a number), got 'US'",
        "{\"at\":\"PT1M\",\"health\":{\"region\":\"us-central1\",\"status\":\"HEALTHY\",\"colour\":1}}"
            + "|unknown field events[0].health.colour (known: region, status)",
        "{\"at\":\"PT1M\",\"incident\":{\"region\":\"us-central1\",\"id\":7,\"state\":\"open\"}}"
            + "|events[0].incident.id must be a string, got 7",
        "{\"at\":\"PT1M\",\"command\":{\"action\":\"nuke\",\"region\":\"us-central1\",\"reason\":\"r\"}}"
            + "|events[0].command.action must be one of drain, restore, pin-serve, unpin, drill, forget-incident, forget-build, got 'nuke'",
        "{\"at\":\"PT1M\",\"published\":\"PT2M\",\"incident\":{\"region\":\"us-central1\",\"id\":\"i\",\"state\":\"open\"}}"
            + "|events[0].published: published PT2M lies after the delivery at PT1M",
        "{\"at\":\"PT1M\",\"published\":\"-PT2M\",\"incident\":{\"region\":\"us-central1\",\"id\":\"i\",\"state\":\"open\"}}"
            + "|events[0].published: published must not be negative, got PT-2M",
        "{\"at\":\"PT1M\",\"published\":\"PT0S\",\"health\":{\"region\":\"us-central1\",\"status\":\"HEALTHY\"}}"
            + "|events[0].published: published only applies to incident, build and command events",
        "{\"at\":\"PT1M\",\"redeliver\":{\"index\":0}}"
            + "|events[0].redeliver.index must name an earlier event (0..-1)",
        "{\"at\":\"PT20M\",\"health\":{\"region\":\"us-central1\",\"status\":\"HEALTHY\"}}"
            + "|events: event at PT20M lies outside the scenario's duration PT10M",
        "{\"at\":\"PT1M\",\"health\":{\"region\":\"asia-east1\",\"status\":\"HEALTHY\"}}"
            + "|events: event at PT1M names region asia-east1, which is not in the topology",
        "{\"at\":\"PT1M\"}|events[0] needs one of health, incident, build, command, redeliver",
      })
  void parse_badEvent_namesTheField(String event, String message) {
    Strict.InvalidJsonException e =
        assertThrows(Strict.InvalidJsonException.class, () -> ScenarioJson.parse(scenario(event)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void parse_notJson_saysSo() {
    Strict.InvalidJsonException e =
        assertThrows(Strict.InvalidJsonException.class, () -> ScenarioJson.parse("{nope"));
    assertEquals("scenario is not valid JSON (line 1, column 3)", e.getMessage());
  }

  @Test
  void parse_deepNesting_isRefusedBeforeParsing() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    Strict.InvalidJsonException e =
        assertThrows(
            Strict.InvalidJsonException.class, () -> ScenarioJson.parse("{\"name\":" + deep + "}"));
    assertEquals("scenario nests deeper than 32 levels", e.getMessage());
  }

  @Test
  void parse_badTopology_namesTheField() {
    String s =
        "{\"name\":\"t\",\"duration\":\"PT10M\",\"topology\":{\"mode\":\"DNS\",\"project\":\"p\","
            + "\"resource\":\"r\",\"regions\":[]},\"events\":[]}";
    assertEquals(
        "topology.mode must be one of [URL_MAP_WEIGHTS, URL_MAP_SUBSETS, BACKEND_MEMBERSHIP,"
            + " CAPACITY_SCALER], got 'DNS'",
        assertThrows(Strict.InvalidJsonException.class, () -> ScenarioJson.parse(s)).getMessage());
  }
}

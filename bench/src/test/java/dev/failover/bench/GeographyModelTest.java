package dev.failover.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The geography model against figures worked by hand: two metros 100 ms apart, 300 RPS of users in
 * A and 100 in B, region a in A and b in B.
 */
class GeographyModelTest {
  static final Region A = Region.of("a-region1");
  static final Region B = Region.of("b-region1");
  final GeographyModel model =
      new GeographyModel(
          new int[][] {{0, 100}, {100, 0}}, new int[] {300, 100}, Map.of(A, 0, B, 1));

  @Test
  void weightsSplitEveryClientSoAQuarterOfAsUsersAndThreeQuartersOfBsCrossTheOcean() {
    // base weights follow the users: 300 and 100; A sends 75 RPS to b, B sends 75 RPS to a
    var added = model.added(model.routing(Mode.URL_MAP_WEIGHTS, model.levels(B, 1000)));
    assertEquals(150 * 100 / 400.0, added.mean(), 1e-9);
    assertEquals(100, added.p95());
  }

  @Test
  void subsetsAndMembershipAddNothingInNormalOperation() {
    for (Mode m : new Mode[] {Mode.URL_MAP_SUBSETS, Mode.BACKEND_MEMBERSHIP}) {
      var added = model.added(model.routing(m, model.levels(B, 1000)));
      assertEquals(0, added.mean(), m.name());
      assertEquals(0, added.p95(), m.name());
    }
  }

  @Test
  void aDrainedRegionsUsersAllCrossInEveryMode() {
    for (Mode m : GeographyModel.MODES) {
      var added = model.added(model.routing(m, model.levels(B, 0)));
      assertEquals(100 * 100 / 400.0, added.mean(), 1e-9, m.name());
      assertEquals(100, added.p95(), m.name());
    }
  }

  @Test
  void atAQuarterTheSubsetsKeepAQuarterOfBsOwnUsersWhileWeightsStillSplitEveryone() {
    var subsets = model.added(model.routing(Mode.URL_MAP_SUBSETS, model.levels(B, 250)));
    assertEquals(75 * 100 / 400.0, subsets.mean(), 1e-9);
    // b's weight is ceil(100 × 0.25) = 25 against a's 300: A sends 300 × 25/325, B 100 × 300/325
    var weights = model.added(model.routing(Mode.URL_MAP_WEIGHTS, model.levels(B, 250)));
    assertEquals((300 * 25 / 325.0 + 100 * 300 / 325.0) * 100 / 400, weights.mean(), 1e-9);
  }

  @Test
  void onThePublishedMatrixTheSubsetsModeIsTheLeastAnyRoutingCanAddInEveryRow() {
    JsonObject report = GeographyModel.published().report();
    int rows = 0;
    for (JsonElement e : report.getAsJsonArray("rows")) {
      JsonObject row = e.getAsJsonObject();
      assertEquals(row.get("least"), row.get("URL_MAP_SUBSETS"), row.get("scenario").toString());
      rows++;
    }
    assertEquals(1 + 3 * 4, rows);
    JsonObject normal = report.getAsJsonArray("rows").get(0).getAsJsonObject();
    assertEquals(0, normal.getAsJsonObject("URL_MAP_SUBSETS").get("p95_ms").getAsDouble());
  }
}

package dev.failover.core.domain;

import static dev.failover.core.testing.Fixtures.ASIA;
import static dev.failover.core.testing.Fixtures.EU;
import static dev.failover.core.testing.Fixtures.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Levels written as weights over region subsets: each region's share of the weight is its level,
 * exactly; normal operation is all the weight on {@code all} (plain nearest-region routing).
 */
class SubsetWeightsTest {
  private static final Region OC = Region.of("australia-southeast1");

  /** all, all-but-X for each region (a deployment with max_regions_out = 1). */
  private final Topology one = Fixtures.subsets(1500, 1, US, EU, ASIA);

  /** Every subset but the empty one. */
  private final Topology every = Fixtures.subsets(1500, 2, US, EU, ASIA);

  private static Map<Region, Integer> levels(int us, int eu, int asia) {
    Map<Region, Integer> m = new LinkedHashMap<>();
    m.put(US, us);
    m.put(EU, eu);
    m.put(ASIA, asia);
    return m;
  }

  private static Map<String, Integer> byName(Topology t, SubsetWeights.Outcome o) {
    Map<String, Integer> out = new LinkedHashMap<>();
    Map<String, Integer> w = assertInstanceOf(SubsetWeights.Weights.class, o).byBackend();
    for (Subset s : t.subsets()) {
      if (w.get(s.backend()) != 0) {
        out.put(s.name(), w.get(s.backend()));
      }
    }
    return out;
  }

  @Test
  void everyRegionAtFull_isAllTheWeightOnAll() {
    assertEquals(
        Map.of("all", 1000),
        byName(one, SubsetWeights.weights(one.subsets(), levels(1000, 1000, 1000))));
  }

  @Test
  void aRegionDrained_movesAllTheWeightToAllButIt() {
    assertEquals(
        Map.of("all-but-us-central1", 1000),
        byName(one, SubsetWeights.weights(one.subsets(), levels(0, 1000, 1000))));
  }

  @Test
  void aRegionRamping_splitsBetweenAllAndAllButIt() {
    assertEquals(
        Map.of("all", 250, "all-but-us-central1", 750),
        byName(one, SubsetWeights.weights(one.subsets(), levels(250, 1000, 1000))));
    assertEquals(
        Map.of("all", 1, "all-but-europe-west1", 999),
        byName(one, SubsetWeights.weights(one.subsets(), levels(1000, 1, 1000))),
        "a region at 0.1 % keeps a weight of 1, never 0");
  }

  @Test
  void twoRegionsPartlyOut_useTheProductOfTheirLevels_withExactShares() {
    // 25 % and 50 %: all 125, all-but-us 375, all-but-eu 125, all-but-us-eu 375
    assertEquals(
        Map.of(
            "all", 125,
            "all-but-us-central1", 375,
            "all-but-europe-west1", 125,
            "all-but-us-central1-europe-west1", 375),
        byName(every, SubsetWeights.weights(every.subsets(), levels(250, 500, 1000))));
    // 33.3 % and 66.7 %: the product rounds, the shares do not
    Map<String, Integer> w =
        ((SubsetWeights.Weights) SubsetWeights.weights(every.subsets(), levels(333, 667, 1000)))
            .byBackend();
    assertEquals(
        Optional.of(levels(333, 667, 1000)),
        SubsetWeights.levels(every.subsets(), every.regionNames(), w));
  }

  @Test
  void aSubsetTheLevelsNeed_thatDoesNotExist_isNamed() {
    SubsetWeights.Missing m =
        assertInstanceOf(
            SubsetWeights.Missing.class, SubsetWeights.weights(one.subsets(), levels(0, 0, 1000)));
    assertEquals(Set.of(ASIA), m.regions());
    assertEquals("no subset backend service holds exactly [asia-east1]", m.why());
    SubsetWeights.Missing ramp =
        assertInstanceOf(
            SubsetWeights.Missing.class,
            SubsetWeights.weights(one.subsets(), levels(500, 0, 1000)));
    assertEquals(Set.of(ASIA), ramp.regions(), "us at 50 % with europe out needs all-but-both");
    SubsetWeights.Missing nobody =
        assertInstanceOf(
            SubsetWeights.Missing.class,
            SubsetWeights.weights(every.subsets(), levels(500, 500, 500)));
    assertEquals(Set.of(), nobody.regions());
    assertEquals("no region would serve that share of the traffic", nobody.why());
  }

  @Test
  void readingBack_givesEachRegionsShare_andNothingForAllZero() {
    Map<String, Integer> w = new LinkedHashMap<>();
    for (Subset s : one.subsets()) {
      w.put(
          s.backend(),
          s.name().equals("all") ? 600 : s.name().equals("all-but-asia-east1") ? 200 : 0);
    }
    // asia is only in all: 600 of 800
    assertEquals(
        Optional.of(levels(1000, 1000, 750)),
        SubsetWeights.levels(one.subsets(), one.regionNames(), w));
    w.replaceAll((k, v) -> 0);
    assertEquals(Optional.empty(), SubsetWeights.levels(one.subsets(), one.regionNames(), w));
  }

  @Property(tries = 3000)
  void writtenLevels_readBackExactly_sumTo1000_andNoServingRegionRoundsToZero(
      @ForAll @IntRange(min = 0, max = 1000) int a,
      @ForAll @IntRange(min = 0, max = 1000) int b,
      @ForAll @IntRange(min = 0, max = 1000) int c,
      @ForAll @IntRange(min = 0, max = 1000) int d) {
    Topology t = Fixtures.subsets(1500, 3, US, EU, ASIA, OC);
    Map<Region, Integer> levels = levels(a, b, c);
    levels.put(OC, d);
    SubsetWeights.Outcome o = SubsetWeights.weights(t.subsets(), levels);
    long partial = levels.values().stream().filter(l -> l > 0 && l < 1000).count();
    boolean anyFull = levels.values().stream().anyMatch(l -> l == 1000);
    if (o instanceof SubsetWeights.Missing m) {
      // every subset but the empty one exists: only a share for no region, or rounding with
      // three or more regions partly out, can stop the write, and it says which
      if (m.why().equals("no region would serve that share of the traffic")) {
        assertEquals(Set.of(), m.regions());
        assertTrue(!anyFull, "with a region at full, no share is left for nobody");
      } else {
        assertTrue(partial >= 3, "exact for up to two regions partly out: " + levels);
        assertEquals(
            "the levels cannot be written exactly (rounding leaves a negative weight)", m.why());
      }
      return;
    }
    Map<String, Integer> w = assertInstanceOf(SubsetWeights.Weights.class, o).byBackend();
    assertEquals(1000, w.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(w.values().stream().allMatch(x -> x >= 0 && x <= 1000));
    assertEquals(Optional.of(levels), SubsetWeights.levels(t.subsets(), t.regionNames(), w));
  }

  @Test
  void threeRegionsPartlyOut_areWrittenExactlyInTheCommonRampSteps() {
    Topology t = Fixtures.subsets(1500, 3, US, EU, ASIA, OC);
    List<Integer> steps = List.of(100, 250, 500);
    List<Map<Region, Integer>> cases = new ArrayList<>();
    for (int x : steps) {
      for (int y : steps) {
        for (int z : steps) {
          Map<Region, Integer> l = levels(x, y, z);
          l.put(OC, 1000);
          cases.add(l);
        }
      }
    }
    for (Map<Region, Integer> l : cases) {
      Map<String, Integer> w =
          assertInstanceOf(SubsetWeights.Weights.class, SubsetWeights.weights(t.subsets(), l))
              .byBackend();
      assertEquals(Optional.of(l), SubsetWeights.levels(t.subsets(), t.regionNames(), w));
    }
    assertEquals(27, cases.size());
  }

  @Test
  void topology_checksItsSubsets() {
    List<RegionSpec> specs =
        List.of(RegionSpec.of(US, "neg-us", 100, 1000), RegionSpec.of(EU, "neg-eu", 100, 1000));
    Subset all = new Subset("all", "bs-all", Set.of(US, EU));
    Subset noUs = new Subset("all-but-us", "bs-no-us", Set.of(EU));
    assertEquals(
        "mode URL_MAP_SUBSETS needs a subset that holds every region (all), got [all-but-us]",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Topology(Mode.URL_MAP_SUBSETS, "p", "um", specs, 0, List.of(noUs)))
            .getMessage());
    assertEquals(
        "subset all-but-us holds asia-east1, which is not a region of the topology",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new Topology(
                        Mode.URL_MAP_SUBSETS,
                        "p",
                        "um",
                        specs,
                        0,
                        List.of(all, new Subset("all-but-us", "bs-x", Set.of(EU, ASIA)))))
            .getMessage());
    assertEquals(
        "subset again holds the same regions as another: [europe-west1]",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new Topology(
                        Mode.URL_MAP_SUBSETS,
                        "p",
                        "um",
                        specs,
                        0,
                        List.of(all, noUs, new Subset("again", "bs-again", Set.of(EU)))))
            .getMessage());
    assertEquals(
        "subset backend bs-all is listed twice",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new Topology(
                        Mode.URL_MAP_SUBSETS,
                        "p",
                        "um",
                        specs,
                        0,
                        List.of(all, new Subset("x", "bs-all", Set.of(EU)))))
            .getMessage());
    assertEquals(
        "subsets are for mode URL_MAP_SUBSETS, not URL_MAP_WEIGHTS",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Topology(Mode.URL_MAP_WEIGHTS, "p", "um", specs, 0, List.of(all)))
            .getMessage());
    assertEquals(
        "subset all-but-everything holds no region",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Subset("all-but-everything", "bs", Set.of()))
            .getMessage());
  }

  @Test
  void aShare_isShownAsAPercentage_andReadBack() {
    assertEquals("100%", new Setting.Share(1000).display());
    assertEquals("25%", new Setting.Share(250).display());
    assertEquals("0.5%", new Setting.Share(5).display());
    assertEquals("0%", new Setting.Share(0).display());
    assertEquals(new Setting.Share(333), Setting.Share.parse("33.3%"));
    assertEquals(
        "a share is a percentage such as 25%, got 250",
        assertThrows(IllegalArgumentException.class, () -> Setting.Share.parse("250"))
            .getMessage());
    assertEquals(
        "share must be in 0..1000 thousandths, got 1001",
        assertThrows(IllegalArgumentException.class, () -> new Setting.Share(1001)).getMessage());
    assertEquals(new Setting.Share(250), one.settingFor(US, 250));
  }
}

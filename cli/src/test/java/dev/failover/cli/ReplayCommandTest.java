package dev.failover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays a quarter's incidents (golden notifications, Monitoring schema 1.2, shuffled) through the
 * real handlers: an overlapping pair in us-central1 while europe-west1 also fails, and a flapping
 * asia-east1 two weeks later.
 */
class ReplayCommandTest {
  static final Map<String, String> ENV =
      Map.of("FAILOVER_TOPOLOGY_FILE", "../examples/topology.json", "USER", "alice");
  static final String HISTORY = "src/test/resources/replay/q3-incidents.ndjson";

  @Test
  void replay_withAProposedPolicy_showsBothSideBySide() {
    Cli.Run r =
        Cli.run(
            ENV, "replay", HISTORY, "--policy", "src/test/resources/replay/proposed-policy.json");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        """
        replayed 12 notifications about 6 incidents, 2026-08-04T09:59:00Z .. 2026-08-20T09:11:00Z

                                          configured      proposed
        drains                                     4             2
          asia-east1                               2             1
          europe-west1                             1             0
          us-central1                              1             1
        region-minutes drained                 111.7         123.5
        restore after recovery, median      11.0 min      21.0 min
        restore after recovery, max         26.0 min      36.0 min
        holds                                      7             5
          flap_damping                             2             1
          headroom                                 1             0
          max_drained_fraction                     1             1
          restore_hold                             3             3
        pages                                      0             0
        load-balancer writes                      23            12
        """,
        r.out());
  }

  @Test
  void replay_ofOneOutage_restoresThroughTheRampAfterTheHold(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one.ndjson");
    Files.write(
        one,
        Files.readAllLines(Path.of(HISTORY)).stream()
            .filter(l -> l.contains("0.q3-us-5xx"))
            .toList());
    Cli.Run r = Cli.run(ENV, "replay", one.toString());
    assertEquals(0, r.exit(), r.err());
    // drained 10:00-10:25 (25 min), held 5 min, then 10% / 25% / 50% for 2 min each:
    // 30 + 0.9*2 + 0.75*2 + 0.5*2 = 34.3 region-minutes; back at 100% 11 min after recovery
    assertEquals(
        """
        replayed 2 notifications about 1 incidents, 2026-08-04T09:59:00Z .. 2026-08-04T10:36:00Z

                                          configured
        drains                                     1
          asia-east1                               0
          europe-west1                             0
          us-central1                              1
        region-minutes drained                  34.3
        restore after recovery, median      11.0 min
        restore after recovery, max         11.0 min
        holds                                      1
          restore_hold                             1
        pages                                      0
        load-balancer writes                       5
        """,
        r.out());
  }

  @Test
  void aLineThatIsNotANotification_isRefusedWithItsNumber(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.ndjson");
    Files.writeString(
        bad,
        Files.readAllLines(Path.of(HISTORY)).get(0) + "\n{\"incident\":{},\"version\":\"1.2\"}\n");
    Cli.Run r = Cli.run(ENV, "replay", bad.toString());
    assertEquals(2, r.exit());
    assertEquals("failoverctl: line 2: incident.incident_id is required", r.err().strip());
  }

  @Test
  void withoutATopology_saysWhatIsMissing() {
    Cli.Run r = Cli.run(Map.of("USER", "alice"), "replay", HISTORY);
    assertEquals(2, r.exit());
    assertEquals(
        "failoverctl: a topology is required: --topology FILE, or set FAILOVER_TOPOLOGY(_FILE)",
        r.err().strip());
  }
}

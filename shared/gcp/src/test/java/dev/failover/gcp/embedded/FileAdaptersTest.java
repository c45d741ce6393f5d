package dev.failover.gcp.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.core.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAdaptersTest {
  @TempDir Path dir;
  final Topology topology = Fixtures.three(Mode.URL_MAP_WEIGHTS);

  @Test
  void stateStore_eightConcurrentWriters_loseNoUpdate_andAnotherInstanceReadsIt() throws Exception {
    Path file = dir.resolve("state.json");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        // a store per writer, as separate processes would have
        fs.add(
            pool.submit(
                () ->
                    new FileStateStore(file)
                        .record(
                            new ControllerEvent.IncidentEvent(
                                "m" + n,
                                Fixtures.US,
                                "i" + n,
                                "p",
                                Fixtures.T0,
                                Optional.empty()))));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8, new FileStateStore(file).load().region(Fixtures.US).incidents().size());
    assertTrue(
        Files.list(dir).noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
  }

  @Test
  void loadBalancer_startsAtBase_keepsTheFingerprintRule_andPersists() {
    Path file = dir.resolve("lb.json");
    FileLoadBalancer lb = new FileLoadBalancer(file, topology);
    LoadBalancer.Observed o = lb.read();
    assertEquals(topology.baseConfig(), o.config());
    assertEquals("fp-1", o.fingerprint());
    LbConfig drained =
        new LbConfig(
            Mode.URL_MAP_WEIGHTS,
            Map.of(
                Fixtures.US,
                new Setting.Weight(0),
                Fixtures.EU,
                new Setting.Weight(100),
                Fixtures.ASIA,
                new Setting.Weight(100)));
    assertEquals(LoadBalancer.Written.fingerprint("fp-2"), lb.apply(drained, "fp-1", Map.of()));
    assertThrows(StaleFingerprintException.class, () -> lb.apply(drained, "fp-1", Map.of()));
    assertEquals(drained, new FileLoadBalancer(file, topology).read().config());
  }

  @Test
  void healthFile_reportsWhatItSays_andNothingForOtherRegions() throws Exception {
    Path file = dir.resolve("health.json");
    Files.writeString(
        file, "{\"us-central1\":{\"status\":\"UNHEALTHY\",\"since\":\"2026-11-01T12:00:00Z\"}}");
    Map<Region, Health> h = new FileHealthSource(file).observe(Instant.now());
    assertEquals(Map.of(Fixtures.US, new Health(Health.Status.UNHEALTHY, Fixtures.T0)), h);
    assertEquals(
        Map.of(), new FileHealthSource(dir.resolve("missing.json")).observe(Instant.now()));
  }
}

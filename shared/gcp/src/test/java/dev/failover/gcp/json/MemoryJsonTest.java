package dev.failover.gcp.json;

import static dev.failover.core.testing.Fixtures.US;
import static dev.failover.core.testing.Fixtures.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.failover.core.domain.ControllerEvent.CommandEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.LastCommand;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryJsonTest {

  @Test
  void theOperatorsLastCommand_survivesTheStore() {
    ControllerMemory m =
        ControllerMemory.empty()
            .record(
                new CommandEvent(
                    "c1",
                    US,
                    CommandEvent.Action.DRAIN,
                    "bob",
                    "maintenance",
                    Optional.of(Duration.ofHours(1)),
                    false,
                    min(0)))
            .memory()
            .record(
                new CommandEvent(
                    "c2",
                    US,
                    CommandEvent.Action.RESTORE,
                    "bob",
                    "done",
                    Optional.empty(),
                    false,
                    min(5)))
            .memory();
    ControllerMemory back = MemoryJson.decode(MemoryJson.encode(m));
    assertEquals(m, back);
    assertEquals(
        Optional.of(new LastCommand("c2", "restore", "bob", min(5))),
        back.region(US).lastCommand());
  }

  @Test
  void aPinsVerifiedSender_andABuildsDeployFacts_surviveTheStore() {
    ControllerMemory m =
        ControllerMemory.empty()
            .record(
                new CommandEvent(
                        "c1",
                        US,
                        CommandEvent.Action.DRAIN,
                        "bob",
                        "maintenance",
                        Optional.of(Duration.ofHours(1)),
                        false,
                        min(0))
                    .withPrincipal("bob@example.com"))
            .memory()
            .record(
                new dev.failover.core.domain.ControllerEvent.BuildEvent(
                    "b1",
                    dev.failover.core.testing.Fixtures.EU,
                    "build-1",
                    dev.failover.core.domain.BuildStatus.WORKING,
                    min(1),
                    Optional.of(Duration.ofMinutes(10)),
                    true))
            .memory();
    ControllerMemory back = MemoryJson.decode(MemoryJson.encode(m));
    assertEquals(m, back);
    assertEquals(Optional.of("bob@example.com"), back.region(US).pin().orElseThrow().principal());
    var build = back.region(dev.failover.core.testing.Fixtures.EU).build().orElseThrow();
    assertEquals(Optional.of(Duration.ofMinutes(10)), build.timeout());
    assertEquals(true, build.sharedDeploy());
  }

  @Test
  void aDocumentWrittenBeforeLastCommandExisted_stillReads() {
    String old =
        "{\"v\":1,\"regions\":{\"us-central1\":{\"incidents\":[],\"state\":{\"phase\":\"SERVING\","
            + "\"level\":1000,\"ramp_step\":-1,\"since\":\"1970-01-01T00:00:00Z\",\"flap_count\":0}}},"
            + "\"recent_event_ids\":[],\"notices\":{},\"parked_backends\":{},\"pending_writes\":[],"
            + "\"recent_writes\":[],\"changes\":0,\"reconciled\":0,\"watches\":[]}";
    assertFalse(MemoryJson.decode(old).region(US).lastCommand().isPresent());
  }

  @Test
  void aMemoryPastTheStoreLimit_isRefusedClearly() {
    // more regions than any load balancer has, each with its 64 kept incidents of long names:
    // past the limit, which the caps keep a real memory far below
    java.util.Map<dev.failover.core.domain.Region, dev.failover.core.domain.RegionMemory> regions =
        new java.util.HashMap<>();
    for (int r = 0; r < 20; r++) {
      java.util.Map<String, dev.failover.core.domain.Incident> incidents =
          new java.util.HashMap<>();
      for (int i = 0; i < dev.failover.core.domain.Situation.MAX_INCIDENTS; i++) {
        String id = String.format("%0256d", i);
        incidents.put(
            id,
            new dev.failover.core.domain.Incident(id, "p".repeat(512), min(0), Optional.empty()));
      }
      regions.put(
          dev.failover.core.domain.Region.of("region-" + (char) ('a' + r) + "1"),
          dev.failover.core.domain.RegionMemory.empty().withIncidents(incidents));
    }
    ControllerMemory big =
        new ControllerMemory(
            new dev.failover.core.domain.Situation(regions),
            dev.failover.core.domain.Bookkeeping.empty());
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.failover.core.port.PermanentException.class, () -> MemoryJson.encodeForStore(big));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("the controller memory would be "), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(
        MemoryJson.encode(big).length() > MemoryJson.MAX_BYTES);
    org.junit.jupiter.api.Assertions.assertEquals(
        MemoryJson.encode(ControllerMemory.empty()),
        MemoryJson.encodeForStore(ControllerMemory.empty()));
  }
}

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
  void aDocumentWrittenBeforeLastCommandExisted_stillReads() {
    String old =
        "{\"v\":1,\"regions\":{\"us-central1\":{\"incidents\":[],\"state\":{\"phase\":\"SERVING\","
            + "\"level\":1000,\"ramp_step\":-1,\"since\":\"1970-01-01T00:00:00Z\",\"flap_count\":0}}},"
            + "\"recent_event_ids\":[],\"notices\":{},\"parked_backends\":{},\"pending_writes\":[],"
            + "\"recent_writes\":[],\"changes\":0,\"reconciled\":0,\"watches\":[]}";
    assertFalse(MemoryJson.decode(old).region(US).lastCommand().isPresent());
  }
}

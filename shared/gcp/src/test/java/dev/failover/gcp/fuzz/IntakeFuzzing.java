package dev.failover.gcp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.failover.core.domain.ControllerMemory;
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
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.PubsubMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fuzzing step for a stream: the fuzzer's bytes arrive either as the whole push body or as the
 * message data inside a well-formed Pub/Sub envelope (with attributes for builds). Whatever
 * arrives: nothing escapes as an exception (a throw would be a retry), and input that was refused
 * or ignored changes neither the memory nor the load balancer.
 */
final class IntakeFuzzing {
  static final Instant NOW = Instant.parse("2026-11-01T12:05:00Z");
  static final Topology TOPOLOGY = Fixtures.three(Mode.URL_MAP_WEIGHTS);

  /** Inputs tried in this JVM, for the reliability summary. */
  static final AtomicLong TRIED = new AtomicLong();

  private IntakeFuzzing() {}

  static void step(Intake.Stream stream, FuzzedDataProvider in) {
    TRIED.incrementAndGet();
    InMemoryLoadBalancer lb = new InMemoryLoadBalancer(TOPOLOGY.baseConfig());
    InMemoryStateStore store = new InMemoryStateStore();
    ScriptedHealthSource health = new ScriptedHealthSource();
    for (Region r : TOPOLOGY.regionNames()) {
      health.report(r, Health.Status.HEALTHY, NOW.minusSeconds(3600));
    }
    Env env =
        Env.embedded(
            TOPOLOGY,
            Policy.defaults(),
            Map.of(),
            CloudBuilds.Routing.defaults(Optional.of("app")),
            Duration.ofDays(36500));
    Intake intake =
        Assembly.intake(
            env, store, lb, health, r -> {}, Clock.fixed(NOW, ZoneOffset.UTC), Pause.NONE);
    byte[] body;
    if (in.consumeBoolean()) {
      body = in.consumeRemainingAsBytes();
    } else {
      Map<String, String> attrs =
          stream == Intake.Stream.BUILDS
              ? Map.of("buildId", in.consumeString(40), "status", in.consumeString(20))
              : Map.of();
      String data = in.consumeRemainingAsString();
      body =
          PubsubMessage.envelope("fuzz-1", NOW, attrs, data, "projects/p/subscriptions/s")
              .getBytes(StandardCharsets.UTF_8);
    }
    ControllerMemory before = store.load();
    Intake.Outcome o = intake.handle(stream, body, "fuzz-1");
    if (o.status().equals("rejected") || o.status().equals("ignored")) {
      assertEquals(before, store.load(), "refused input changed the memory");
      assertEquals(0, lb.writes().size(), "refused input wrote the load balancer");
    }
  }
}

package dev.failover.bench;

import com.google.cloud.compute.v1.UrlMap;
import com.google.cloud.compute.v1.UrlMapsClient;
import com.google.cloud.firestore.Firestore;
import com.google.gson.JsonObject;
import dev.failover.core.domain.ControllerEvent;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Health;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.core.memory.ScriptedHealthSource;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.Pause;
import dev.failover.core.port.StateStore;
import dev.failover.core.testing.Emulator;
import dev.failover.core.testing.MutableClock;
import dev.failover.fake.compute.ComputeFake;
import dev.failover.gcp.compute.ComputeClients;
import dev.failover.gcp.compute.UrlMapLoadBalancer;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.intake.CloudBuilds;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.OperatorCommands;
import dev.failover.gcp.intake.PubsubMessage;
import dev.failover.gcp.state.FirestoreStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Warm latency: operator commands that each change the load balancer (drain, then restore, of one
 * region, the clock moving two hours between them so no damping applies), through the real parser,
 * handler and controller, with memory in the Firestore emulator and the real Compute client against
 * the Compute fake, all on loopback.
 *
 * <p>Per event it measures: event received (the call into {@link Intake#handle}) to the PATCH
 * arriving at the fake; the whole handling; and the time spent inside the state store and load
 * balancer ports (the emulator's and the fake's round trips, client libraries included). The
 * controller's own share is the whole handling minus the port time. Baseline, in the same run: a
 * bare Compute GET then PATCH with the fingerprint through the same client (the least any
 * controller must do to move traffic). Prints one JSON object for bench/report.py.
 */
public final class WarmLatency {

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int warmup = 100;
    Region us = ThreeRegions.US;
    Topology t = ThreeRegions.topology("app-url-map");
    try (Emulator emulator = Emulator.firestore();
        ComputeFake fake = ComputeFake.start();
        UrlMapsClient client =
            ComputeClients.urlMaps(ComputeClients.Settings.fake(fake.endpoint()))) {
      ThreeRegions.put(fake, "app-url-map");
      ThreeRegions.put(fake, "baseline-map");
      Firestore db = ThreeRegions.firestore(emulator);
      MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
      Ports ports = new Ports();
      StateStore store =
          ports.timed(
              new FirestoreStateStore(db, "demo-project__app-url-map", Duration.ofDays(7), clock));
      LoadBalancer lb =
          ports.timed(new UrlMapLoadBalancer(client, t, Set.of(), Duration.ofSeconds(5)));
      ScriptedHealthSource health = new ScriptedHealthSource();
      t.regionNames()
          .forEach(
              r ->
                  health.report(
                      r, Health.Status.HEALTHY, clock.instant().minus(Duration.ofDays(1))));
      Env env =
          Env.embedded(
              t,
              Policy.defaults(),
              Map.of(),
              CloudBuilds.Routing.defaults(Optional.empty()),
              Duration.ofHours(1));
      Intake intake = Assembly.intake(env, store, lb, health, r -> {}, clock, Pause.NONE);
      long[] patchArrived = new long[1];
      fake.onPatchArrival(() -> patchArrived[0] = System.nanoTime());

      long[] toPatch = new long[events];
      long[] total = new long[events];
      long[] own = new long[events];
      long[] io = new long[events];
      int patches = 0;
      for (int i = -warmup; i < events; i++) {
        clock.advance(Duration.ofHours(2));
        boolean drain = Math.floorMod(i, 2) == 0;
        String data =
            OperatorCommands.encode(
                drain
                    ? ControllerEvent.CommandEvent.Action.DRAIN
                    : ControllerEvent.CommandEvent.Action.RESTORE,
                us,
                "warm latency benchmark",
                "bench@example.com",
                drain ? Optional.of(Duration.ofHours(4)) : Optional.empty(),
                false,
                clock.instant(),
                Optional.empty());
        String id = "cmd-" + (i + warmup);
        byte[] message =
            PubsubMessage.envelope(
                    id, clock.instant(), Map.of(), data, "projects/demo-project/subscriptions/s")
                .getBytes(StandardCharsets.UTF_8);
        int before = fake.count(ComputeFake.Call.PATCH);
        ports.reset();
        patchArrived[0] = 0;
        long start = System.nanoTime();
        Intake.Outcome o = intake.handle(Intake.Stream.COMMANDS, message, id);
        long end = System.nanoTime();
        if (fake.count(ComputeFake.Call.PATCH) != before + 1 || patchArrived[0] == 0) {
          throw new IllegalStateException("event " + id + " did not PATCH once: " + o);
        }
        if (i >= 0) {
          patches++;
          toPatch[i] = patchArrived[0] - start;
          total[i] = end - start;
          io[i] = ports.nanos;
          own[i] = total[i] - ports.nanos;
        }
      }

      long[] baseline = new long[events];
      for (int i = -warmup; i < events; i++) {
        patchArrived[0] = 0;
        long start = System.nanoTime();
        UrlMap m = client.get("demo-project", "baseline-map");
        int w = Math.floorMod(i, 2) == 0 ? 0 : 100;
        var action = m.getDefaultRouteAction().toBuilder();
        action.setWeightedBackendServices(
            0, action.getWeightedBackendServices(0).toBuilder().setWeight(w).build());
        UrlMap patch =
            UrlMap.newBuilder()
                .setFingerprint(m.getFingerprint())
                .setDefaultRouteAction(action.build())
                .build();
        client.patchAsync("demo-project", "baseline-map", patch).get();
        if (i >= 0) {
          baseline[i] = patchArrived[0] - start;
        }
      }
      db.close();

      JsonObject o = new JsonObject();
      o.addProperty("events", events);
      o.addProperty("warmup", warmup);
      o.addProperty("patches", patches);
      o.add("event_to_patch", stats(toPatch));
      o.add("handling", stats(total));
      o.add("ports", stats(io));
      o.add("controller_share", stats(own));
      o.add("baseline_get_patch", stats(baseline));
      System.out.println(o);
    }
  }

  /** Median, p99 and max in milliseconds. */
  static JsonObject stats(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    JsonObject o = new JsonObject();
    o.addProperty("p50_ms", s[(int) Math.floor(0.50 * (s.length - 1))] / 1e6);
    o.addProperty("p99_ms", s[(int) Math.ceil(0.99 * (s.length - 1))] / 1e6);
    o.addProperty("max_ms", s[s.length - 1] / 1e6);
    return o;
  }

  /** Time spent inside the ports during one event (single-threaded harness). */
  static final class Ports {
    long nanos;

    void reset() {
      nanos = 0;
    }

    <T> T time(java.util.function.Supplier<T> call) {
      long s = System.nanoTime();
      try {
        return call.get();
      } finally {
        nanos += System.nanoTime() - s;
      }
    }

    StateStore timed(StateStore inner) {
      return new StateStore() {
        @Override
        public ControllerMemory load() {
          return time(inner::load);
        }

        @Override
        public <T> T update(Function<ControllerMemory, Change<T>> change) {
          return time(() -> inner.update(change));
        }

        @Override
        public <T> Recording<T> record(
            ControllerEvent event, Function<ControllerMemory.Recorded, Change<T>> then) {
          return time(() -> inner.record(event, then));
        }
      };
    }

    LoadBalancer timed(LoadBalancer inner) {
      return new LoadBalancer() {
        @Override
        public Observed read() {
          return time(inner::read);
        }

        @Override
        public Written apply(LbConfig target, String fingerprint, Map<Region, String> parked) {
          return time(() -> inner.apply(target, fingerprint, parked));
        }
      };
    }
  }
}

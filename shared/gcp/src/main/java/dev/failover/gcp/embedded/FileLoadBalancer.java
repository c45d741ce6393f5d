package dev.failover.gcp.embedded;

import com.google.gson.JsonObject;
import dev.failover.core.domain.LbConfig;
import dev.failover.core.domain.Mode;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Setting;
import dev.failover.core.domain.Topology;
import dev.failover.core.port.LoadBalancer;
import dev.failover.core.port.PermanentException;
import dev.failover.core.port.StaleFingerprintException;
import dev.failover.gcp.json.Strict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A load balancer kept in a local JSON file (the embedded default): {@code {"generation": n,
 * "settings": {"us-central1": "100", ...}}}, starting at the topology's base config. It keeps the
 * platform's rules through {@link LbConfig} (the same rule implementation as the Compute fake): a
 * write must present the current fingerprint ({@code fp-<generation>}), every write changes it, and
 * settings out of range or a config with no serving region are refused.
 */
public final class FileLoadBalancer implements LoadBalancer {
  private final JsonFile file;
  private final Topology topology;

  public FileLoadBalancer(Path path, Topology topology) {
    this.file = new JsonFile(path);
    this.topology = topology;
  }

  private record State(long generation, LbConfig config) {
    String fingerprint() {
      return "fp-" + generation;
    }
  }

  @Override
  public Observed read() {
    State s = file.read().map(this::decode).orElseGet(() -> new State(1, topology.baseConfig()));
    return new Observed(s.config(), s.fingerprint());
  }

  @Override
  public Written apply(LbConfig target, String fingerprint, Map<Region, String> parked) {
    if (target.mode() != topology.mode()
        || !target.settings().keySet().equals(topology.baseConfig().settings().keySet())) {
      throw new PermanentException("a write must keep the mode and the regions of the topology");
    }
    return file.update(
        text -> {
          State s = text.map(this::decode).orElseGet(() -> new State(1, topology.baseConfig()));
          if (!s.fingerprint().equals(fingerprint)) {
            throw new StaleFingerprintException(
                "fingerprint "
                    + fingerprint
                    + " is stale; "
                    + file.path()
                    + " is at "
                    + s.fingerprint());
          }
          State next = new State(s.generation() + 1, target);
          return new JsonFile.Update<>(
              Optional.of(encode(next)), Written.fingerprint(next.fingerprint()));
        });
  }

  private String encode(State s) {
    JsonObject o = new JsonObject();
    o.addProperty("mode", s.config().mode().name());
    o.addProperty("generation", s.generation());
    JsonObject settings = new JsonObject();
    s.config().settings().forEach((r, v) -> settings.addProperty(r.name(), v.display()));
    o.add("settings", settings);
    return o.toString();
  }

  private State decode(String text) {
    Strict o = Strict.parse(text, file.path().toString());
    Mode mode = Mode.valueOf(o.string("mode"));
    if (mode != topology.mode()) {
      throw new PermanentException(
          file.path() + " holds a " + mode + " load balancer, the topology is " + topology.mode());
    }
    long generation = o.optLong("generation").orElse(1L);
    Map<Region, Setting> settings = new LinkedHashMap<>();
    Strict s = o.object("settings");
    for (String name : s.raw().keySet()) {
      String v = s.string(name);
      Region r = Region.of(name);
      settings.put(
          r,
          switch (mode) {
            case URL_MAP_WEIGHTS -> new Setting.Weight(Integer.parseInt(v));
            case URL_MAP_SUBSETS -> Setting.Share.parse(v);
            case CAPACITY_SCALER -> Setting.Scaler.of(Double.parseDouble(v));
            case BACKEND_MEMBERSHIP -> new Setting.Member(v.equals("in"));
          });
    }
    return new State(generation, new LbConfig(mode, settings));
  }
}

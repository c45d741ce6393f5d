package dev.failover.cli;

import dev.failover.gcp.config.Env;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the controller's configuration comes from: the same environment variables as the functions
 * (see the README), with a few flags on top.
 */
final class ConfigOptions {
  @Option(
      names = "--topology",
      paramLabel = "FILE",
      description = "topology JSON file (default: $FAILOVER_TOPOLOGY or $FAILOVER_TOPOLOGY_FILE)")
  Path topology;

  @Option(
      names = "--adapters",
      paramLabel = "google|embedded",
      description =
          "where state, load balancer and health live (default: $FAILOVER_ADAPTERS, else embedded)")
  String adapters;

  /** The process environment; tests give another. */
  Map<String, String> base = System.getenv();

  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(base);
    if (topology != null) {
      env.remove("FAILOVER_TOPOLOGY");
      env.put("FAILOVER_TOPOLOGY_FILE", topology.toString());
    }
    if (adapters != null) {
      env.put("FAILOVER_ADAPTERS", adapters);
    }
    return env;
  }

  boolean hasTopology() {
    Map<String, String> env = environment();
    return env.containsKey("FAILOVER_TOPOLOGY") || env.containsKey("FAILOVER_TOPOLOGY_FILE");
  }

  Env env() {
    return Env.from(environment());
  }
}

package dev.failover.cli;

import dev.failover.core.domain.Policy;
import dev.failover.core.domain.Region;
import dev.failover.core.domain.Topology;
import dev.failover.gcp.config.Env;
import dev.failover.gcp.json.ConfigJson;
import dev.failover.gcp.json.Strict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Run the policy over a recorded history of Monitoring incident notifications and report what"
          + " the controller would have done: drains, restore times, holds, pages and region-minutes"
          + " drained. With --policy, the configured policy and the proposed one side by side.",
      "HISTORY is NDJSON: one notification (incident schema 1.2, as Monitoring sends it) per line,"
          + " in any order; for example the data column of the alerts topic's BigQuery export."
    })
final class ReplayCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "HISTORY", description = "incident notifications, NDJSON")
  Path history;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "a proposed policy (JSON, the FAILOVER_POLICY format) to compare")
  Path proposed;

  @Option(
      names = "--tick",
      paramLabel = "DURATION",
      defaultValue = "1m",
      description = "the controller's tick, as Cloud Scheduler runs it (default: ${DEFAULT-VALUE})")
  String tick;

  @Option(
      names = "--tail",
      paramLabel = "DURATION",
      defaultValue = "6h",
      description =
          "how long to run on after the last notification if a region is still out (default:"
              + " ${DEFAULT-VALUE})")
  String tail;

  @Mixin ConfigOptions config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!config.hasTopology()) {
      throw new IllegalArgumentException(
          "a topology is required: --topology FILE, or set FAILOVER_TOPOLOGY(_FILE)");
    }
    Env env = config.env();
    Topology topology = env.topology();
    if (!Files.isRegularFile(history)) {
      throw new IllegalArgumentException("HISTORY: no such file: " + history);
    }
    List<Replay.Notification> notes =
        Replay.parse(Files.readAllLines(history, StandardCharsets.UTF_8), topology, env);
    Duration t = PublishCommand.parseDuration("--tick", tick);
    Duration rest = PublishCommand.parseDuration("--tail", tail);
    if (t.isZero()) {
      throw new IllegalArgumentException("--tick must be positive");
    }
    List<String> names = new ArrayList<>(List.of("configured"));
    List<Replay.Report> reports = new ArrayList<>();
    reports.add(Replay.run(notes, topology, env.policy(), env, t, rest));
    if (proposed != null) {
      Policy p;
      try {
        p =
            ConfigJson.policy(
                Strict.parse(Files.readString(proposed, StandardCharsets.UTF_8), "--policy"));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IllegalArgumentException("--policy: no such file: " + proposed);
      }
      names.add("proposed");
      reports.add(Replay.run(notes, topology, p, env, t, rest));
    }
    print(spec.commandLine().getOut(), topology, names, reports);
    return 0;
  }

  static void print(
      PrintWriter out, Topology topology, List<String> names, List<Replay.Report> reports) {
    Replay.Report first = reports.get(0);
    out.printf(
        "replayed %d notifications about %d incidents, %s .. %s%n%n",
        first.notifications(), first.incidents(), first.from(), first.to());
    List<String[]> rows = new ArrayList<>();
    rows.add(row("", names.toArray(String[]::new)));
    rows.add(row("drains", reports.stream().map(r -> "" + r.totalDrains()).toArray(String[]::new)));
    for (Region r : topology.regionNames()) {
      rows.add(
          row("  " + r, reports.stream().map(x -> "" + x.drains().get(r)).toArray(String[]::new)));
    }
    rows.add(
        row(
            "region-minutes drained",
            reports.stream()
                .map(r -> String.format(Locale.ROOT, "%.1f", r.totalRegionMinutes()))
                .toArray(String[]::new)));
    rows.add(
        row(
            "restore after recovery, median",
            reports.stream().map(r -> minutes(median(r.restoreTimes()))).toArray(String[]::new)));
    rows.add(
        row(
            "restore after recovery, max",
            reports.stream()
                .map(r -> minutes(r.restoreTimes().stream().max(Duration::compareTo).orElse(null)))
                .toArray(String[]::new)));
    rows.add(
        row(
            "holds",
            reports.stream()
                .map(r -> "" + r.holds().values().stream().mapToInt(Integer::intValue).sum())
                .toArray(String[]::new)));
    java.util.SortedSet<String> rules = new java.util.TreeSet<>();
    reports.forEach(r -> rules.addAll(r.holds().keySet()));
    for (String rule : rules) {
      rows.add(
          row(
              "  " + rule,
              reports.stream()
                  .map(r -> "" + r.holds().getOrDefault(rule, 0))
                  .toArray(String[]::new)));
    }
    rows.add(row("pages", reports.stream().map(r -> "" + r.pages()).toArray(String[]::new)));
    rows.add(
        row(
            "load-balancer writes",
            reports.stream().map(r -> "" + r.writes()).toArray(String[]::new)));
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-" + w0 + "s", r[0]));
      for (int i = 1; i < r.length; i++) {
        b.append(String.format(Locale.ROOT, "  %12s", r[i]));
      }
      out.println(b.toString().stripTrailing());
    }
  }

  private static String[] row(String label, String[] values) {
    String[] r = new String[values.length + 1];
    r[0] = label;
    System.arraycopy(values, 0, r, 1, values.length);
    return r;
  }

  static Duration median(List<Duration> ds) {
    if (ds.isEmpty()) {
      return null;
    }
    List<Duration> s = ds.stream().sorted().toList();
    return s.get((s.size() - 1) / 2);
  }

  static String minutes(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f min", d.toSeconds() / 60.0);
  }
}

package dev.failover.cli;

import dev.failover.core.sim.Scenario;
import dev.failover.gcp.audit.NdjsonFileAuditSink;
import dev.failover.gcp.json.ScenarioJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a scenario on a virtual clock against an in-memory load balancer that keeps the"
          + " platform's rules, print a timeline, and write every decision as NDJSON.",
      "SCENARIO is a shipped scenario's name (see --list) or a path to a scenario JSON file;"
          + " without it the nearest-region outage (weights over region subsets) runs."
    })
final class SimulateCommand implements Callable<Integer> {

  static final List<String> SHIPPED =
      List.of(
          "nearest-region-outage",
          "subset-missing",
          "regional-outage",
          "flapping-region",
          "all-regions-sick",
          "manual-drain-expiry",
          "alert-storm",
          "rolling-deploy",
          "pipeline-deploy",
          "late-deliveries",
          "drill-aborted",
          "reordered-commands",
          "lost-close");

  @Parameters(arity = "0..1", paramLabel = "SCENARIO", defaultValue = "nearest-region-outage")
  String scenario;

  @Option(
      names = "--audit",
      paramLabel = "FILE",
      description = "where to write the audit NDJSON (default: out/simulate-<name>.ndjson)")
  Path audit;

  @Option(names = "--list", description = "list the shipped scenarios and exit")
  boolean list;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "also write a self-contained HTML report with a timeline")
  Path html;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      for (String name : SHIPPED) {
        out.println(name + "  " + load(name).description());
      }
      return 0;
    }
    Scenario s = load(scenario);
    Path file = audit != null ? audit : Path.of("out", "simulate-" + s.name() + ".ndjson");
    try (NdjsonFileAuditSink sink = new NdjsonFileAuditSink(file, false);
        java.io.PrintStream ps =
            new java.io.PrintStream(new WriterOutputStream(out), true, StandardCharsets.UTF_8)) {
      Simulation.Outcome o = new Simulation(s, sink, ps, Terminal.colour()).run();
      ps.printf(
          "%n%d load-balancer writes, %d audit records written to %s%n",
          o.writes(), o.records().size(), file);
      if (html != null) {
        List<com.google.gson.JsonObject> json = new java.util.ArrayList<>();
        o.records()
            .forEach(
                r ->
                    json.add(
                        com.google.gson.JsonParser.parseString(
                                dev.failover.core.audit.AuditLine.encode(r))
                            .getAsJsonObject()));
        Files.writeString(
            html, HtmlReport.render("failover simulate " + s.name(), json), StandardCharsets.UTF_8);
        ps.println("HTML report written to " + html);
      }
    }
    return 0;
  }

  static Scenario load(String nameOrPath) throws IOException {
    String text;
    if (SHIPPED.contains(nameOrPath)) {
      try (InputStream in =
          SimulateCommand.class.getResourceAsStream("/scenarios/" + nameOrPath + ".json")) {
        if (in == null) {
          throw new IllegalStateException(
              "shipped scenario " + nameOrPath + " is missing from the jar");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } else {
      Path p = Path.of(nameOrPath);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(
            "no scenario named '"
                + nameOrPath
                + "': give a file path or one of "
                + String.join(", ", SHIPPED));
      }
      text = Files.readString(p, StandardCharsets.UTF_8);
    }
    return ScenarioJson.parse(text);
  }

  /** Lets the timeline go through picocli's writer, so tests can capture it. */
  private static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter w) {
      this.w = w;
    }

    @Override
    public void write(int b) {
      buf.write(b);
      if (b == '\n') {
        flush();
      }
    }

    @Override
    public void flush() {
      w.print(buf.toString(StandardCharsets.UTF_8));
      w.flush();
      buf.reset();
    }
  }
}

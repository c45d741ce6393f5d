package dev.failover.cli;

import dev.failover.core.app.Controller;
import dev.failover.core.audit.AuditLine;
import dev.failover.core.audit.AuditRecord;
import dev.failover.core.memory.InMemoryLoadBalancer;
import dev.failover.core.memory.InMemoryStateStore;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import dev.failover.core.port.Pause;
import dev.failover.gcp.config.Assembly;
import dev.failover.gcp.intake.Intake;
import dev.failover.gcp.intake.PubsubMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Show what reconcile would do now, or after one event, without changing anything: the"
          + " controller runs on in-memory copies of the memory and the load balancer read from the"
          + " configured adapters, and prints its decisions and the records it would write."
    })
final class PlanCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--event",
      paramLabel = "FILE",
      description = "an event's message data (alert, build or command JSON) to apply first")
  Path event;

  @Option(
      names = "--stream",
      paramLabel = "alerts|builds|commands",
      description = "which topic the event comes from (default: guessed from the file)")
  String stream;

  @Option(
      names = "--attribute",
      paramLabel = "KEY=VALUE",
      description = "a message attribute (builds: buildId, status)")
  Map<String, String> attributes = Map.of();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Instant now = clock.instant();
    try (Adapters a = new Adapters(config, clock, spec.commandLine().getErr())) {
      InMemoryStateStore memory = new InMemoryStateStore(a.components.store().load());
      InMemoryLoadBalancer lb =
          new InMemoryLoadBalancer(a.components.loadBalancer().read().config());
      List<AuditRecord> records = new ArrayList<>();
      Intake copy =
          Assembly.intake(
              a.env,
              memory,
              lb,
              a.components.health(),
              r -> records.add(r.asDryRun()),
              clock,
              Pause.NONE);
      Intake.Outcome o;
      if (event != null) {
        String data = Files.readString(event, StandardCharsets.UTF_8);
        Intake.Stream s =
            stream != null ? Intake.Stream.valueOf(stream.toUpperCase(Locale.ROOT)) : guess(data);
        String envelope =
            PubsubMessage.envelope(
                "plan-" + now.toEpochMilli(),
                now,
                attributes,
                data,
                "projects/-/subscriptions/plan");
        o = copy.handle(s, envelope.getBytes(StandardCharsets.UTF_8), "plan");
        out.println("event: " + s.wire() + ": " + o.status() + ": " + o.summary());
      } else {
        String envelope =
            PubsubMessage.envelope(
                "plan-" + now.toEpochMilli(), now, Map.of(), "{}", "projects/-/subscriptions/plan");
        o = copy.handle(Intake.Stream.TICK, envelope.getBytes(StandardCharsets.UTF_8), "plan");
      }
      o.result().ifPresent(r -> print(out, r));
      for (AuditRecord rec : records) {
        out.println("record: " + AuditLine.encode(rec));
      }
      return 0;
    }
  }

  private static Intake.Stream guess(String data) {
    if (data.contains("\"incident\"")) {
      return Intake.Stream.ALERTS;
    }
    if (data.contains("failover.command/")) {
      return Intake.Stream.COMMANDS;
    }
    if (data.contains("\"substitutions\"") || data.contains("\"buildTriggerId\"")) {
      return Intake.Stream.BUILDS;
    }
    throw new IllegalArgumentException(
        "--stream is needed: the event file is not recognisably an alert, build or command");
  }

  private static void print(PrintWriter out, Controller.Result r) {
    if (r.plan().isEmpty()) {
      out.println("no change: the event changes nothing the controller knows");
      return;
    }
    Plan plan = r.plan().get();
    out.println(
        r.wrote()
            ? "would write: " + plan.target().display()
            : "no change: " + plan.target().display());
    for (RegionDecision d : plan.decisions()) {
      out.printf(
          "  %-16s %-6s -> %-6s %-13s %s%n",
          d.region(), d.before().display(), d.after().display(), d.action().wire(), d.reason());
    }
    plan.page().ifPresent(p -> out.println("PAGE: " + p));
  }
}

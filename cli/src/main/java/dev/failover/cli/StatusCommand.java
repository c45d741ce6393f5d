package dev.failover.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.failover.core.domain.ControllerMemory;
import dev.failover.core.domain.Pin;
import dev.failover.core.domain.RegionMemory;
import dev.failover.core.domain.RegionState;
import dev.failover.core.domain.Watch;
import dev.failover.core.planner.Action;
import dev.failover.core.planner.Plan;
import dev.failover.core.planner.RegionDecision;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show each region: its setting on the load balancer, phase and level, why it is wanted out,"
          + " its pin and when it expires, its ramp step, and when the plan may next change by"
          + " time alone. Reads the configured adapters (Google or embedded); changes nothing."
    })
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--output",
      paramLabel = "table|json",
      defaultValue = "table",
      description = "table (default) or json")
  String output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Instant now = clock.instant();
    if (!output.equals("json") && !output.equals("table")) {
      throw new IllegalArgumentException("--output must be table or json, got '" + output + "'");
    }
    try (Adapters a = new Adapters(config, clock, spec.commandLine().getErr())) {
      Plan plan = a.controller.dryRun(now);
      ControllerMemory memory = a.components.store().load();
      if (output.equals("json")) {
        JsonArray arr = new JsonArray();
        plan.decisions().forEach(d -> arr.add(json(d, memory, now)));
        out.println(arr);
        return 0;
      }
      out.printf(
          "%s %s (%s) at %s%n",
          a.env.topology().project(), a.env.topology().resource(), a.env.topology().mode(), now);
      out.printf(
          "%-16s %-8s %-8s %-6s %-5s %-19s %s%n",
          "REGION", "SETTING", "PHASE", "LEVEL", "RAMP", "NEXT", "REASON");
      for (RegionDecision d : plan.decisions()) {
        row(out, d, memory, now, a.env.policy().rampSteps().size());
      }
      plan.page().ifPresent(p -> out.println("PAGE: " + p));
      return 0;
    }
  }

  private static JsonObject json(RegionDecision d, ControllerMemory memory, Instant now) {
    RegionMemory m = memory.region(d.region());
    JsonObject o = new JsonObject();
    o.addProperty("region", d.region().name());
    o.addProperty("setting", d.before().display());
    o.addProperty("phase", m.state().phase().name());
    o.addProperty("level", m.state().level());
    if (m.state().rampStep() >= 0) {
      o.addProperty("ramp_step", m.state().rampStep() + 1);
    }
    d.wantedOut().ifPresent(w -> o.addProperty("wanted_out", w.text()));
    m.pin().filter(p -> p.activeAt(now)).ifPresent(p -> o.add("pin", pin(p)));
    memory.books().watches().stream()
        .filter(w -> w.region().equals(d.region()))
        .findFirst()
        .ifPresent(
            w -> {
              JsonObject v = new JsonObject();
              v.addProperty("direction", w.direction().name().toLowerCase(Locale.ROOT));
              v.addProperty("written_at", w.writtenAt().toString());
              o.add("awaiting_verification", v);
            });
    o.addProperty("next_action", d.action() == Action.KEEP ? "none" : d.action().wire());
    d.nextActionAt().ifPresent(t -> o.addProperty("next_action_at", t.toString()));
    o.addProperty("reason", d.reason());
    return o;
  }

  private static void row(
      PrintWriter out, RegionDecision d, ControllerMemory memory, Instant now, int rampSteps) {
    RegionState s = memory.region(d.region()).state();
    String next =
        d.nextActionAt()
            .map(Instant::toString)
            .orElse(d.changes() ? "now: " + d.action().wire() : "-");
    out.printf(
        "%-16s %-8s %-8s %-6s %-5s %-19s %s%n",
        d.region(),
        d.before().display(),
        s.phase(),
        (s.level() / 10) + "%",
        s.rampStep() < 0 ? "-" : (s.rampStep() + 1) + "/" + rampSteps,
        next.length() > 19 ? next.substring(0, 19) : next,
        d.reason());
    memory
        .region(d.region())
        .pin()
        .filter(p -> p.activeAt(now))
        .ifPresent(
            p ->
                out.printf(
                    "%-16s pin %s by %s%s until %s%s: %s%n",
                    "",
                    p.kind().name().toLowerCase(Locale.ROOT),
                    p.actor(),
                    p.principal()
                        .map(x -> " (sent by " + x + ", verified)")
                        .orElse(" (unverified)"),
                    p.expiresAt(),
                    p.breakGlass() ? " (break-glass)" : "",
                    p.reason()));
    memory.books().watches().stream()
        .filter(w -> w.region().equals(d.region()))
        .forEach(
            w ->
                out.printf(
                    "%-16s awaiting traffic %s since the write at %s%n",
                    "",
                    w.direction() == Watch.Direction.OUT ? "to leave" : "to arrive",
                    w.writtenAt()));
  }

  private static JsonObject pin(Pin p) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", p.kind().name().toLowerCase(java.util.Locale.ROOT));
    o.addProperty("actor", p.actor());
    p.principal().ifPresent(x -> o.addProperty("principal", x));
    o.addProperty("verified", p.principal().isPresent());
    o.addProperty("reason", p.reason());
    o.addProperty("expires_at", p.expiresAt().toString());
    o.addProperty("break_glass", p.breakGlass());
    return o;
  }
}
